import { sql } from 'kysely';
import { newId } from '../kernel/ids.ts';
import type { Executor } from '../storage/db.ts';
import type { PasswordResetRow } from '../storage/database.ts';
import { credentialStateOf, type CredentialState } from '../users/users.ts';

/**
 * Credential state: the password columns of `users` (hash, change time, must-change, lockout counters),
 * password history and reset links. Only the passwords domain writes these.
 */

export async function findCredentialState(db: Executor, userId: string): Promise<CredentialState | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'password_hash', 'password_changed_at', 'password_must_change', 'failed_login_count', 'locked_until'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return row === undefined ? undefined : credentialStateOf(row);
}

/**
 * Counts one failed sign-in, atomically (the row lock serialises concurrent attempts on every instance).
 * A lock that has run out starts a fresh count; reaching `maxFailures` locks until `lockedUntil`.
 * Returns the new count and lock, so exactly one caller sees the count reach the threshold.
 */
export async function recordFailedLogin(
  db: Executor,
  userId: string,
  now: Date,
  maxFailures: number,
  lockedUntil: Date,
): Promise<{ failedLoginCount: number; lockedUntil: Date | null }> {
  const expiredLock = sql<boolean>`(locked_until is not null and locked_until <= ${now})`;
  const nextCount = sql<number>`case when ${expiredLock} then 1 else failed_login_count + 1 end`;
  const row = await db
    .updateTable('users')
    .set({
      failed_login_count: nextCount,
      locked_until: sql<Date | null>`case
        when locked_until is not null and locked_until > ${now} then locked_until
        when ${nextCount} >= ${maxFailures} then ${lockedUntil}::timestamptz
        else null end`,
    })
    .where('id', '=', userId)
    .returning(['failed_login_count', 'locked_until'])
    .executeTakeFirstOrThrow();
  return { failedLoginCount: row.failed_login_count, lockedUntil: row.locked_until };
}

export async function clearFailedLogins(db: Executor, userId: string): Promise<void> {
  await db.updateTable('users').set({ failed_login_count: 0, locked_until: null }).where('id', '=', userId).execute();
}

export async function updatePasswordHash(db: Executor, userId: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
}

/** Sets a new password: records the old hash in the history, clears must-change and any lockout. */
export async function replacePassword(db: Executor, userId: string, passwordHash: string, now: Date): Promise<void> {
  const current = await db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst();
  if (current?.password_hash != null) {
    await db.insertInto('password_history').values({ id: newId(now.getTime()), user_id: userId, password_hash: current.password_hash, created_at: now }).execute();
  }
  await db
    .updateTable('users')
    .set({
      password_hash: passwordHash,
      password_changed_at: now,
      password_must_change: false,
      failed_login_count: 0,
      locked_until: null,
      updated_at: now,
    })
    .where('id', '=', userId)
    .execute();
}

/** Hashes of earlier passwords: the newest `count` and any replaced on or after `since`. */
export async function listPasswordHistory(db: Executor, userId: string, count: number, since: Date | undefined): Promise<string[]> {
  const recent =
    count > 0
      ? await db.selectFrom('password_history').select('password_hash').where('user_id', '=', userId).orderBy('id', 'desc').limit(count).execute()
      : [];
  const withinDays =
    since === undefined
      ? []
      : await db.selectFrom('password_history').select('password_hash').where('user_id', '=', userId).where('created_at', '>=', since).execute();
  return [...new Set([...recent, ...withinDays].map((row) => row.password_hash))];
}

export async function insertPasswordReset(
  db: Executor,
  reset: { id: string; tenantId: string; userId: string; tokenHash: Buffer; createdAt: Date; expiresAt: Date; requestedBy: string | null },
): Promise<void> {
  await db
    .insertInto('password_resets')
    .values({
      id: reset.id,
      tenant_id: reset.tenantId,
      user_id: reset.userId,
      token_hash: reset.tokenHash,
      created_at: reset.createdAt,
      expires_at: reset.expiresAt,
      used_at: null,
      requested_by: reset.requestedBy,
    })
    .execute();
}

export async function findPasswordResetByTokenHash(db: Executor, tokenHash: Buffer): Promise<PasswordResetRow | undefined> {
  return db.selectFrom('password_resets').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Consumes a reset link if it is unused and unexpired at `now`: exactly one concurrent caller wins. */
export async function consumePasswordReset(db: Executor, id: string, now: Date): Promise<PasswordResetRow | undefined> {
  return db
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
}

/** A newer link (or a completed reset) makes every other open link of the user useless. */
export async function retireOpenResets(db: Executor, userId: string, now: Date): Promise<void> {
  await db.updateTable('password_resets').set({ used_at: now }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
}

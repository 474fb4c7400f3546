import { sql } from 'kysely';
import { newId } from '../kernel/ids.ts';
import type { Executor } from '../storage/db.ts';
import { credentialStateOf, type CredentialState } from './passwords.ts';

/**
 * Credential state: `password_credentials` (hash, change time, must-change, lockout counters; one row per
 * user who has or had a password) and password history. Only the passwords domain writes these; reset links
 * are single-use links (links/).
 */

/** The user's credential; undefined when they have no row (no password was ever set: invited, or SSO only). */
export async function findCredentialState(db: Executor, userId: string): Promise<CredentialState | undefined> {
  const row = await db
    .selectFrom('password_credentials')
    .select(['password_hash', 'password_changed_at', 'password_must_change', 'failed_login_count', 'locked_until'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row === undefined ? undefined : credentialStateOf(userId, row);
}

/** Whether the user has a password. */
export async function hasPassword(db: Executor, userId: string): Promise<boolean> {
  const row = await db.selectFrom('password_credentials').select('user_id').where('user_id', '=', userId).where('password_hash', 'is not', null).executeTakeFirst();
  return row !== undefined;
}

/** The first password of an invited user (accepting the invitation). */
export async function setFirstPassword(db: Executor, userId: string, passwordHash: string, at: Date): Promise<void> {
  await db
    .insertInto('password_credentials')
    .values({ user_id: userId, password_hash: passwordHash, password_changed_at: at })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ password_hash: passwordHash, password_changed_at: at }))
    .execute();
}

/** What counting one password attempt found: whether it may be verified, and whether it set the lock. */
export interface PasswordAttempt {
  /** False when the account is locked: the attempt must not be verified against the real hash. */
  admitted: boolean;
  /** This attempt was the last one the window allows, and locked the account until `lockedUntil`. */
  locksNow: boolean;
  lockedUntil: Date | null;
}

/**
 * Counts one password attempt *before* it is verified, atomically (the row lock serialises concurrent
 * attempts on every instance), so at most `maxFailures` verifications ever start per lock window however
 * many arrive at once. The count starts afresh when a lock has run out; the attempt that reaches
 * `maxFailures` sets the lock (it is still verified, and a success lifts it again); attempts past it are not
 * admitted. The count only goes back to 0 on a success, an unlock or a new password.
 */
export async function countPasswordAttempt(db: Executor, userId: string, now: Date, maxFailures: number, lockedUntil: Date): Promise<PasswordAttempt> {
  const expiredLock = sql<boolean>`(locked_until is not null and locked_until <= ${now})`;
  const nextCount = sql<number>`case when ${expiredLock} then 1 else failed_login_count + 1 end`;
  const row = await db
    .updateTable('password_credentials')
    .set({
      failed_login_count: nextCount,
      locked_until: sql<Date | null>`case
        when locked_until is not null and locked_until > ${now} then locked_until
        when ${nextCount} >= ${maxFailures} then ${lockedUntil}::timestamptz
        else null end`,
    })
    .where('user_id', '=', userId)
    .returning(['failed_login_count', 'locked_until'])
    .executeTakeFirst();
  if (row === undefined) {
    // An account without a password (SSO only) still counts wrong second-step codes: its row, with no hash, is made on first need.
    await db.insertInto('password_credentials').values({ user_id: userId }).onConflict((oc) => oc.column('user_id').doNothing()).execute();
    return countPasswordAttempt(db, userId, now, maxFailures, lockedUntil);
  }
  return { admitted: row.failed_login_count <= maxFailures, locksNow: row.failed_login_count === maxFailures, lockedUntil: row.locked_until };
}

/**
 * Takes back the attempt a right password was counted as, when a second step follows: it was no failure, and
 * not yet a sign-in. The account was not locked before it (else it would not have been verified), so a lock
 * is only this attempt's own and goes with it.
 */
export async function uncountPasswordAttempt(db: Executor, userId: string): Promise<void> {
  await db
    .updateTable('password_credentials')
    .set({ failed_login_count: sql<number>`greatest(failed_login_count - 1, 0)`, locked_until: null })
    .where('user_id', '=', userId)
    .execute();
}

export async function clearFailedLogins(db: Executor, userId: string): Promise<void> {
  await db.updateTable('password_credentials').set({ failed_login_count: 0, locked_until: null }).where('user_id', '=', userId).execute();
}

export async function updatePasswordHash(db: Executor, userId: string, passwordHash: string): Promise<void> {
  await db.updateTable('password_credentials').set({ password_hash: passwordHash }).where('user_id', '=', userId).execute();
}

/** Sets a new password: records the old hash in the history, clears must-change and any lockout. */
export async function replacePassword(db: Executor, userId: string, passwordHash: string, now: Date): Promise<void> {
  const current = await db.selectFrom('password_credentials').select('password_hash').where('user_id', '=', userId).executeTakeFirst();
  if (current?.password_hash != null) {
    await db.insertInto('password_history').values({ id: newId(now.getTime()), user_id: userId, password_hash: current.password_hash, created_at: now }).execute();
  }
  const fresh = { password_hash: passwordHash, password_changed_at: now, password_must_change: false, failed_login_count: 0, locked_until: null };
  await db
    .insertInto('password_credentials')
    .values({ user_id: userId, ...fresh })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(fresh))
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

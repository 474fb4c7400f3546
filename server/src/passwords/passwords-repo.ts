import { newId } from '../kernel/ids.ts';
import type { Executor } from '../storage/db.ts';
import { credentialStateOf, type CredentialState } from './passwords.ts';

/**
 * The credential: `password_credentials` (hash, change time, must-change; one row per user who has or had a
 * password) and password history. Only the passwords domain writes these; the lockout columns of the same row
 * belong to lockout/ (lockout-repo.ts), reset links are single-use links (links/).
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

export async function updatePasswordHash(db: Executor, userId: string, passwordHash: string): Promise<void> {
  await db.updateTable('password_credentials').set({ password_hash: passwordHash }).where('user_id', '=', userId).execute();
}

/** Sets a new password: records the old hash in the history, clears must-change (the lockout is lifted by lockout/, in the same transaction). */
export async function replacePassword(db: Executor, userId: string, passwordHash: string, now: Date): Promise<void> {
  const current = await db.selectFrom('password_credentials').select('password_hash').where('user_id', '=', userId).executeTakeFirst();
  if (current?.password_hash != null) {
    await db.insertInto('password_history').values({ id: newId(now.getTime()), user_id: userId, password_hash: current.password_hash, created_at: now }).execute();
  }
  const fresh = { password_hash: passwordHash, password_changed_at: now, password_must_change: false };
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

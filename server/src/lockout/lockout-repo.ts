import { sql } from 'kysely';
import type { Executor } from '../storage/db.ts';
import type { CodeAttempt, Reservation, Settlement } from './lockout.ts';

/**
 * The attempt counter (ADR 0009): the lockout columns of `password_credentials` — failed_login_count, locked_until,
 * attempts_in_flight, in_flight_until. Only the lockout domain writes them; the row itself (one per user who has or had a
 * password) belongs to passwords/, except that a second-step code of an account without a password makes an empty one
 * (see countCodeAttempt). Unlock codes are single-use links (links/).
 */

/**
 * The window as one statement sees it, the row locked (`for update`) so concurrent attempts on every instance take turns: a
 * lock that has run out starts the window afresh (no failures), and slots whose lease has passed (an instance stopped in the
 * middle of a verification) no longer count.
 */
const windowOf = (userId: string, now: Date) => sql`select user_id,
    (locked_until is not null and locked_until > ${now}::timestamptz) as locked,
    case when locked_until is not null and locked_until <= ${now}::timestamptz then 0 else failed_login_count end as failures,
    case when in_flight_until is not null and in_flight_until > ${now}::timestamptz then attempts_in_flight else 0 end as in_flight
  from password_credentials where user_id = ${userId} for update`;

/**
 * Reserves a slot of the lockout window for one verification, before its hash runs (ADR 0009): granted while the account is not
 * locked and the failures counted plus the verifications in flight stay below `maxFailures`, so however many attempts arrive at
 * once, on however many instances, no more wrong passwords can be verified than the window has failures left. The reservation
 * counts as nothing: the settlement (settlePasswordAttempt, or a success's clearFailedLogins) gives the slot back and counts a
 * failure only for a password that turned out wrong. `force` (a supervisor's unlock code) takes a slot whatever the lock.
 *
 * One statement, committed without waiting for the disk: a reservation is a lease (`leaseUntil`), not a record; if the database
 * lost it in a crash the verification it admitted would only be settled against a slot nobody counts (never below zero). Run it
 * on the database handle, never inside a transaction (the setting would apply to that transaction's commit).
 */
export async function reservePasswordAttempt(db: Executor, userId: string, now: Date, maxFailures: number, leaseUntil: Date, force: boolean): Promise<Reservation> {
  const { rows } = await sql<{ locked: boolean; reserved: boolean }>`with cur as (${windowOf(userId, now)}),
    granted as (
      update password_credentials as pc set
        failed_login_count = cur.failures,
        locked_until = case when cur.locked then pc.locked_until else null end,
        attempts_in_flight = cur.in_flight + 1,
        in_flight_until = ${leaseUntil}::timestamptz
      from cur
      where pc.user_id = cur.user_id and (${force}::boolean or (not cur.locked and cur.failures + cur.in_flight < ${maxFailures}::integer))
      returning pc.user_id)
    select cur.locked, exists (select 1 from granted) as reserved, set_config('synchronous_commit', 'off', true) as commit_mode from cur`.execute(db);
  const [row] = rows;
  if (row === undefined) return 'none';
  if (row.reserved) return 'reserved';
  return row.locked ? 'locked' : 'full';
}

/** The window as it is now, read without locking: whether a reservation could succeed, while an attempt waits for a slot. */
export async function findAttemptWindow(db: Executor, userId: string, now: Date): Promise<{ locked: boolean; failures: number; inFlight: number } | undefined> {
  const row = await db
    .selectFrom('password_credentials')
    .select(['failed_login_count', 'locked_until', 'attempts_in_flight', 'in_flight_until'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const locked = row.locked_until !== null && row.locked_until.getTime() > now.getTime();
  const lapsed = row.locked_until !== null && !locked;
  const inFlight = row.in_flight_until !== null && row.in_flight_until.getTime() > now.getTime() ? row.attempts_in_flight : 0;
  return { locked, failures: lapsed ? 0 : row.failed_login_count, inFlight };
}

/**
 * Settles an attempt that did not sign in, in `db` (the refusal's transaction, with its audit row): gives back its slot (`held`)
 * and, for a wrong password (`failed`), counts one failure; the failure that reaches `maxFailures` sets the lock until
 * `lockedUntil`. A lock set meanwhile stays as it is. Against `noCredential` it matches nothing, as for an unknown username.
 */
export async function settlePasswordAttempt(
  db: Executor,
  userId: string,
  now: Date,
  attempt: { held: boolean; failed: boolean },
  maxFailures: number,
  lockedUntil: Date,
): Promise<Settlement> {
  const { rows } = await sql<{ locks_now: boolean; locked_until: Date | null }>`with cur as (${windowOf(userId, now)}),
    settled as (
      update password_credentials as pc set
        attempts_in_flight = greatest(pc.attempts_in_flight - ${attempt.held ? 1 : 0}::integer, 0),
        failed_login_count = cur.failures + ${attempt.failed ? 1 : 0}::integer,
        locked_until = case
          when cur.locked then pc.locked_until
          when ${attempt.failed}::boolean and cur.failures + 1 >= ${maxFailures}::integer then ${lockedUntil}::timestamptz
          else null end
      from cur
      where pc.user_id = cur.user_id
      returning pc.locked_until)
    select (not cur.locked and settled.locked_until is not null) as locks_now, settled.locked_until from cur cross join settled`.execute(db);
  const [row] = rows;
  return row === undefined ? { locksNow: false, lockedUntil: null } : { locksNow: row.locks_now, lockedUntil: row.locked_until };
}

/**
 * Counts one second-factor code *before* it is checked (a code costs no argon2: a right one completes the sign-in in the
 * transaction that clears the count, and of parallel right codes only one consumes its step). Admitted while the account is not
 * locked and the failures plus the password verifications in flight stay below `maxFailures`, so codes and passwords share one
 * window; the code that reaches it sets the lock.
 */
export async function countCodeAttempt(db: Executor, userId: string, now: Date, maxFailures: number, lockedUntil: Date): Promise<CodeAttempt> {
  const { rows } = await sql<{ locked: boolean; counted: boolean; locked_until: Date | null }>`with cur as (${windowOf(userId, now)}),
    counted as (
      update password_credentials as pc set
        failed_login_count = cur.failures + 1,
        locked_until = case when cur.failures + 1 >= ${maxFailures}::integer then ${lockedUntil}::timestamptz else null end
      from cur
      where pc.user_id = cur.user_id and not cur.locked and cur.failures + cur.in_flight < ${maxFailures}::integer
      returning pc.locked_until)
    select cur.locked, exists (select 1 from counted) as counted, (select locked_until from counted) as locked_until from cur`.execute(db);
  const [row] = rows;
  if (row === undefined) {
    // An account without a password (SSO only) still counts wrong second-step codes: its row, with no hash, is made on first need.
    await db.insertInto('password_credentials').values({ user_id: userId }).onConflict((oc) => oc.column('user_id').doNothing()).execute();
    return countCodeAttempt(db, userId, now, maxFailures, lockedUntil);
  }
  if (!row.counted) return { admitted: false, full: !row.locked, locksNow: false, lockedUntil: null };
  return { admitted: true, full: false, locksNow: row.locked_until !== null, lockedUntil: row.locked_until };
}

/**
 * Gives back the slot of a right password that does not complete a sign-in here (a second step follows, or the sign-in is
 * refused for another reason): it was no failure, and not yet a sign-in, so the count is left as it is.
 */
export async function releasePasswordAttempt(db: Executor, userId: string): Promise<void> {
  await db
    .updateTable('password_credentials')
    .set({ attempts_in_flight: sql<number>`greatest(attempts_in_flight - 1, 0)` })
    .where('user_id', '=', userId)
    .execute();
}

/** A completed sign-in (or an unlock): no failures, no lock; `releaseSlot` also gives back the slot the right password held. */
export async function clearFailedLogins(db: Executor, userId: string, options: { releaseSlot?: boolean } = {}): Promise<void> {
  await db
    .updateTable('password_credentials')
    .set({
      failed_login_count: 0,
      locked_until: null,
      ...(options.releaseSlot === true ? { attempts_in_flight: sql<number>`greatest(attempts_in_flight - 1, 0)` } : {}),
    })
    .where('user_id', '=', userId)
    .execute();
}

import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/**
 * Password verifications in flight (ADR 0009): a password attempt reserves one of the lockout window's slots before its hash
 * runs and gives it back when the answer is known, so the count holds only failures that were verified, and a right password
 * is never counted. `in_flight_until` is the reservations' lease: slots held by an instance that died are free again once it
 * has passed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    alter table password_credentials add column attempts_in_flight integer not null default 0;
    alter table password_credentials add column in_flight_until timestamptz;
  `);
}

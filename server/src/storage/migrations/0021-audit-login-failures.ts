import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/**
 * The user page shows when a person's last sign-in failed (SPEC §4b "Administration, completed"): read from the latest
 * `auth.login.failed` row of that person, so the sign-in path writes nothing new. This partial index makes that one row an index
 * probe, however long the log: only failed sign-ins are in it, by person, newest first (ids are UUIDv7).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create index audit_events_login_failed_idx on audit_events (target_id, id desc) where action = 'auth.login.failed';
  `);
}

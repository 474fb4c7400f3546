import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/** The audit trail's append-only trigger covered UPDATE and DELETE; TRUNCATE removed every row past it. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create trigger audit_events_no_truncate before truncate on audit_events
      for each statement execute function audit_events_append_only();
  `);
}

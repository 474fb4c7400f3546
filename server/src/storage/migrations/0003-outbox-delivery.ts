import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/**
 * Delivery state for the mail outbox: `failed_at` marks a message the SMTP server rejected permanently
 * (or that could not be delivered for days), so it is never retried; `lease_id` names the claim a worker
 * holds, so only that worker records the outcome of its attempt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    alter table outbox_messages add column failed_at timestamptz;
    alter table outbox_messages add column lease_id uuid;
    drop index outbox_pending_idx;
    create index outbox_due_idx on outbox_messages (next_attempt_at) where sent_at is null and failed_at is null;
  `);
}

import { sql } from 'kysely';
import type { Db, Executor } from '../storage/db.ts';
import type { OutboxMessageRow } from '../storage/database.ts';

export async function insertOutboxMessage(
  db: Executor,
  message: {
    id: string;
    tenantId: string | null;
    template: string;
    recipient: string;
    subject: string;
    text: string;
    html: string;
    createdAt: Date;
  },
): Promise<void> {
  await db
    .insertInto('outbox_messages')
    .values({
      id: message.id,
      tenant_id: message.tenantId,
      template: message.template,
      recipient: message.recipient,
      subject: message.subject,
      text_body: message.text,
      html_body: message.html,
      created_at: message.createdAt,
      next_attempt_at: message.createdAt,
    })
    .execute();
}

/**
 * Claims due messages for this instance: pushes their next attempt into the future (a lease) so no other
 * instance picks them while this one sends. SKIP LOCKED lets instances claim disjoint batches.
 */
export async function claimDueMessages(db: Db, now: Date, leaseUntil: Date, limit: number): Promise<OutboxMessageRow[]> {
  return db
    .updateTable('outbox_messages')
    .set({ next_attempt_at: leaseUntil, attempts: sql<number>`attempts + 1` })
    .where(
      'id',
      'in',
      db
        .selectFrom('outbox_messages')
        .select('id')
        .where('sent_at', 'is', null)
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
}

export async function markSent(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('outbox_messages').set({ sent_at: at, last_error: null }).where('id', '=', id).execute();
}

export async function markFailed(db: Db, id: string, nextAttemptAt: Date, error: string): Promise<void> {
  await db
    .updateTable('outbox_messages')
    .set({ next_attempt_at: nextAttemptAt, last_error: error.slice(0, 1000) })
    .where('id', '=', id)
    .execute();
}

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
 * Claims due messages for one worker: pushes their next attempt to the end of a lease so no other worker
 * picks them while this one sends, and stamps them with the lease id. SKIP LOCKED lets workers claim
 * disjoint batches at the same moment; a worker that dies mid-send leaves the rows to whoever claims them
 * once the lease has run out. Each claim counts as an attempt.
 */
export async function claimDueMessages(
  db: Db,
  claim: { now: Date; leaseUntil: Date; leaseId: string; limit: number },
): Promise<OutboxMessageRow[]> {
  const claimed = await db
    .updateTable('outbox_messages')
    .set({ next_attempt_at: claim.leaseUntil, lease_id: claim.leaseId, attempts: sql<number>`attempts + 1` })
    .where(
      'id',
      'in',
      db
        .selectFrom('outbox_messages')
        .select('id')
        .where('sent_at', 'is', null)
        .where('failed_at', 'is', null)
        .where('next_attempt_at', '<=', claim.now)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(claim.limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
  // UPDATE … RETURNING gives no order; ids are UUIDv7, so sorting them sends the oldest first.
  return claimed.sort((a, b) => a.id.localeCompare(b.id));
}

/** Records a delivery. Whoever sent it, the first recorded time stays. */
export async function markSent(db: Db, id: string, at: Date): Promise<void> {
  await db
    .updateTable('outbox_messages')
    .set({ sent_at: at, last_error: null, lease_id: null })
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .execute();
}

/** Schedules another attempt, if this worker still holds the claim and nobody sent the message meanwhile. */
export async function markRetry(db: Db, id: string, leaseId: string, nextAttemptAt: Date, error: string): Promise<void> {
  await db
    .updateTable('outbox_messages')
    .set({ next_attempt_at: nextAttemptAt, last_error: error.slice(0, 1000), lease_id: null })
    .where('id', '=', id)
    .where('lease_id', '=', leaseId)
    .where('sent_at', 'is', null)
    .execute();
}

/** Gives up on a message for good: it is never claimed again. */
export async function markFailedPermanently(db: Db, id: string, leaseId: string, at: Date, error: string): Promise<void> {
  await db
    .updateTable('outbox_messages')
    .set({ failed_at: at, last_error: error.slice(0, 1000), lease_id: null })
    .where('id', '=', id)
    .where('lease_id', '=', leaseId)
    .where('sent_at', 'is', null)
    .execute();
}

/** Hands claimed messages back untried (shutdown, SMTP unreachable): due at once, the attempt not counted. */
export async function releaseClaims(db: Db, ids: string[], leaseId: string, now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox_messages')
    .set({ next_attempt_at: now, lease_id: null, attempts: sql<number>`greatest(attempts - 1, 0)` })
    .where('id', 'in', ids)
    .where('lease_id', '=', leaseId)
    .where('sent_at', 'is', null)
    .execute();
}

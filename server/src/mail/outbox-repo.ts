import { sql } from 'kysely';
import type { Db, Executor } from '../storage/db.ts';
import type { OutboxMessageRow } from '../storage/database.ts';

/** A message claimed for delivery, as the delivery worker sees it (the table row stays in this file). */
export interface ClaimedMessage {
  id: string;
  template: string;
  recipient: string;
  subject: string;
  /** The sealed bodies (sealed-body.ts); null for a message whose body was dropped or is waiting to be sealed. */
  bodySealed: Uint8Array | null;
  createdAt: Date;
  /** Attempts so far, this claim included. */
  attempts: number;
}

function claimedMessage(row: OutboxMessageRow): ClaimedMessage {
  return { id: row.id, template: row.template, recipient: row.recipient, subject: row.subject, bodySealed: row.body_sealed, createdAt: row.created_at, attempts: row.attempts };
}

export async function insertOutboxMessage(
  db: Executor,
  message: {
    id: string;
    tenantId: string | null;
    template: string;
    recipient: string;
    subject: string;
    bodySealed: Buffer;
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
      body_sealed: message.bodySealed,
      created_at: message.createdAt,
      next_attempt_at: message.createdAt,
    })
    .execute();
}

/**
 * Claims due messages for one worker: pushes their next attempt to the end of a lease so no other worker
 * picks them while this one sends, and stamps them with the lease id. SKIP LOCKED lets workers claim
 * disjoint batches at the same moment; a worker that dies mid-send leaves the rows to whoever claims them
 * once the lease has run out. Each claim counts as an attempt. A message whose body is still waiting to be
 * sealed (queued before migration 0018) is left until it is.
 */
export async function claimDueMessages(
  db: Db,
  claim: { now: Date; leaseUntil: Date; leaseId: string; limit: number },
): Promise<ClaimedMessage[]> {
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
        .where('body_sealed', 'is not', null)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(claim.limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
  // UPDATE … RETURNING gives no order; ids are UUIDv7, so sorting them sends the oldest first.
  return claimed.sort((a, b) => a.id.localeCompare(b.id)).map(claimedMessage);
}

/**
 * Records a delivery and drops the body in the same UPDATE: from then on only the metadata (template,
 * recipient, tenant, times, attempts) is kept, for the audit. Whoever sent it, the first recorded time stays.
 */
export async function markSent(db: Db, id: string, at: Date): Promise<void> {
  await db
    .updateTable('outbox_messages')
    .set({ sent_at: at, last_error: null, lease_id: null, body_sealed: null })
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

/** Gives up on a message for good: it is never claimed again, and its body is dropped (the metadata stays). */
export async function markFailedPermanently(db: Db, id: string, leaseId: string, at: Date, error: string): Promise<void> {
  await db
    .updateTable('outbox_messages')
    .set({ failed_at: at, last_error: error.slice(0, 1000), lease_id: null, body_sealed: null })
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

/**
 * Seals the plaintext bodies migration 0018 set aside (messages still waiting when it ran), a batch per
 * transaction: each row is locked (SKIP LOCKED, so two instances seal disjoint rows), its sealed body is
 * written to the message and the plaintext row deleted. A message delivered or given up meanwhile loses
 * its plaintext without being sealed. Answers how many rows it took.
 */
export async function sealWaitingBodies(
  db: Db,
  seal: (outboxId: string, body: { text: string; html: string }) => Buffer,
  limit: number,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const waiting = await trx.selectFrom('outbox_bodies_to_seal').selectAll().orderBy('outbox_id').limit(limit).forUpdate().skipLocked().execute();
    for (const row of waiting) {
      await trx
        .updateTable('outbox_messages')
        .set({ body_sealed: seal(row.outbox_id, { text: row.text_body, html: row.html_body }) })
        .where('id', '=', row.outbox_id)
        .where('sent_at', 'is', null)
        .where('failed_at', 'is', null)
        .execute();
    }
    if (waiting.length > 0) {
      await trx
        .deleteFrom('outbox_bodies_to_seal')
        .where('outbox_id', 'in', waiting.map((row) => row.outbox_id))
        .execute();
    }
    return waiting.length;
  });
}

import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import type { Logger } from 'pino';
import { MINUTE, SECOND, type Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import type { Db, Executor } from '../storage/db.ts';
import type { OutboxMessageRow } from '../storage/database.ts';
import { MailDeliveryError, type Envelope, type MailTransport } from './mail-transport.ts';
import { claimDueMessages, insertOutboxMessage, markFailedPermanently, markRetry, markSent, releaseClaims } from './outbox-repo.ts';
import type { RenderedEmail } from './templates.ts';

/** The Message-ID of an outbox row: stable across attempts, so a receiver can recognise a repeat. */
export function messageIdOf(outboxId: string): string {
  return `<${outboxId}@lanyard>`;
}

/**
 * Composes the message from its row alone (the MIME boundary is derived from the id too), so every
 * attempt sends the same bytes.
 */
function compose(message: OutboxMessageRow, from: string): Promise<Buffer> {
  return new MailComposer({
    from,
    to: message.recipient,
    subject: message.subject,
    text: message.text_body,
    html: message.html_body,
    messageId: messageIdOf(message.id),
    date: message.created_at,
    baseBoundary: message.id.replaceAll('-', ''),
  })
    .compile()
    .build();
}

/** The bare address of a From header (`Lanyard <no-reply@example.com>` → `no-reply@example.com`). */
function envelopeSender(from: string): string {
  const [first] = addressparser(from, { flatten: true });
  if (first?.address === undefined || first.address === '') throw new Error(`not an email address: ${from}`);
  return first.address;
}

/**
 * Retry schedule of one message: 15 s after the first failed attempt, doubling, at most 15 minutes apart,
 * so a message reaches its reader within 15 minutes of the server coming back. After three days of
 * failures the message is given up (a link in it has long expired).
 */
export const retryPolicy = { firstDelayMs: 15 * SECOND, maxDelayMs: 15 * MINUTE, giveUpAfterMs: 3 * 24 * 60 * MINUTE };

export function retryDelayMs(attempts: number): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  return Math.min(retryPolicy.firstDelayMs * 2 ** exponent, retryPolicy.maxDelayMs);
}

/**
 * When the server itself is unreachable, the worker stops trying (every message would fail alike) for 5 s,
 * doubling while it stays down, at most 5 minutes; the first success resets it.
 */
export const pausePolicy = { firstPauseMs: 5 * SECOND, maxPauseMs: 5 * MINUTE };

export function pauseDelayMs(consecutiveFailures: number): number {
  const exponent = Math.min(Math.max(consecutiveFailures - 1, 0), 30);
  return Math.min(pausePolicy.firstPauseMs * 2 ** exponent, pausePolicy.maxPauseMs);
}

/** A claim lasts 5 minutes; a send is started only while at least a minute of it is left. */
const leaseMs = 5 * MINUTE;
const sendBudgetMs = MINUTE;

export interface MailStats {
  sent: number;
  retried: number;
  failed: number;
}

export type MailService = ReturnType<typeof createMailService>;

/**
 * The transactional outbox: `enqueue` writes the email in the caller's transaction; the worker claims due
 * rows (a lease, so one worker sends each), sends them and records the outcome. Delivery to the SMTP
 * server is at least once with a stable Message-ID; see docs/architecture.md ("Email delivery").
 */
export function createMailService(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  transport: MailTransport;
  /** The From header, e.g. `Lanyard <no-reply@example.com>`; its address is the envelope sender. */
  from: string;
  /** Messages claimed at once. */
  batchSize?: number;
}) {
  const batchSize = deps.batchSize ?? 20;
  const sender = envelopeSender(deps.from);
  const stats: MailStats = { sent: 0, retried: 0, failed: 0 };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let started = false;
  let pokeScheduled = false;
  let rerun = false;
  let closing = false;
  let pausedUntil = 0;
  let transportFailures = 0;

  type Outcome = 'sent' | 'retry' | 'failed' | 'unavailable';

  const recordFailure = async (message: OutboxMessageRow, leaseId: string, error: unknown): Promise<Outcome> => {
    const failure = error instanceof MailDeliveryError ? error : undefined;
    const reason = error instanceof Error ? error.message : String(error);
    const now = deps.clock.now();
    const log = { outboxId: message.id, template: message.template, attempts: message.attempts, err: reason };
    const expired = now.getTime() - message.created_at.getTime() >= retryPolicy.giveUpAfterMs;
    if (failure?.permanent === true || expired) {
      const recorded = failure?.permanent === true ? reason : `gave up after ${message.attempts} attempts: ${reason}`;
      await markFailedPermanently(deps.db, message.id, leaseId, now, recorded);
      deps.logger.error(log, failure?.permanent === true ? 'email rejected permanently; not retrying' : 'email undeliverable for days; giving up');
      stats.failed += 1;
      return 'failed';
    }
    const nextAttemptAt = new Date(now.getTime() + retryDelayMs(message.attempts));
    await markRetry(deps.db, message.id, leaseId, nextAttemptAt, reason);
    deps.logger.warn({ ...log, nextAttemptAt }, 'email delivery failed; will retry');
    stats.retried += 1;
    return failure?.scope === 'message' ? 'retry' : 'unavailable';
  };

  const deliverOne = async (message: OutboxMessageRow, leaseId: string): Promise<Outcome> => {
    const envelope: Envelope = { from: sender, to: message.recipient };
    try {
      await deps.transport.send(message, await compose(message, deps.from), envelope);
    } catch (error) {
      return recordFailure(message, leaseId, error);
    }
    // Recorded at once: a crash before this line is the one way a message goes out twice.
    await markSent(deps.db, message.id, deps.clock.now());
    stats.sent += 1;
    return 'sent';
  };

  /** Claims and sends one batch; returns what was sent and whether to go on with another batch. */
  const deliverBatch = async (): Promise<{ sent: number; more: boolean }> => {
    const now = deps.clock.now();
    const leaseId = newId(now.getTime());
    const leaseUntil = now.getTime() + leaseMs;
    const claimed = await claimDueMessages(deps.db, { now, leaseUntil: new Date(leaseUntil), leaseId, limit: batchSize });
    let sent = 0;
    for (const [index, message] of claimed.entries()) {
      // Stop early on shutdown, when the server is down or when the lease runs short: the rest go back
      // untried, so this or another worker sends them without waiting for the lease to expire.
      const halt = closing || deps.clock.now().getTime() < pausedUntil || deps.clock.now().getTime() + sendBudgetMs > leaseUntil;
      if (halt) {
        await releaseClaims(deps.db, claimed.slice(index).map((row) => row.id), leaseId, deps.clock.now());
        return { sent, more: false };
      }
      const outcome = await deliverOne(message, leaseId);
      if (outcome === 'sent') {
        sent += 1;
        transportFailures = 0;
      } else if (outcome === 'unavailable') {
        transportFailures += 1;
        const pause = pauseDelayMs(transportFailures);
        pausedUntil = deps.clock.now().getTime() + pause;
        deps.logger.warn({ transport: deps.transport.describe, pauseMs: pause }, 'mail server unavailable; pausing delivery');
      }
    }
    return { sent, more: claimed.length === batchSize };
  };

  const drain = async (): Promise<number> => {
    let sent = 0;
    while (!closing && deps.clock.now().getTime() >= pausedUntil) {
      const batch = await deliverBatch();
      sent += batch.sent;
      if (!batch.more) break;
    }
    return sent;
  };

  const service = {
    /** Queues an email in the caller's transaction: it is sent if and only if the change commits. */
    async enqueue(executor: Executor, email: RenderedEmail & { tenantId: string | null; to: string }): Promise<void> {
      const createdAt = deps.clock.now();
      await insertOutboxMessage(executor, {
        id: newId(createdAt.getTime()),
        tenantId: email.tenantId,
        template: email.template,
        recipient: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        createdAt,
      });
      service.poke();
    },

    /**
     * Delivers everything due now, batch after batch; returns how many messages went out. One run at a
     * time per instance. Does nothing while delivery is paused because the server is unavailable.
     */
    async deliverDue(): Promise<number> {
      while (running !== undefined) await running.catch(() => 0);
      running = drain();
      try {
        return await running;
      } finally {
        running = undefined;
        if (rerun) {
          rerun = false;
          service.poke();
        }
      }
    },

    /** Asks the worker to look at the outbox soon (after the current transaction commits). */
    poke(): void {
      if (!started || pokeScheduled) return;
      pokeScheduled = true;
      setImmediate(() => {
        pokeScheduled = false;
        if (!started) return;
        // A run in progress may have claimed before the new message committed: look again after it.
        if (running !== undefined) {
          rerun = true;
          return;
        }
        service.deliverDue().catch((error: unknown) => deps.logger.error({ err: error }, 'outbox delivery failed'));
      });
    },

    /** Polls the outbox every intervalMs (and on every enqueue); a run never overlaps the previous one. */
    start(intervalMs = 2_000): void {
      started = true;
      closing = false;
      if (timer === undefined) {
        timer = setInterval(() => service.poke(), intervalMs);
        timer.unref();
      }
      service.poke();
    },

    /** Stops polling and waits for the message being sent; claimed messages not yet tried are handed back. */
    async stop(): Promise<void> {
      started = false;
      closing = true;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      while (running !== undefined) await running.catch(() => 0);
    },

    /** Stops and closes the transport's connections. */
    async close(): Promise<void> {
      await service.stop();
      await deps.transport.close?.();
    },

    /** Outcomes counted by this instance since it started (for metrics). */
    stats: (): MailStats => ({ ...stats }),

    describeTransport: () => deps.transport.describe,
  };
  return service;
}

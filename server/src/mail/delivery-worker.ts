import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import type { Logger } from 'pino';
import { MINUTE, SECOND, type Clock } from '../kernel/clock.ts';
import type { Encryptor } from '../kernel/encryption.ts';
import { newId } from '../kernel/ids.ts';
import type { Db } from '../storage/db.ts';
import { MailDeliveryError, type Envelope, type MailTransport, type OutgoingEmail } from './mail-transport.ts';
import { claimDueMessages, type ClaimedMessage, markFailedPermanently, markRetry, markSent, releaseClaims, sealWaitingBodies } from './outbox-repo.ts';
import { openBody, sealBody } from './sealed-body.ts';

/** The Message-ID of an outbox row: stable across attempts, so a receiver can recognise a repeat. */
export function messageIdOf(outboxId: string): string {
  return `<${outboxId}@lanyard>`;
}

/**
 * Composes the message from its row alone (the MIME boundary is derived from the id too), so every
 * attempt sends the same bytes.
 */
export function composeMessage(message: OutgoingEmail, from: string): Promise<Buffer> {
  return new MailComposer({
    from,
    to: message.recipient,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: messageIdOf(message.id),
    date: message.createdAt,
    baseBoundary: message.id.replaceAll('-', ''),
  })
    .compile()
    .build();
}

/** The bare address of a From header (`Lanyard <no-reply@example.com>` → `no-reply@example.com`). */
export function envelopeSender(from: string): string {
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
export const leasePolicy = { leaseMs: 5 * MINUTE, sendBudgetMs: MINUTE };

/** Whether a send may start at `nowMs` under a lease that ends at `leaseUntilMs`. */
export function leaseAllowsSend(nowMs: number, leaseUntilMs: number): boolean {
  return nowMs + leasePolicy.sendBudgetMs <= leaseUntilMs;
}

/** What to record after a failed attempt, and whether the failure says the server itself is unavailable. */
export type FailureDecision =
  | { action: 'give-up'; recorded: string; cause: 'rejected' | 'expired' }
  | { action: 'retry'; recorded: string; nextAttemptAt: Date; serverUnavailable: boolean };

/**
 * Sorts a failed attempt (see MailDeliveryError): a permanent refusal, or three days of failures, gives
 * the message up; anything else is retried on the schedule, and pauses the worker unless the failure
 * concerned this message only. An error that is not a MailDeliveryError counts as the server's.
 */
export function decideAfterFailure(message: Pick<ClaimedMessage, 'attempts' | 'createdAt'>, error: unknown, now: Date): FailureDecision {
  const failure = error instanceof MailDeliveryError ? error : undefined;
  const reason = error instanceof Error ? error.message : String(error);
  if (failure?.permanent === true) return { action: 'give-up', recorded: reason, cause: 'rejected' };
  if (now.getTime() - message.createdAt.getTime() >= retryPolicy.giveUpAfterMs) {
    return { action: 'give-up', recorded: `gave up after ${message.attempts} attempts: ${reason}`, cause: 'expired' };
  }
  return {
    action: 'retry',
    recorded: reason,
    nextAttemptAt: new Date(now.getTime() + retryDelayMs(message.attempts)),
    serverUnavailable: failure?.scope !== 'message',
  };
}

export interface MailStats {
  sent: number;
  retried: number;
  failed: number;
}

/**
 * This instance's delivery worker: claims due outbox rows (a lease, so one worker sends each), sends them
 * and records the outcome. Delivery to the SMTP server is at least once with a stable Message-ID; see
 * docs/architecture.md ("Email delivery").
 */
export interface DeliveryWorker {
  /** Delivers everything due now, batch after batch, one run at a time; answers how many messages went out (none while paused). */
  deliverDue(): Promise<number>;
  /** Asks the worker to look at the outbox soon (after the current transaction commits); does nothing until started. */
  poke(): void;
  /** Polls the outbox every intervalMs (and on every poke); a run never overlaps the previous one. */
  start(intervalMs?: number): void;
  /** Stops polling and waits for the message being sent; claimed messages not yet tried are handed back. */
  stop(): Promise<void>;
  /** Stops and closes the transport's connections. */
  close(): Promise<void>;
  /** Outcomes counted by this instance since it started (for metrics). */
  stats(): MailStats;
  /** Where messages go (for the start-up log). */
  describeTransport(): string;
}

type Outcome = 'sent' | 'retry' | 'failed' | 'unavailable';

export function createDeliveryWorker(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  transport: MailTransport;
  /** Opens the sealed bodies (the outbox's key); seals those migration 0018 set aside. */
  encryptor: Encryptor;
  /** The From header, e.g. `Lanyard <no-reply@example.com>`; its address is the envelope sender. */
  from: string;
  /** Messages claimed at once. */
  batchSize?: number;
}): DeliveryWorker {
  const batchSize = deps.batchSize ?? 20;
  const sender = envelopeSender(deps.from);
  const counts: MailStats = { sent: 0, retried: 0, failed: 0 };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let started = false;
  let pokeScheduled = false;
  let rerun = false;
  let closing = false;
  let pausedUntil = 0;
  let transportFailures = 0;
  let waitingBodiesSealed = false;

  const recordFailure = async (message: ClaimedMessage, leaseId: string, error: unknown): Promise<Outcome> => {
    const now = deps.clock.now();
    const decision = decideAfterFailure(message, error, now);
    const log = { outboxId: message.id, template: message.template, attempts: message.attempts, err: error instanceof Error ? error.message : String(error) };
    if (decision.action === 'give-up') {
      await markFailedPermanently(deps.db, message.id, leaseId, now, decision.recorded);
      deps.logger.error(log, decision.cause === 'rejected' ? 'email rejected permanently; not retrying' : 'email undeliverable for days; giving up');
      counts.failed += 1;
      return 'failed';
    }
    await markRetry(deps.db, message.id, leaseId, decision.nextAttemptAt, decision.recorded);
    deps.logger.warn({ ...log, nextAttemptAt: decision.nextAttemptAt }, 'email delivery failed; will retry');
    counts.retried += 1;
    return decision.serverUnavailable ? 'unavailable' : 'retry';
  };

  /** The row with its body opened, or a failure of this message alone (another key, an altered ciphertext). */
  const openMessage = (message: ClaimedMessage): OutgoingEmail => {
    try {
      if (message.bodySealed === null) throw new Error('no body');
      const body = openBody(deps.encryptor, message.id, message.bodySealed);
      return { id: message.id, recipient: message.recipient, subject: message.subject, text: body.text, html: body.html, createdAt: message.createdAt };
    } catch (error) {
      throw new MailDeliveryError('the sealed body does not open (another master key?)', { permanent: false, scope: 'message', cause: error });
    }
  };

  const deliverOne = async (message: ClaimedMessage, leaseId: string): Promise<Outcome> => {
    const envelope: Envelope = { from: sender, to: message.recipient };
    try {
      const outgoing = openMessage(message);
      await deps.transport.send(outgoing, await composeMessage(outgoing, deps.from), envelope);
    } catch (error) {
      return recordFailure(message, leaseId, error);
    }
    // Recorded at once (and the body dropped with it): a crash before this line is the one way a message goes out twice.
    await markSent(deps.db, message.id, deps.clock.now());
    counts.sent += 1;
    return 'sent';
  };

  /** Claims and sends one batch; returns what was sent and whether to go on with another batch. */
  const deliverBatch = async (): Promise<{ sent: number; more: boolean }> => {
    const now = deps.clock.now();
    const leaseId = newId(now.getTime());
    const leaseUntil = now.getTime() + leasePolicy.leaseMs;
    const claimed = await claimDueMessages(deps.db, { now, leaseUntil: new Date(leaseUntil), leaseId, limit: batchSize });
    let sent = 0;
    for (const [index, message] of claimed.entries()) {
      // Stop early on shutdown, when the server is down or when the lease runs short: the rest go back
      // untried, so this or another worker sends them without waiting for the lease to expire.
      const nowMs = deps.clock.now().getTime();
      if (closing || nowMs < pausedUntil || !leaseAllowsSend(nowMs, leaseUntil)) {
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

  /**
   * Once per worker, before its first delivery: seals the plaintext bodies of messages that were waiting
   * when migration 0018 ran (SQL cannot encrypt under the master key). Until then they are not claimed.
   */
  const sealWaiting = async (): Promise<void> => {
    if (waitingBodiesSealed) return;
    const seal = (outboxId: string, body: { text: string; html: string }) => sealBody(deps.encryptor, outboxId, body);
    let sealed = 0;
    for (let taken = await sealWaitingBodies(deps.db, seal, 100); taken > 0; taken = await sealWaitingBodies(deps.db, seal, 100)) sealed += taken;
    if (sealed > 0) deps.logger.info({ sealed }, 'sealed the bodies of emails queued before the upgrade');
    waitingBodiesSealed = true;
  };

  const drain = async (): Promise<number> => {
    await sealWaiting();
    let sent = 0;
    while (!closing && deps.clock.now().getTime() >= pausedUntil) {
      const batch = await deliverBatch();
      sent += batch.sent;
      if (!batch.more) break;
    }
    return sent;
  };

  const deliverDue = async (): Promise<number> => {
    while (running !== undefined) await running.catch(() => 0);
    running = drain();
    try {
      return await running;
    } finally {
      running = undefined;
      if (rerun) {
        rerun = false;
        poke();
      }
    }
  };

  const poke = (): void => {
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
      deliverDue().catch((error: unknown) => deps.logger.error({ err: error }, 'outbox delivery failed'));
    });
  };

  const start = (intervalMs = 2_000): void => {
    started = true;
    closing = false;
    if (timer === undefined) {
      timer = setInterval(poke, intervalMs);
      timer.unref();
    }
    poke();
  };

  const stop = async (): Promise<void> => {
    started = false;
    closing = true;
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    while (running !== undefined) await running.catch(() => 0);
  };

  const close = async (): Promise<void> => {
    await stop();
    await deps.transport.close?.();
  };

  return {
    deliverDue,
    poke,
    start,
    stop,
    close,
    stats: () => ({ ...counts }),
    describeTransport: () => deps.transport.describe,
  };
}

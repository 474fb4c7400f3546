import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Logger } from 'pino';
import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import type { Db, Executor } from '../storage/db.ts';
import type { OutboxMessageRow } from '../storage/database.ts';
import { claimDueMessages, insertOutboxMessage, markFailed, markSent } from './outbox-repo.ts';
import type { RenderedEmail } from './templates.ts';

/** Sends one message; throws when delivery failed and should be retried. */
export interface MailTransport {
  describe: string;
  send(message: OutboxMessageRow, raw: Buffer): Promise<void>;
}

export const mailFrom = 'Lanyard <no-reply@lanyard.invalid>';

function compose(message: OutboxMessageRow): Promise<Buffer> {
  return new MailComposer({
    from: mailFrom,
    to: message.recipient,
    subject: message.subject,
    text: message.text_body,
    html: message.html_body,
    messageId: `<${message.id}@lanyard>`,
    date: message.created_at,
  })
    .compile()
    .build();
}

/**
 * The embedded default: each message becomes an .eml file under <data dir>/outbox/, and its links are
 * logged so an operator without SMTP can still follow an invitation.
 */
export function createFileTransport(outboxDir: string, logger: Logger): MailTransport {
  return {
    describe: `files in ${outboxDir}`,
    async send(message, raw) {
      await mkdir(outboxDir, { recursive: true });
      const file = path.join(outboxDir, `${message.created_at.toISOString().replaceAll(':', '-')}-${message.id}.eml`);
      await writeFile(file, raw, { mode: 0o600 });
      const links = message.text_body.match(/https?:\/\/\S+/g) ?? [];
      logger.info({ file, recipient: message.recipient, subject: message.subject, links }, 'email written to the outbox');
    },
  };
}

export type MailService = ReturnType<typeof createMailService>;

const retryDelaysMs = [5_000, 30_000, 120_000, 600_000, 1_800_000];

export function createMailService(deps: { db: Db; clock: Clock; logger: Logger; transport: MailTransport }) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;

  const deliverOne = async (message: OutboxMessageRow): Promise<boolean> => {
    try {
      await deps.transport.send(message, await compose(message));
      await markSent(deps.db, message.id, deps.clock.now());
      return true;
    } catch (error) {
      const delay = retryDelaysMs[Math.min(message.attempts - 1, retryDelaysMs.length - 1)] ?? 1_800_000;
      const reason = error instanceof Error ? error.message : String(error);
      deps.logger.warn({ messageId: message.id, attempts: message.attempts, err: reason }, 'email delivery failed; will retry');
      await markFailed(deps.db, message.id, new Date(deps.clock.now().getTime() + delay), reason);
      return false;
    }
  };

  const deliverBatch = async (): Promise<number> => {
    const now = deps.clock.now();
    const claimed = await claimDueMessages(deps.db, now, new Date(now.getTime() + 60_000), 20);
    let delivered = 0;
    for (const message of claimed) if (await deliverOne(message)) delivered += 1;
    return delivered;
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

    /** Delivers everything due now; returns how many messages went out. One run at a time per instance. */
    async deliverDue(): Promise<number> {
      while (running !== undefined) await running;
      running = deliverBatch();
      try {
        return await running;
      } finally {
        running = undefined;
      }
    },

    /** Asks the worker to look at the outbox soon (after the current transaction commits). */
    poke(): void {
      if (stopped) return;
      setImmediate(() => {
        if (stopped) return;
        service.deliverDue().catch((error: unknown) => deps.logger.error({ err: error }, 'outbox delivery failed'));
      });
    },

    start(intervalMs = 2_000): void {
      stopped = false;
      timer = setInterval(() => service.poke(), intervalMs);
      timer.unref();
      service.poke();
    },

    async stop(): Promise<void> {
      stopped = true;
      if (timer !== undefined) clearInterval(timer);
      while (running !== undefined) await running.catch(() => 0);
    },
  };
  return service;
}

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';

/** A message as it goes out: the outbox row's metadata with its body, opened just for the send. */
export interface OutgoingEmail {
  id: string;
  recipient: string;
  subject: string;
  text: string;
  html: string;
  createdAt: Date;
}

/** SMTP envelope: the bounce address and the one recipient of an outbox message. */
export interface Envelope {
  from: string;
  to: string;
}

/** Sends one composed message; throws when it did not go out (a MailDeliveryError says how to go on). */
export interface MailTransport {
  describe: string;
  send(message: OutgoingEmail, raw: Buffer, envelope: Envelope): Promise<void>;
  /** Releases connections; called once, when the service shuts down. */
  close?(): Promise<void>;
}

/**
 * Why a delivery failed, as far as the outbox cares:
 * - `permanent`: the receiving server refused this message for good (5xx to RCPT TO or DATA); retrying
 *   would get the same answer, so it is recorded and never retried.
 * - `scope: 'message'`: something about this message (a 4xx for the recipient): retry it later, keep
 *   sending the others.
 * - `scope: 'transport'`: the server is unreachable, refuses us or our credentials: retry, and pause the
 *   worker, since every other message would fail the same way.
 * Any other error thrown by a transport counts as a transient transport failure.
 */
export class MailDeliveryError extends Error {
  readonly permanent: boolean;
  readonly scope: 'message' | 'transport';

  constructor(message: string, options: { permanent: boolean; scope: 'message' | 'transport'; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'MailDeliveryError';
    this.permanent = options.permanent;
    this.scope = options.scope;
  }
}

/**
 * The embedded default: each message becomes an .eml file under <data dir>/outbox/, and its links are
 * logged so an operator without SMTP can still follow an invitation. The file is the delivery: once it is
 * written, the outbox row loses its body like a message handed to an SMTP server.
 */
export function createFileTransport(outboxDir: string, logger: Logger): MailTransport {
  return {
    describe: `files in ${outboxDir}`,
    async send(message, raw) {
      await mkdir(outboxDir, { recursive: true });
      const file = path.join(outboxDir, `${message.createdAt.toISOString().replaceAll(':', '-')}-${message.id}.eml`);
      await writeFile(file, raw, { mode: 0o600 });
      const links = message.text.match(/https?:\/\/\S+/g) ?? [];
      logger.info({ file, recipient: message.recipient, subject: message.subject, links }, 'email written to the outbox');
    },
  };
}

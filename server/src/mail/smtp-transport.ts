import nodemailer from 'nodemailer';
import { MailDeliveryError, type MailTransport } from './mail-transport.ts';

/** What nodemailer attaches to the errors it raises (see nodemailer's smtp-connection). */
interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  command?: string;
}

/** Commands whose refusal is about this message or recipient rather than about us or the connection. */
const messageCommands = new Set(['RCPT TO', 'DATA']);
/** Replies about the server or the session whatever the command: not available, bad sequence, authentication required. */
const sessionReplies = new Set([421, 503, 530]);

/**
 * Sorts an SMTP failure into the outbox's three outcomes. A 5xx reply to RCPT TO or DATA is a permanent
 * refusal of this message; any other 5xx (a rejected sender, failed authentication, 530 authentication
 * required, 503 bad sequence) is a problem of our configuration or session that an operator fixes, so it
 * is retried rather than losing every queued message. A 4xx for a recipient is retried later; 421
 * ("service not available") and anything without a reply (refused connection, timeout, TLS) mean the
 * server is unavailable.
 */
export function classifySmtpError(error: unknown): MailDeliveryError {
  const failure: SmtpError = error instanceof Error ? error : new Error(String(error));
  const reply = failure.responseCode;
  const aboutMessage =
    reply !== undefined && !sessionReplies.has(reply) && failure.code !== 'EAUTH' && messageCommands.has(failure.command ?? '');
  const permanent = aboutMessage && reply >= 500 && reply < 600;
  const prefix = failure.code === undefined ? '' : `${failure.code}${failure.command === undefined ? '' : ` (${failure.command})`}: `;
  return new MailDeliveryError(`${prefix}${failure.message}`, { permanent, scope: aboutMessage ? 'message' : 'transport', cause: error });
}

/**
 * A send is abandoned after 45 s whatever the server does (the timeouts above only bound silence), which
 * keeps it within the minute of lease the mail service reserves for it (sendBudgetMs).
 */
const sendTimeoutMs = 45_000;

/** Where the transport sends, without credentials, for logs. */
function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `SMTP ${parsed.protocol}//${parsed.host}`;
}

/**
 * Delivers through an SMTP server (LANYARD_SMTP_URL: smtp:// with STARTTLS when offered, smtps:// for
 * implicit TLS, credentials in the URL). A small connection pool is kept open while there is mail to send.
 * Each message goes out exactly as composed (envelope + raw bytes), so its Message-ID is the one stored
 * with the outbox row and a receiver can recognise a repeat. The pool does not retry on its own: the
 * outbox decides when to try again.
 */
export function createSmtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: 2,
    maxRequeues: 0,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    describe: describeUrl(url),
    async send(_message, raw, envelope) {
      try {
        await transporter.sendMail({ envelope: { from: envelope.from, to: [envelope.to] }, raw, signal: AbortSignal.timeout(sendTimeoutMs) });
      } catch (error) {
        throw classifySmtpError(error);
      }
    },
    async close() {
      transporter.close();
    },
  };
}

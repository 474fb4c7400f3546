import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

/** One message as the SMTP server received it: the envelope, and the parsed content. */
export interface ReceivedSmtpMessage {
  envelopeFrom: string;
  envelopeTo: string[];
  messageId: string;
  from: { name: string; address: string };
  to: string;
  subject: string;
  text: string;
  html: string;
  links: string[];
  raw: Buffer;
}

export interface TestSmtpServerOptions {
  /** Listen on this port (to come back where the service expects it); 0 picks a free one. */
  port?: number;
  /** Answers RCPT TO for an address with an SMTP error, e.g. `{ code: 550, message: 'No such user' }`. */
  refuseRecipient?: (address: string) => { code: number; message: string } | undefined;
  /** Requires AUTH with these credentials. */
  credentials?: { user: string; pass: string };
  /** Implicit TLS from the first byte (smtps://), with smtp-server's built-in self-signed certificate. */
  secure?: boolean;
  /** Called when DATA begins; the reply to DATA waits until the returned promise settles. */
  holdData?: () => Promise<void>;
}

export interface TestSmtpServer {
  port: number;
  /** `smtp://127.0.0.1:<port>` (`smtps://` when secure), with credentials when given. */
  url(credentials?: { user: string; pass: string }): string;
  /** Every accepted message, in arrival order. */
  messages: ReceivedSmtpMessage[];
  /** Every RCPT TO the server answered, accepted or refused. */
  recipientAttempts: string[];
  /** Stops listening (idempotent); open client connections are cut after 20 ms. */
  close(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 for tests (the `smtp-server` package, as a receiving MTA would run it).
 * Plain SMTP without STARTTLS, so the client needs no certificate; accepted messages are parsed with
 * mailparser before the server answers 250, so they are here when the sender's call returns.
 */
export async function startTestSmtpServer(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
  const messages: ReceivedSmtpMessage[] = [];
  const recipientAttempts: string[] = [];
  const credentials = options.credentials;
  const server = new SMTPServer({
    secure: options.secure === true,
    // Quiet, including the warning about the built-in certificate (known to be insecure; fine on 127.0.0.1).
    logger: false,
    disabledCommands: credentials === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
    authOptional: credentials === undefined,
    allowInsecureAuth: true,
    // Pooled client connections stay open; closing must not wait for them.
    closeTimeout: 20,
    onAuth(auth, _session, callback) {
      if (credentials !== undefined && auth.username === credentials.user && auth.password === credentials.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      }
    },
    onRcptTo(address, _session, callback) {
      recipientAttempts.push(address.address);
      const refusal = options.refuseRecipient?.(address.address);
      if (refusal === undefined) callback();
      else callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const received = async () => {
          await options.holdData?.();
          const parsed = await simpleParser(raw);
          const text = parsed.text ?? '';
          const to = Array.isArray(parsed.to) ? parsed.to.map((entry) => entry.text).join(', ') : (parsed.to?.text ?? '');
          const mailFrom = session.envelope.mailFrom;
          messages.push({
            envelopeFrom: mailFrom === false ? '' : mailFrom.address,
            envelopeTo: session.envelope.rcptTo.map((entry: SMTPServerAddress) => entry.address),
            messageId: parsed.messageId ?? '',
            from: { name: parsed.from?.value[0]?.name ?? '', address: parsed.from?.value[0]?.address ?? '' },
            to,
            subject: parsed.subject ?? '',
            text,
            html: typeof parsed.html === 'string' ? parsed.html : '',
            links: text.match(/https?:\/\/\S+/g) ?? [],
            raw,
          });
        };
        received().then(
          () => callback(),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      });
    },
  });
  // A client that gives up (a refused certificate, a closed pool) is an 'error' for the server; tests look
  // at what the client recorded, so the server only keeps running.
  server.on('error', () => {});
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server.server, 'listening');
  const port = (server.server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: (login) => {
      const scheme = options.secure === true ? 'smtps' : 'smtp';
      const userinfo = login === undefined ? '' : `${encodeURIComponent(login.user)}:${encodeURIComponent(login.pass)}@`;
      return `${scheme}://${userinfo}127.0.0.1:${port}`;
    },
    messages,
    recipientAttempts,
    close: () => (closing ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}

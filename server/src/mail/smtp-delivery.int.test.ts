import { afterEach, describe, expect, it } from 'vitest';
import { DAY, MINUTE, SECOND } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import { roleNamed, tokenFromLink } from '../testing/journeys.ts';
import { createTestApp, strongPassword, testMasterKey, testOrigin, type TestApp } from '../testing/test-app.ts';
import { testStorageKind } from '../testing/test-database.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../testing/test-smtp-server.ts';
import { createDeliveryWorker, messageIdOf, pausePolicy, retryPolicy } from './delivery-worker.ts';
import { claimDueMessages } from './outbox-repo.ts';
import { createOutboxEncryptor } from './sealed-body.ts';
import { createSmtpTransport } from './smtp-transport.ts';

const encryptor = createOutboxEncryptor(testMasterKey);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function smtpServer(options: Parameters<typeof startTestSmtpServer>[0] = {}): Promise<TestSmtpServer> {
  const server = await startTestSmtpServer(options);
  cleanups.push(() => server.close());
  return server;
}

async function appSendingTo(url: string): Promise<TestApp> {
  const t = await createTestApp({ LANYARD_SMTP_URL: url });
  cleanups.push(() => t.close());
  return t;
}

async function enqueue(t: TestApp, to: string): Promise<void> {
  await t.deps.db.transaction().execute((trx) =>
    t.deps.mail.enqueue(trx, { template: 'test', subject: `For ${to}`, text: `Hello ${to}`, html: `<p>Hello ${to}</p>`, tenantId: null, to }),
  );
}

const outbox = (t: TestApp) => t.deps.db.selectFrom('outbox_messages').selectAll().orderBy('id').execute();

function countById(server: TestSmtpServer): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of server.messages) counts.set(message.messageId, (counts.get(message.messageId) ?? 0) + 1);
  return counts;
}

describe('email delivery through SMTP', () => {
  it('sends one email per invitation, with the first-access link in text and HTML, and the link works', async () => {
    const smtp = await smtpServer();
    const t = await appSendingTo(smtp.url());
    const tenant = await t.deps.tenants.createTenant('Acme Contact Center');
    const agent = await roleNamed(t, tenant.id, 'Agent');
    const issued = await t.deps.invitations.inviteUser(tenant.id, {
      username: 'gilbert.blythe',
      email: 'gilbert@example.test',
      firstName: 'Gilbert',
      lastName: 'Blythe',
      roleId: agent.id,
    });

    expect(await t.deps.mail.deliverDue()).toBe(1);
    expect(await t.deps.mail.deliverDue()).toBe(0);
    expect(smtp.messages).toHaveLength(1);
    const [email] = smtp.messages;
    const [row] = await outbox(t);
    expect(row?.sent_at).toEqual(t.clock.now());
    expect(email?.messageId).toBe(messageIdOf(row?.id ?? ''));
    expect(email?.envelopeFrom).toBe('no-reply@lanyard.test');
    expect(email?.envelopeTo).toEqual(['gilbert@example.test']);
    expect(email?.from).toEqual({ name: 'Lanyard', address: 'no-reply@lanyard.test' });
    expect(email?.to).toBe('gilbert@example.test');
    expect(email?.subject).toBe("You're invited to Acme Contact Center");
    expect(email?.links).toEqual([issued.url]);
    expect(email?.html).toContain(`href="${issued.url}"`);

    const link = email?.links[0] ?? '';
    const accepted = await t.app.inject({
      method: 'POST',
      url: `/api/v1/invitations/${tokenFromLink(link)}/accept`,
      headers: { origin: testOrigin },
      payload: { password: strongPassword },
    });
    expect(accepted.statusCode).toBe(204);
  });

  it('sends the same bytes on every attempt, so the Message-ID identifies a repeat', async () => {
    const smtp = await smtpServer();
    const t = await appSendingTo(smtp.url());
    await enqueue(t, 'ann@example.test');
    const [row] = await outbox(t);
    expect(row?.body_sealed).not.toBeNull();
    const transport = createSmtpTransport(smtp.url());
    const service = createDeliveryWorker({ db: t.deps.db, clock: t.clock, logger: t.deps.logger, transport, encryptor, from: t.config.mailFrom });
    cleanups.push(() => service.close());
    expect(await t.deps.mail.deliverDue()).toBe(1);
    // Delivered: only the metadata is left.
    expect((await outbox(t))[0]?.body_sealed).toBeNull();
    // Pretend the first send was never recorded (a crash after the server accepted it): the row is as it was, and the message goes again.
    await t.deps.db.updateTable('outbox_messages').set({ sent_at: null, body_sealed: row?.body_sealed ?? null, next_attempt_at: t.clock.now() }).where('id', '=', row?.id ?? '').execute();
    expect(await service.deliverDue()).toBe(1);
    expect(smtp.messages).toHaveLength(2);
    expect(smtp.messages[1]?.messageId).toBe(smtp.messages[0]?.messageId);
    expect(smtp.messages[1]?.raw.equals(smtp.messages[0]?.raw ?? Buffer.alloc(0))).toBe(true);
  });

  it('loses nothing while the server is down, backs off, and sends each message once when it is back', async () => {
    const probe = await startTestSmtpServer();
    const port = probe.port;
    await probe.close();
    const t = await appSendingTo(`smtp://127.0.0.1:${port}`);
    for (const name of ['ann', 'ben', 'cat']) await enqueue(t, `${name}@example.test`);

    // The first failure pauses the worker; the messages it did not try are handed back untouched.
    expect(await t.deps.mail.deliverDue()).toBe(0);
    let rows = await outbox(t);
    expect(rows.map((row) => row.attempts)).toEqual([1, 0, 0]);
    expect(rows[0]?.last_error).toMatch(/ECONNREFUSED|ESOCKET|ECONNECTION/);
    expect(rows[0]?.next_attempt_at).toEqual(new Date(t.clock.now().getTime() + retryPolicy.firstDelayMs));
    expect(rows.every((row) => row.lease_id === null && row.sent_at === null && row.failed_at === null)).toBe(true);

    // While paused, nothing is tried.
    expect(await t.deps.mail.deliverDue()).toBe(0);
    expect((await outbox(t)).map((row) => row.attempts)).toEqual([1, 0, 0]);

    // Each time the pause is over, one message probes the server, and the pause grows.
    t.clock.advance(pausePolicy.firstPauseMs);
    expect(await t.deps.mail.deliverDue()).toBe(0);
    expect((await outbox(t)).map((row) => row.attempts)).toEqual([1, 1, 0]);
    t.clock.advance(pausePolicy.firstPauseMs);
    expect(await t.deps.mail.deliverDue()).toBe(0);
    expect((await outbox(t)).map((row) => row.attempts)).toEqual([1, 1, 0]);
    t.clock.advance(pausePolicy.firstPauseMs);
    expect(await t.deps.mail.deliverDue()).toBe(0);
    rows = await outbox(t);
    expect(rows.reduce((sum, row) => sum + row.attempts, 0)).toBe(3);
    expect(rows.every((row) => row.sent_at === null && row.failed_at === null)).toBe(true);

    const smtp = await smtpServer({ port });
    t.clock.advance(retryPolicy.maxDelayMs);
    expect(await t.deps.mail.deliverDue()).toBe(3);
    t.clock.advance(retryPolicy.maxDelayMs);
    expect(await t.deps.mail.deliverDue()).toBe(0);

    rows = await outbox(t);
    expect([...countById(smtp).entries()].sort()).toEqual(rows.map((row) => [messageIdOf(row.id), 1]).sort());
    expect(smtp.messages.map((message) => message.to).sort()).toEqual(['ann@example.test', 'ben@example.test', 'cat@example.test']);
    expect(rows.every((row) => row.sent_at !== null && row.last_error === null)).toBe(true);
  });

  it('records a permanent (5xx) refusal and never retries it; a 4xx is retried; the others go out', async () => {
    let busy = true;
    const smtp = await smtpServer({
      refuseRecipient: (address) => {
        if (address === 'nobody@example.test') return { code: 550, message: '5.1.1 No such user' };
        if (address === 'full@example.test' && busy) return { code: 452, message: '4.2.2 Mailbox full' };
        return undefined;
      },
    });
    const t = await appSendingTo(smtp.url());
    for (const name of ['ann', 'nobody', 'full', 'ben']) await enqueue(t, `${name}@example.test`);

    expect(await t.deps.mail.deliverDue()).toBe(2);
    const byRecipient = new Map((await outbox(t)).map((row) => [row.recipient, row]));
    const refused = byRecipient.get('nobody@example.test');
    expect(refused?.failed_at).toEqual(t.clock.now());
    expect(refused?.sent_at).toBeNull();
    expect(refused?.last_error).toContain('550');
    expect(refused?.body_sealed).toBeNull();
    const deferred = byRecipient.get('full@example.test');
    expect(deferred?.failed_at).toBeNull();
    expect(deferred?.last_error).toContain('452');
    expect(deferred?.body_sealed).not.toBeNull();
    expect(deferred?.next_attempt_at).toEqual(new Date(t.clock.now().getTime() + retryPolicy.firstDelayMs));
    expect(smtp.messages.map((message) => message.to).sort()).toEqual(['ann@example.test', 'ben@example.test']);
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('lanyard_emails_total{outcome="sent"} 2');
    expect(metrics).toContain('lanyard_emails_total{outcome="retried"} 1');
    expect(metrics).toContain('lanyard_emails_total{outcome="failed"} 1');

    busy = false;
    t.clock.advance(DAY);
    expect(await t.deps.mail.deliverDue()).toBe(1);
    t.clock.advance(DAY);
    expect(await t.deps.mail.deliverDue()).toBe(0);
    expect(smtp.recipientAttempts.filter((address) => address === 'nobody@example.test')).toHaveLength(1);
    expect(smtp.messages.map((message) => message.to).sort()).toEqual(['ann@example.test', 'ben@example.test', 'full@example.test']);
    expect((await outbox(t)).find((row) => row.recipient === 'nobody@example.test')?.failed_at).not.toBeNull();
  });

  it('signs in with the credentials in the URL; wrong credentials are retried, not given up', async () => {
    const credentials = { user: 'lanyard@example.test', pass: 'p@ss:word/1' };
    const smtp = await smtpServer({ credentials });
    const t = await appSendingTo(smtp.url({ user: credentials.user, pass: 'wrong' }));
    await enqueue(t, 'ann@example.test');
    expect(await t.deps.mail.deliverDue()).toBe(0);
    const [row] = await outbox(t);
    expect(row?.failed_at).toBeNull();
    expect(row?.last_error).toContain('EAUTH');
    expect(smtp.messages).toHaveLength(0);

    // The operator fixes the password and restarts: the queued message goes out.
    const fixed = createDeliveryWorker({
      db: t.deps.db,
      clock: t.clock,
      logger: t.deps.logger,
      transport: createSmtpTransport(smtp.url(credentials)),
      encryptor,
      from: t.config.mailFrom,
    });
    cleanups.push(() => fixed.close());
    t.clock.advance(retryPolicy.firstDelayMs);
    expect(await fixed.deliverDue()).toBe(1);
    expect(smtp.messages.map((message) => message.to)).toEqual(['ann@example.test']);
  });

  it('speaks implicit TLS with smtps://, taking transport options from the URL', async () => {
    const smtp = await smtpServer({ secure: true });
    // The test server's certificate is self-signed; a real deployment keeps verification on.
    const t = await appSendingTo(`${smtp.url()}?tls.rejectUnauthorized=false`);
    await enqueue(t, 'ann@example.test');
    expect(await t.deps.mail.deliverDue()).toBe(1);
    expect(smtp.messages.map((message) => message.to)).toEqual(['ann@example.test']);
  });

  it('refuses a server whose certificate does not verify, and retries', async () => {
    const smtp = await smtpServer({ secure: true });
    const t = await appSendingTo(smtp.url());
    await enqueue(t, 'ann@example.test');
    expect(await t.deps.mail.deliverDue()).toBe(0);
    const [row] = await outbox(t);
    expect(row?.failed_at).toBeNull();
    expect(row?.last_error).toMatch(/certificate/i);
    expect(smtp.messages).toHaveLength(0);
  });

  it('gives a message up after three days of failures', async () => {
    const probe = await startTestSmtpServer();
    await probe.close();
    const t = await appSendingTo(probe.url());
    await enqueue(t, 'ann@example.test');
    expect(await t.deps.mail.deliverDue()).toBe(0);
    t.clock.advance(retryPolicy.giveUpAfterMs);
    expect(await t.deps.mail.deliverDue()).toBe(0);
    const [row] = await outbox(t);
    expect(row?.failed_at).toEqual(t.clock.now());
    expect(row?.last_error).toMatch(/^gave up after 2 attempts: /);
    expect(row?.body_sealed).toBeNull();
  });

  it('retries a message whose body does not open under this master key, and sends nothing for it', async () => {
    const smtp = await smtpServer();
    const t = await appSendingTo(smtp.url());
    await enqueue(t, 'ann@example.test');
    const otherKey = createDeliveryWorker({
      db: t.deps.db,
      clock: t.clock,
      logger: t.deps.logger,
      transport: createSmtpTransport(smtp.url()),
      encryptor: createOutboxEncryptor(Buffer.alloc(32, 8)),
      from: t.config.mailFrom,
    });
    cleanups.push(() => otherKey.close());
    expect(await otherKey.deliverDue()).toBe(0);
    const [row] = await outbox(t);
    expect(row).toMatchObject({ sent_at: null, failed_at: null, attempts: 1, last_error: 'the sealed body does not open (another master key?)' });
    expect(row?.body_sealed).not.toBeNull();
    expect(smtp.recipientAttempts).toEqual([]);
    // The instance with the right key sends it.
    t.clock.advance(retryPolicy.firstDelayMs);
    expect(await t.deps.mail.deliverDue()).toBe(1);
    expect(smtp.messages.map((message) => message.text.trim())).toEqual(['Hello ann@example.test']);
  });

  it('picks up a message whose worker died mid-send once the lease has run out', async () => {
    const smtp = await smtpServer();
    const t = await appSendingTo(smtp.url());
    await enqueue(t, 'ann@example.test');
    const now = t.clock.now();
    // A worker claims the message and then crashes: it never records an outcome.
    const crashed = await claimDueMessages(t.deps.db, { now, leaseUntil: new Date(now.getTime() + 5 * MINUTE), leaseId: newId(), limit: 10 });
    expect(crashed).toHaveLength(1);

    expect(await t.deps.mail.deliverDue()).toBe(0);
    t.clock.advance(5 * MINUTE - SECOND);
    expect(await t.deps.mail.deliverDue()).toBe(0);
    expect(smtp.messages).toHaveLength(0);
    t.clock.advance(SECOND);
    expect(await t.deps.mail.deliverDue()).toBe(1);
    expect(smtp.messages.map((message) => message.messageId)).toEqual([messageIdOf(crashed[0]?.id ?? '')]);
    const [row] = await outbox(t);
    expect(row?.attempts).toBe(2);
    expect(row?.lease_id).toBeNull();
  });

  it('stop() waits for the message being sent and hands the rest of the batch back', async () => {
    let releaseData = () => {};
    let dataStarted = () => {};
    const started = new Promise<void>((resolve) => (dataStarted = resolve));
    const held = new Promise<void>((resolve) => (releaseData = resolve));
    const smtp = await smtpServer({
      holdData: () => {
        dataStarted();
        return held;
      },
    });
    const t = await appSendingTo(smtp.url());
    await enqueue(t, 'ann@example.test');
    await enqueue(t, 'ben@example.test');
    t.deps.mail.start(60_000);
    await started;

    let stopped = false;
    const stopping = t.deps.mail.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    releaseData();
    await stopping;

    const [first, second] = await outbox(t);
    expect(first?.sent_at).not.toBeNull();
    expect(second).toMatchObject({ sent_at: null, lease_id: null, attempts: 0, next_attempt_at: t.clock.now() });
    expect(smtp.messages.map((message) => message.to)).toEqual(['ann@example.test']);
  });
});

describe.runIf(testStorageKind() === 'postgres')('several instances (PostgreSQL)', () => {
  it('delivers each message exactly once while three workers race over the outbox', async () => {
    const smtp = await smtpServer();
    const t = await appSendingTo(smtp.url());
    const workers = [1, 2, 3].map(() => {
      const worker = createDeliveryWorker({
        db: t.deps.db,
        clock: t.clock,
        logger: t.deps.logger,
        transport: createSmtpTransport(smtp.url()),
        encryptor,
        from: t.config.mailFrom,
        batchSize: 3,
      });
      cleanups.push(() => worker.close());
      return worker;
    });
    for (let index = 0; index < 20; index += 1) await enqueue(t, `user${index}@example.test`);

    const sent = await Promise.all(workers.map((worker) => worker.deliverDue()));
    expect(sent.reduce((sum, count) => sum + count, 0)).toBe(20);
    const rows = await outbox(t);
    expect(rows.every((row) => row.sent_at !== null)).toBe(true);
    expect(smtp.messages).toHaveLength(20);
    expect([...countById(smtp).values()].every((count) => count === 1)).toBe(true);
    expect(new Set(smtp.messages.map((message) => message.to)).size).toBe(20);
  });
});

import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../kernel/clock.ts';
import { createDeliveryWorker } from '../../mail/delivery-worker.ts';
import { createOutboxEncryptor, openBody } from '../../mail/sealed-body.ts';
import { createSmtpTransport } from '../../mail/smtp-transport.ts';
import { databaseMigratedUpTo, testStorageKind } from '../../testing/test-database.ts';
import { startTestSmtpServer } from '../../testing/test-smtp-server.ts';
import type { Db } from '../db.ts';
import { migrateToLatest } from '../migrate.ts';

let db: Db;
let close: () => Promise<void>;
const clock = new TestClock();
const encryptor = createOutboxEncryptor(Buffer.alloc(32, 9));
const logger = pino({ level: 'silent' });
const from = 'Lanyard <no-reply@lanyard.test>';

beforeAll(async () => {
  ({ db, close } = await databaseMigratedUpTo('0016-tenant-boundaries'));
});

afterAll(async () => close());

const ids = { pending: '00000000-0000-7000-8000-000000000001', sent: '00000000-0000-7000-8000-000000000002', failed: '00000000-0000-7000-8000-000000000003' };
const secretLink = (name: string) => `https://lanyard.test/first-access/${name}-Zm9vYmFyYmF6cXV4cXV1eHh5enp5MTIzNDU2Nzg5MA`;

async function outboxAsText(): Promise<string> {
  const rows = await sql<{ row: string }>`select row_to_json(t)::text as row from outbox_messages t`.execute(db);
  const waiting = await sql<{ row: string }>`select row_to_json(t)::text as row from outbox_bodies_to_seal t`.execute(db);
  return [...rows.rows, ...waiting.rows].map((row) => row.row).join('\n');
}

describe('migration 0018: outbox bodies are sealed, and dropped once sent', () => {
  it('drops the bodies of sent and failed messages; a waiting message is sealed by the worker and delivered intact', async () => {
    const createdAt = clock.now();
    for (const [state, id] of Object.entries(ids)) {
      await sql`insert into outbox_messages (id, tenant_id, template, recipient, subject, text_body, html_body, created_at, next_attempt_at, sent_at, failed_at)
        values (${id}, null, 'invitation', ${`${state}@example.test`}, ${`Welcome ${state}`}, ${`Open ${secretLink(state)}`}, ${`<a href="${secretLink(state)}">Open</a>`},
          ${createdAt}, ${createdAt}, ${state === 'sent' ? createdAt : null}, ${state === 'failed' ? createdAt : null})`.execute(db);
    }

    await migrateToLatest(db);

    const columns = await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = 'outbox_messages'`.execute(db);
    expect(columns.rows.map((row) => row.column_name)).not.toEqual(expect.arrayContaining(['text_body']));
    expect(columns.rows.map((row) => row.column_name)).not.toEqual(expect.arrayContaining(['html_body']));
    const text = await outboxAsText();
    expect(text).not.toContain(secretLink('sent'));
    expect(text).not.toContain(secretLink('failed'));
    // SQL cannot seal: the waiting body is set aside for the worker, and the message is not claimed until it is sealed.
    expect(await db.selectFrom('outbox_bodies_to_seal').select('outbox_id').execute()).toEqual([{ outbox_id: ids.pending }]);
    const metadata = await db.selectFrom('outbox_messages').select(['id', 'recipient', 'subject', 'template', 'body_sealed', 'sent_at', 'failed_at']).orderBy('id').execute();
    expect(metadata).toEqual([
      { id: ids.pending, recipient: 'pending@example.test', subject: 'Welcome pending', template: 'invitation', body_sealed: null, sent_at: null, failed_at: null },
      { id: ids.sent, recipient: 'sent@example.test', subject: 'Welcome sent', template: 'invitation', body_sealed: null, sent_at: createdAt, failed_at: null },
      { id: ids.failed, recipient: 'failed@example.test', subject: 'Welcome failed', template: 'invitation', body_sealed: null, sent_at: null, failed_at: createdAt },
    ]);

    // The first worker to run seals it, even while the SMTP server is down.
    const probe = await startTestSmtpServer();
    const port = probe.port;
    await probe.close();
    const down = createDeliveryWorker({ db, clock, logger, transport: createSmtpTransport(`smtp://127.0.0.1:${port}`), encryptor, from });
    expect(await down.deliverDue()).toBe(0);
    await down.close();
    expect(await db.selectFrom('outbox_bodies_to_seal').select('outbox_id').execute()).toEqual([]);
    expect(await outboxAsText()).not.toContain(secretLink('pending'));
    const sealed = await db.selectFrom('outbox_messages').select('body_sealed').where('id', '=', ids.pending).executeTakeFirstOrThrow();
    expect(openBody(encryptor, ids.pending, sealed.body_sealed ?? new Uint8Array())).toEqual({
      text: `Open ${secretLink('pending')}`,
      html: `<a href="${secretLink('pending')}">Open</a>`,
    });

    const smtp = await startTestSmtpServer({ port });
    const up = createDeliveryWorker({ db, clock, logger, transport: createSmtpTransport(smtp.url()), encryptor, from });
    clock.advance(15 * 60 * 1000);
    expect(await up.deliverDue()).toBe(1);
    await up.close();
    await smtp.close();
    expect(smtp.messages.map((message) => [message.to, message.subject, message.links])).toEqual([['pending@example.test', 'Welcome pending', [secretLink('pending')]]]);
    expect(smtp.messages[0]?.html).toContain(`href="${secretLink('pending')}"`);
    const delivered = await db.selectFrom('outbox_messages').select(['body_sealed', 'sent_at']).where('id', '=', ids.pending).executeTakeFirstOrThrow();
    expect(delivered).toEqual({ body_sealed: null, sent_at: clock.now() });
  });
});

describe.runIf(testStorageKind() === 'postgres')('migration 0018 with several instances (PostgreSQL)', () => {
  it('two workers seal and deliver the waiting messages of the upgrade, each exactly once', async () => {
    const own = await databaseMigratedUpTo('0016-tenant-boundaries');
    const ownDb = own.db;
    const smtp = await startTestSmtpServer();
    try {
      const createdAt = clock.now();
      await sql`insert into outbox_messages (id, tenant_id, template, recipient, subject, text_body, html_body, created_at, next_attempt_at)
        select ('00000000-0000-7000-8000-' || lpad(n::text, 12, '0'))::uuid, null, 'invitation', 'user' || n || '@example.test', 'Welcome',
          'Open ' || ${secretLink('race')} || n, '<p>' || n || '</p>', ${createdAt}, ${createdAt}
        from generate_series(1, 250) as n`.execute(ownDb);
      await migrateToLatest(ownDb);

      const workers = [1, 2].map(() => createDeliveryWorker({ db: ownDb, clock, logger, transport: createSmtpTransport(smtp.url()), encryptor, from, batchSize: 7 }));
      // Each worker seals the rows it could lock (SKIP LOCKED), then delivers whatever is sealed: every row sealed by
      // one is committed before that one delivers, so nothing is left for a second round.
      const sent = await Promise.all(workers.map((worker) => worker.deliverDue()));
      expect(sent.reduce((sum, count) => sum + count, 0)).toBe(250);
      expect(await Promise.all(workers.map((worker) => worker.deliverDue()))).toEqual([0, 0]);
      for (const worker of workers) await worker.close();
      expect(smtp.messages).toHaveLength(250);
      expect(new Set(smtp.messages.map((message) => message.messageId)).size).toBe(250);
      for (const message of smtp.messages) expect(message.text).toContain(`${secretLink('race')}${message.to.replace(/^user|@example\.test$/g, '')}`);
      const left = await sql<{ bodies: string; waiting: string }>`
        select (select count(*) from outbox_messages where body_sealed is not null or sent_at is null)::text as bodies,
               (select count(*) from outbox_bodies_to_seal)::text as waiting`.execute(ownDb);
      expect(left.rows).toEqual([{ bodies: '0', waiting: '0' }]);
    } finally {
      await smtp.close();
      await own.close();
    }
  });
});

/** @see SPEC §3.12 "Nothing lives in plain text that could sign someone in" (issue 20, item 6: email bodies kept in the outbox). */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { roleNamed, signedInUser, tokenFromLink, type SignedInUser } from '../testing/journeys.ts';
import { createMailTestApp } from '../testing/mail-test-app.ts';
import { createTestApp, strongPassword, type TestApp } from '../testing/test-app.ts';
import { startTestSmtpServer, type ReceivedSmtpMessage } from '../testing/test-smtp-server.ts';
import type { Db } from '../storage/db.ts';
import { pausePolicy, retryPolicy } from './delivery-worker.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The whole database as text: every column of every row of every table, as JSON (bytea as hex). */
async function dumpDatabase(db: Db): Promise<string> {
  const tables = await sql<{ name: string }>`
    select table_schema || '.' || quote_ident(table_name) as name from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') order by 1`.execute(db);
  expect(tables.rows.map((row) => row.name)).toContain('public.outbox_messages');
  const parts: string[] = [];
  for (const { name } of tables.rows) {
    const rows = await sql<{ row: string }>`select row_to_json(t)::text as row from ${sql.raw(name)} t`.execute(db);
    parts.push(`${name}\n${rows.rows.map((row) => row.row).join('\n')}`);
  }
  return parts.join('\n');
}

/** The tokens of every link the emails carry (the last path segment), at least one per email. */
function linkTokens(messages: ReceivedSmtpMessage[]): string[] {
  const tokens = messages.flatMap((message) => message.links.map((link) => tokenFromLink(link)).filter((token) => token.length >= 32));
  expect(tokens.length).toBeGreaterThanOrEqual(messages.length);
  return tokens;
}

/** The tokens found in the dump, in clear or as the hex of their bytes (how a bytea column would show them). */
function leakedTokens(dump: string, tokens: string[]): string[] {
  return tokens.filter((token) => dump.includes(token) || dump.includes(Buffer.from(token, 'utf8').toString('hex')));
}

async function invite(t: TestApp, admin: SignedInUser, username: string) {
  const agent = await roleNamed(t, admin.tenant.id, 'Agent');
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/admin/users',
    headers: admin.headers,
    payload: { username, email: `${username}@example.test`, firstName: 'Diana', lastName: 'Barry', roleId: agent.id },
  });
  expect(response.statusCode).toBe(201);
}

/** Every kind of email that carries a sign-in link: an invitation, two resets, an email-change confirmation. */
async function sendEveryLinkEmail(t: TestApp, admin: SignedInUser, agent: SignedInUser): Promise<void> {
  await invite(t, admin, 'diana.barry');
  const adminReset = await t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${agent.userId}/password-reset`, headers: admin.headers });
  expect(adminReset.statusCode).toBe(202);
  const forgot = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password/forgot', headers: { origin: t.config.publicUrl.origin }, payload: { username: admin.username } });
  expect(forgot.statusCode).toBe(202);
  const emailChange = await t.app.inject({
    method: 'POST',
    url: '/api/v1/me/email',
    headers: agent.headers,
    payload: { email: 'anne.new@example.test', currentPassword: strongPassword },
  });
  expect(emailChange.statusCode).toBe(202);
  await t.deps.recovery.resetRequestsIdle();
}

const linkSubjects = [
  "You're invited to Green Gables",
  'Reset your Lanyard password',
  'Reset your Lanyard password',
  'Confirm your new Lanyard email address',
];

describe('no live link in the outbox', () => {
  it('keeps no link of a delivered invitation, reset or email confirmation anywhere in the database', async () => {
    const mail = await createMailTestApp();
    cleanups.push(() => mail.close());
    const { t } = mail;
    const admin = await signedInUser(t, { tenantName: 'Green Gables', username: 'marilla' });
    const agent = await signedInUser(t, { tenant: admin.tenant, username: 'anne', role: 'Agent' });
    await mail.deliverAll();
    const before = mail.smtp.messages.length;

    await sendEveryLinkEmail(t, admin, agent);
    const received = await mail.receivedSince(before);
    const withLinks = received.filter((message) => linkSubjects.includes(message.subject));
    expect(withLinks.map((message) => message.subject).sort()).toEqual([...linkSubjects].sort());
    const tokens = linkTokens(withLinks);
    for (const message of withLinks) expect(message.html).toContain(message.links[0]);

    expect(leakedTokens(await dumpDatabase(t.deps.db), tokens)).toEqual([]);
    // Only the metadata of what was sent stays, for the audit.
    const rows = await t.deps.db.selectFrom('outbox_messages').selectAll().execute();
    expect(rows.length).toBeGreaterThanOrEqual(received.length);
    expect(rows.every((row) => row.sent_at !== null && row.body_sealed === null)).toBe(true);
    expect(rows.map((row) => row.template)).toEqual(expect.arrayContaining(['invitation', 'password-reset', 'email-change-confirmation']));
  });

  it('holds no link while the SMTP server is down, and delivers every email intact once it is back', async () => {
    const probe = await startTestSmtpServer();
    const port = probe.port;
    await probe.close();
    const t = await createTestApp({ LANYARD_SMTP_URL: `smtp://127.0.0.1:${port}` });
    cleanups.push(() => t.close());
    const admin = await signedInUser(t, { tenantName: 'Green Gables', username: 'marilla' });
    const agent = await signedInUser(t, { tenant: admin.tenant, username: 'anne', role: 'Agent' });

    await sendEveryLinkEmail(t, admin, agent);
    expect(await t.deps.mail.deliverDue()).toBe(0);
    const whileDown = await dumpDatabase(t.deps.db);
    const pending = await t.deps.db.selectFrom('outbox_messages').selectAll().where('sent_at', 'is', null).execute();
    expect(pending.length).toBeGreaterThanOrEqual(6);
    expect(pending.every((row) => row.body_sealed !== null && row.failed_at === null)).toBe(true);

    const smtp = await startTestSmtpServer({ port });
    cleanups.push(() => smtp.close());
    t.clock.advance(Math.max(retryPolicy.maxDelayMs, pausePolicy.firstPauseMs));
    while ((await t.deps.mail.deliverDue()) > 0);
    // The two invitations of the setup were queued (and their links used) while the server was down too.
    const withLinks = smtp.messages.filter((message) => linkSubjects.includes(message.subject));
    expect(withLinks.map((message) => message.subject).sort()).toEqual([...linkSubjects, linkSubjects[0], linkSubjects[0]].sort());
    const tokens = linkTokens(withLinks);
    expect(leakedTokens(whileDown, tokens)).toEqual([]);
    expect(leakedTokens(await dumpDatabase(t.deps.db), tokens)).toEqual([]);

    // Intact: each email arrived once, and its link works (the invitation sets a first password).
    expect(smtp.messages).toHaveLength(pending.length);
    const invitation = withLinks.find((message) => message.envelopeTo.includes('diana.barry@example.test'));
    expect(invitation?.html).toContain(`href="${invitation?.links[0]}"`);
    const accepted = await t.app.inject({
      method: 'POST',
      url: `/api/v1/invitations/${tokenFromLink(invitation?.links[0] ?? '')}/accept`,
      headers: { origin: t.config.publicUrl.origin },
      payload: { password: strongPassword },
    });
    expect(accepted.statusCode).toBe(204);
  });

  it('embedded mode: the .eml file is the delivery; the row then loses its body', async () => {
    const t = await createTestApp();
    cleanups.push(() => t.close());
    const admin = await signedInUser(t, { tenantName: 'Green Gables', username: 'marilla' });
    await invite(t, admin, 'diana.barry');
    const mailbox = await t.mailbox();
    const invitation = mailbox.find((email) => email.to === 'diana.barry@example.test');
    const token = tokenFromLink(invitation?.links[0] ?? '');
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(leakedTokens(await dumpDatabase(t.deps.db), [token])).toEqual([]);
    const rows = await t.deps.db.selectFrom('outbox_messages').selectAll().execute();
    expect(rows.every((row) => row.sent_at !== null && row.body_sealed === null)).toBe(true);
  });
});

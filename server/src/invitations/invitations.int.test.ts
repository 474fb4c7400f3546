import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HOUR, SECOND } from '../kernel/clock.ts';
import { acceptInvitation, login, roleNamed, tokenFromLink } from '../testing/journeys.ts';
import { createTestApp, strongPassword, testOrigin, type TestApp } from '../testing/test-app.ts';
import type { Tenant } from '../tenants/tenants.ts';

let t: TestApp;
let tenant: Tenant;
/** This test's invitee: every test has its own tenant and username on the file's one app. */
let username: string;
let tests = 0;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());
beforeEach(async () => {
  tests += 1;
  tenant = await t.deps.tenants.createTenant(`Acme Contact Center ${tests}`);
  username = `gilbert.blythe${tests}`;
});

/** The emails sent to this test's invitee, oldest first. */
async function inviteeMail() {
  return (await t.mailbox()).filter((email) => email.to.includes(`${username}@example.test`));
}

async function invite() {
  const agent = await roleNamed(t, tenant.id, 'Agent');
  return t.deps.invitations.inviteUser(tenant.id, {
    username,
    email: `${username}@example.test`,
    firstName: 'Gilbert',
    lastName: 'Blythe',
    roleId: agent.id,
  });
}

async function userRow(userId: string) {
  const user = await t.deps.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
  const credential = await t.deps.db.selectFrom('password_credentials').select('password_hash').where('user_id', '=', userId).executeTakeFirst();
  return { ...user, password_hash: credential?.password_hash ?? null };
}

const accept = (token: string, password: unknown) =>
  t.app.inject({ method: 'POST', url: `/api/v1/invitations/${token}/accept`, headers: { origin: testOrigin }, payload: { password } });

describe('invitations and first access', () => {
  it('emails the link, describes the invitation and activates the account once the password is set', async () => {
    const issued = await invite();
    const [email, ...more] = await inviteeMail();
    expect(more).toHaveLength(0);
    expect(email?.to).toContain(`${username}@example.test`);
    expect(email?.text).toContain(username);
    const link = email?.links.find((candidate) => candidate.includes('/first-access/'));
    expect(link).toBe(issued.url);
    expect(link?.startsWith(`${testOrigin}/first-access/`)).toBe(true);
    const token = tokenFromLink(link ?? '');

    const described = await t.app.inject({ method: 'GET', url: `/api/v1/invitations/${token}` });
    expect(described.statusCode).toBe(200);
    expect(described.json()).toMatchObject({
      username,
      email: `${username}@example.test`,
      tenant: { id: tenant.id, name: `Acme Contact Center ${tests}` },
      expiresAt: new Date(t.clock.now().getTime() + 24 * HOUR).toISOString(),
      passwordPolicy: { minLength: 12, requireUppercase: true },
    });
    expect(described.headers['cache-control']).toBe('no-store');

    expect((await userRow(issued.user.id)).status).toBe('invited');
    expect((await accept(token, strongPassword)).statusCode).toBe(204);
    const row = await userRow(issued.user.id);
    expect(row.status).toBe('active');
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(login(t, username)).resolves.toContain('lanyard_session=');
  });

  it('stores only a keyed hash of the token', async () => {
    const issued = await invite();
    const token = tokenFromLink(issued.url);
    const rows = await t.deps.db.selectFrom('single_use_links').selectAll().where('purpose', '=', 'invitation').where('user_id', '=', issued.user.id).execute();
    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0]?.token_hash ?? []).toString('utf8')).not.toContain(token);
    expect(Buffer.from(rows[0]?.token_hash ?? []).toString('base64url')).not.toBe(token);
  });

  it('refuses a password that breaks the policy, listing every failed rule, and changes nothing', async () => {
    const issued = await invite();
    const token = tokenFromLink(issued.url);
    const response = await accept(token, `${username}1`);
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('PASSWORD_POLICY_VIOLATED');
    expect(response.json().error.details.failedRules.sort()).toEqual(['notEmail', 'notUsername', 'uppercase']);
    const row = await userRow(issued.user.id);
    expect(row.status).toBe('invited');
    expect(row.password_hash).toBeNull();
    // The link still works after a refused attempt.
    expect((await accept(token, strongPassword)).statusCode).toBe(204);
  });

  it('expires the link after 24 hours: valid at 24 h - 1 s, gone at 24 h + 1 s', async () => {
    const issued = await invite();
    const token = tokenFromLink(issued.url);
    t.clock.advance(24 * HOUR - SECOND);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/invitations/${token}` })).statusCode).toBe(200);
    t.clock.advance(2 * SECOND);
    const described = await t.app.inject({ method: 'GET', url: `/api/v1/invitations/${token}` });
    expect(described.statusCode).toBe(410);
    expect(described.json().error.code).toBe('INVITATION_EXPIRED');
    const accepted = await accept(token, strongPassword);
    expect(accepted.statusCode).toBe(410);
    expect(accepted.json().error.code).toBe('INVITATION_EXPIRED');
    expect((await userRow(issued.user.id)).password_hash).toBeNull();
  });

  it('follows the tenant setting for the link lifetime', async () => {
    await t.deps.db
      .updateTable('tenants')
      .set({ settings: JSON.stringify({ invitationLifetimeHours: 2 }) })
      .where('id', '=', tenant.id)
      .execute();
    const issued = await invite();
    t.clock.advance(2 * HOUR + SECOND);
    const response = await accept(tokenFromLink(issued.url), strongPassword);
    expect(response.json().error.code).toBe('INVITATION_EXPIRED');
  });

  it('works once: a second use answers INVITATION_USED', async () => {
    const token = tokenFromLink((await invite()).url);
    await acceptInvitation(t, token);
    const again = await accept(token, 'Another-Strong-Passw0rd');
    expect(again.statusCode).toBe(410);
    expect(again.json().error.code).toBe('INVITATION_USED');
    const described = await t.app.inject({ method: 'GET', url: `/api/v1/invitations/${token}` });
    expect(described.json().error.code).toBe('INVITATION_USED');
    // The first password still signs in; the second never took effect.
    await expect(login(t, username)).resolves.toBeTruthy();
    await expect(login(t, username, 'Another-Strong-Passw0rd')).rejects.toThrow(/401/);
  });

  it('has exactly one winner when the same link is submitted in parallel', async () => {
    const token = tokenFromLink((await invite()).url);
    const passwords = Array.from({ length: 8 }, (_, index) => `Parallel-Password-${index}x`);
    const responses = await Promise.all(passwords.map((password) => accept(token, password)));
    const winners = responses.filter((response) => response.statusCode === 204);
    expect(winners).toHaveLength(1);
    for (const response of responses.filter((candidate) => candidate.statusCode !== 204)) {
      expect(response.statusCode).toBe(410);
      expect(response.json().error.code).toBe('INVITATION_USED');
    }
    const winnerPassword = passwords[responses.findIndex((response) => response.statusCode === 204)];
    await expect(login(t, username, winnerPassword)).resolves.toBeTruthy();
  });

  it('resending makes a new link and kills the old one', async () => {
    const issued = await invite();
    const oldToken = tokenFromLink(issued.url);
    const resent = await t.deps.invitations.resendInvitation(tenant.id, issued.user.id);
    const newToken = tokenFromLink(resent.url);
    expect(newToken).not.toBe(oldToken);

    const old = await accept(oldToken, strongPassword);
    expect(old.statusCode).toBe(410);
    expect(old.json().error.code).toBe('INVITATION_REVOKED');
    expect((await accept(newToken, strongPassword)).statusCode).toBe(204);

    const emails = await inviteeMail();
    expect(emails).toHaveLength(2);
    expect(emails[1]?.links).toContain(resent.url);
    await expect(t.deps.invitations.resendInvitation(tenant.id, issued.user.id)).rejects.toMatchObject({ code: 'INVITATION_NOT_PENDING' });
  });

  it('answers INVITATION_NOT_FOUND for an unknown token and VALIDATION_FAILED for a malformed one', async () => {
    const unknown = await t.app.inject({ method: 'GET', url: `/api/v1/invitations/${'A'.repeat(43)}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('INVITATION_NOT_FOUND');
    const malformed = await t.app.inject({ method: 'GET', url: '/api/v1/invitations/not%20a%20token' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses bad accept bodies with coded 4xx and leaves the account untouched', async () => {
    const issued = await invite();
    const token = tokenFromLink(issued.url);
    const cases: { payload: string; contentType?: string; code: string; status: number }[] = [
      { payload: JSON.stringify({ password: 12345678901234 }), code: 'VALIDATION_FAILED', status: 400 },
      { payload: JSON.stringify({ password: `${strongPassword}\u0000` }), code: 'VALIDATION_FAILED', status: 400 },
      { payload: JSON.stringify({ password: strongPassword, admin: true }), code: 'VALIDATION_FAILED', status: 400 },
      { payload: JSON.stringify({}), code: 'VALIDATION_FAILED', status: 400 },
      { payload: '{"password": ', code: 'MALFORMED_JSON', status: 400 },
      { payload: JSON.stringify({ password: 'x'.repeat(70_000) }), code: 'PAYLOAD_TOO_LARGE', status: 413 },
      { payload: JSON.stringify({ password: 'A'.repeat(1025) }), code: 'VALIDATION_FAILED', status: 400 },
      { payload: `password=${strongPassword}`, contentType: 'application/x-www-form-urlencoded', code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 },
      { payload: strongPassword, contentType: 'text/plain', code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 },
      { payload: '{"__proto__": {"x": 1}, "password": "Correct-Horse-42-battery"}', code: 'MALFORMED_JSON', status: 400 },
    ];
    for (const testCase of cases) {
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/v1/invitations/${token}/accept`,
        headers: { origin: testOrigin, 'content-type': testCase.contentType ?? 'application/json' },
        payload: testCase.payload,
      });
      expect({ status: response.statusCode, code: response.json().error.code }, testCase.payload.slice(0, 60)).toEqual({
        status: testCase.status,
        code: testCase.code,
      });
      expect(response.json().error.requestId).toBe(response.headers['x-request-id']);
    }
    const row = await userRow(issued.user.id);
    expect(row.status).toBe('invited');
    expect(row.password_hash).toBeNull();
    expect(await t.deps.db.selectFrom('single_use_links').select('used_at').where('user_id', '=', issued.user.id).executeTakeFirst()).toEqual({
      used_at: null,
    });
  });

  it('treats NFC and NFD spellings of a password as the same password', async () => {
    const token = tokenFromLink((await invite()).url);
    const nfc = 'Crème-Brûlée-Rocks-42';
    await acceptInvitation(t, token, nfc.normalize('NFC'));
    await expect(login(t, username, nfc.normalize('NFD'))).resolves.toBeTruthy();
  });
});

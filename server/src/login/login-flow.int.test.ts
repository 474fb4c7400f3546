import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { challengeFor, codeFor, enrolTotp, passwordStep, secondStep } from '../testing/mfa-journeys.ts';
import { startTestOidcProvider, type TestOidcProvider } from '../testing/oidc-test-provider.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

/**
 * @see issue 22 item 1 (ADR 0010): every sign-in method ends in login-flow, which checks the account and the membership once for all
 * of them and is the only writer of `auth.login.*` rows. One person who can sign in three ways — a password, single sign-on with a
 * linked identity, and the TOTP second step of a waiting challenge — has their membership disabled: each way is refused with its
 * method's answer, for the same audited reason, and no session opens. Effects are read from the sessions and audit_events tables.
 */

let t: TestApp;
let op: TestOidcProvider;
const callbackUri = 'http://lanyard.test/api/v1/auth/sso/callback';

beforeAll(async () => {
  t = await createTestApp();
  // The provider stamps its ID tokens with the real time; Lanyard judges them by its own clock, so the two start together.
  t.clock.set(new Date());
  op = await startTestOidcProvider({ redirectUris: [callbackUri] });
});

afterAll(async () => {
  await op.close();
  await t.close();
});

const flowCookieOf = (setCookie: string | string[] | undefined): string => {
  const cookies = Array.isArray(setCookie) ? setCookie : setCookie === undefined ? [] : [setCookie];
  const found = cookies.find((cookie) => cookie.startsWith('lanyard_sso='));
  if (found === undefined) throw new Error('no flow cookie');
  return found.split(';')[0] ?? '';
};

/** Start (with a username or an email), the provider signing in `subject`, the callback as an API client (JSON). */
async function ssoSignIn(typed: string, subject: string, email: string) {
  op.signInAs(subject, { email, email_verified: true });
  const started = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sso/start', headers: { origin: t.config.publicUrl.origin }, payload: { username: typed } });
  expect(started.statusCode, started.body).toBe(200);
  const back = await op.authorize(started.json<{ authorizationUrl: string }>().authorizationUrl);
  return t.app.inject({ method: 'GET', url: `${back.pathname}${back.search}`, headers: { accept: 'application/json', cookie: flowCookieOf(started.headers['set-cookie']) } });
}

const sessionCount = async (userId: string) => (await t.deps.db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute()).length;
const lastFailure = async (userId: string) =>
  (await t.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'auth.login.failed').where('target_id', '=', userId).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()).details;
const sessionCookieOf = (cookies: { name: string; value: string }[]) => cookies.find((cookie) => cookie.name === 'lanyard_session' && cookie.value !== '');

describe('one sign-in flow for every method', () => {
  let admin: SignedInUser;
  let anne: SignedInUser;
  let providerId: string;

  beforeAll(async () => {
    admin = await signedInUser(t, { tenantName: 'Green Gables', username: 'flow.admin' });
    anne = await signedInUser(t, { tenant: admin.tenant, username: 'anne.shirley', role: 'Agent' });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/identity-providers',
      headers: admin.headers,
      payload: { name: 'IdP', issuer: op.issuer, clientId: op.clientId, clientSecret: op.clientSecret, emailDomains: ['example.test'], autoLinkVerifiedEmail: true },
    });
    expect(created.statusCode, created.body).toBe(201);
    providerId = created.json<{ id: string }>().id;
    // Anne's first single sign-on links her identity (a verified email of her home tenant's domain, auto-link on) and signs her in.
    const linked = await ssoSignIn('anne.shirley', 'sub-anne', 'anne.shirley@example.test');
    expect(linked.statusCode, linked.body).toBe(200);
    expect(sessionCookieOf(linked.cookies)).toBeDefined();
  });

  it('signs the same person in by each method, each audited by login/ with its method', async () => {
    const byPassword = await passwordStep(t, 'anne.shirley');
    expect(byPassword.statusCode, byPassword.body).toBe(200);
    expect(sessionCookieOf(byPassword.cookies)).toBeDefined();
    const bySso = await ssoSignIn('anne.shirley@example.test', 'sub-anne', 'anne.shirley@example.test');
    expect(bySso.statusCode, bySso.body).toBe(200);
    const rows = await t.deps.db.selectFrom('audit_events').select(['details']).where('action', '=', 'auth.login.succeeded').where('target_id', '=', anne.userId).orderBy('id', 'desc').limit(2).execute();
    expect(rows.map((row) => row.details)).toEqual([
      { method: 'sso', providerId, issuer: op.issuer, subject: 'sub-anne', secondFactor: false },
      { method: 'password', passwordChangeRequired: false },
    ]);
  });

  it('refuses a disabled membership alike for a password, single sign-on and a waiting second step: the same reason, no session', async () => {
    const { secret, period } = await enrolTotp(t, anne);
    const challenge = await challengeFor(t, 'anne.shirley');
    await t.deps.db.updateTable('memberships').set({ disabled: true }).where('tenant_id', '=', admin.tenant.id).where('user_id', '=', anne.userId).execute();
    const sessionsBefore = await sessionCount(anne.userId);

    // The second step of the challenge issued before: the right code, and still no session.
    const code = await secondStep(t, challenge, codeFor(secret, t.clock.now(), period));
    expect(code.statusCode).toBe(401);
    expect(code.json().error.code).toBe('MFA_CHALLENGE_INVALID');
    expect(await lastFailure(anne.userId)).toEqual({ reason: 'membership-disabled', method: 'totp' });

    // The right password: the generic refusal, after the same work.
    const password = await passwordStep(t, 'anne.shirley');
    expect(password.statusCode).toBe(401);
    expect(password.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await lastFailure(anne.userId)).toMatchObject({ reason: 'membership-disabled' });

    // The linked identity, through the provider claiming the email's domain: SSO_FAILED, the reason in the audit log only.
    const sso = await ssoSignIn('someone@example.test', 'sub-anne', 'anne.shirley@example.test');
    expect(sso.statusCode).toBe(401);
    expect(sso.json().error.code).toBe('SSO_FAILED');
    expect(await lastFailure(anne.userId)).toEqual({ reason: 'membership-disabled', method: 'sso', providerId });

    expect(await sessionCount(anne.userId)).toBe(sessionsBefore);
    for (const response of [code, password, sso]) expect(sessionCookieOf(response.cookies)).toBeUndefined();
  });
});

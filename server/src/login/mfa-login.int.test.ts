import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleNamed, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { challengeFor, codeFor, enrolTotp, loginWithTotp, passwordStep, secondStep } from '../testing/mfa-journeys.ts';
import { createTestApp, strongPassword, testOrigin, type TestApp } from '../testing/test-app.ts';

/** SPEC §3.2, §3.4 and §4b: the second sign-in step — challenges, codes accepted once within ±1 step, lockout, recovery codes, forced enrolment. */
let t: TestApp;
let admin: SignedInUser;
let userCount = 0;

beforeAll(async () => {
  t = await createTestApp();
  admin = await signedInUser(t, { tenantName: 'MFA Login Tenant', username: 'login.admin' });
});
afterAll(async () => t.close());

/** A fresh agent with TOTP enrolled; its own tenant when the test changes tenant settings. */
async function enrolledAgent(options: { ownTenant?: boolean } = {}) {
  const username = `totp.agent${++userCount}`;
  const user = await signedInUser(t, options.ownTenant === true ? { tenantName: `Tenant ${username}`, username, role: 'Agent' } : { tenant: admin.tenant, username, role: 'Agent' });
  const enrolled = await enrolTotp(t, user);
  return { user, ...enrolled };
}

const me = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers });
const failedCount = async (userId: string) => (await t.deps.db.selectFrom('password_credentials').select('failed_login_count').where('user_id', '=', userId).executeTakeFirstOrThrow()).failed_login_count;
const auditActions = async (userId: string, action: string) =>
  t.deps.db.selectFrom('audit_events').select(['action', 'result', 'details']).where('target_id', '=', userId).where('action', '=', action).orderBy('id').execute();

describe('the password step', () => {
  it('answers a password-only user exactly as before', async () => {
    const response = await passwordStep(t, 'login.admin');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ mfaRequired: false, passwordChangeRequired: false, tenant: { id: admin.tenant.id, name: 'MFA Login Tenant' } });
    expect(response.cookies.map((cookie) => cookie.name).sort()).toEqual(['lanyard_session', 'lanyard_signed_in']);
  });

  it('answers a TOTP user a challenge and no cookie; the challenge is stored hashed and lives 5 minutes', async () => {
    const { user } = await enrolledAgent();
    const response = await passwordStep(t, user.username);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual({ mfaRequired: true, mfaEnrolmentRequired: false, challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(response.headers['set-cookie']).toBeUndefined();
    const links = await t.deps.db.selectFrom('single_use_links').selectAll().where('user_id', '=', user.userId).where('purpose', '=', 'mfa-challenge').execute();
    expect(links).toHaveLength(1);
    expect(JSON.stringify(links)).not.toContain(body.challenge);
    expect(Buffer.from(links[0]?.token_hash ?? []).toString('base64url')).not.toBe(body.challenge);
    expect(links[0]?.expires_at.getTime()).toBe(t.clock.now().getTime() + 5 * 60_000);
    // A right password followed by a second step adds nothing to the failure count.
    expect(await failedCount(user.userId)).toBe(0);
  });

  it('still refuses a wrong password with AUTH_INVALID_CREDENTIALS and no challenge', async () => {
    const { user } = await enrolledAgent();
    const response = await passwordStep(t, user.username, 'Wrong-Password-123');
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
  });
});

describe('the challenge is never a session', () => {
  it('is refused as a session cookie, as a bearer token and by every other route that takes a token', async () => {
    const { user, secret } = await enrolledAgent();
    const challenge = await challengeFor(t, user.username);
    const asCookie = { cookie: `lanyard_session=${challenge}`, origin: testOrigin };
    const meAsCookie = await me(asCookie);
    expect(meAsCookie.statusCode).toBe(401);
    expect(meAsCookie.json().error.code).toBe('AUTH_REQUIRED');
    const meAsBearer = await me({ authorization: `Bearer ${challenge}` });
    expect(meAsBearer.statusCode).toBe(401);
    expect(meAsBearer.json().error.code).toBe('TOKEN_INVALID');
    for (const [method, url, payload] of [
      ['GET', '/api/v1/me/mfa', undefined],
      ['GET', '/api/v1/me/sessions', undefined],
      ['POST', '/api/v1/me/mfa/totp/confirm', { code: '123456' }],
      ['GET', '/api/v1/me/access-keys', undefined],
    ] as const) {
      const response = await t.app.inject({ method, url, headers: asCookie, ...(payload === undefined ? {} : { payload }) });
      expect(response.statusCode, url).toBe(401);
    }
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/invitations/${challenge}` })).json().error.code).toBe('INVITATION_NOT_FOUND');
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/auth/password/reset/${challenge}` })).statusCode).toBe(404);
    const reset = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password/reset', headers: { origin: testOrigin }, payload: { token: challenge, newPassword: 'Another-Strong-Pass-77' } });
    expect(reset.json().error.code).toBe('RESET_LINK_NOT_FOUND');
    const introspect = await t.app.inject({ method: 'POST', url: '/oauth/introspect', payload: `token=${challenge}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(introspect.statusCode).toBe(401);
    // Still a good challenge afterwards: nothing above consumed it.
    expect((await secondStep(t, challenge, codeFor(secret, t.clock.now()))).statusCode).toBe(200);
  });

  it('is consumed by the sign-in it completes, and expires after 5 minutes', async () => {
    const { user, secret } = await enrolledAgent();
    const challenge = await challengeFor(t, user.username);
    const done = await secondStep(t, challenge, codeFor(secret, t.clock.now()));
    expect(done.statusCode).toBe(200);
    expect(done.json()).toEqual({ mfaRequired: false, passwordChangeRequired: false, tenant: { id: admin.tenant.id, name: 'MFA Login Tenant' } });
    const cookie = done.cookies.find((entry) => entry.name === 'lanyard_session');
    expect((await me({ cookie: `lanyard_session=${cookie?.value}` })).statusCode).toBe(200);
    t.clock.advance(30_000);
    const again = await secondStep(t, challenge, codeFor(secret, t.clock.now()));
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe('MFA_CHALLENGE_INVALID');

    const late = await challengeFor(t, user.username);
    t.clock.advance(5 * 60_000);
    const expired = await secondStep(t, late, codeFor(secret, t.clock.now()));
    expect(expired.json().error.code).toBe('MFA_CHALLENGE_INVALID');
    expect((await secondStep(t, 'A'.repeat(43), '123456')).json().error.code).toBe('MFA_CHALLENGE_INVALID');
  });

  it('keeps a challenge alive through a wrong code (each counted), so the person can type again', async () => {
    const { user, secret } = await enrolledAgent();
    const challenge = await challengeFor(t, user.username);
    const wrong = await secondStep(t, challenge, codeFor(secret, new Date(t.clock.now().getTime() + 10 * 60_000)));
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('MFA_CODE_INVALID');
    expect(await failedCount(user.userId)).toBe(1);
    expect((await secondStep(t, challenge, codeFor(secret, t.clock.now()))).statusCode).toBe(200);
    expect(await failedCount(user.userId)).toBe(0);
  });
});

describe('codes', () => {
  it('accepts t−1, t and t+1 and refuses t−2 and t+2 (injected clock)', async () => {
    const { user, secret } = await enrolledAgent();
    // The confirmation used the step before the current one: move on, so t−1 is a step never used.
    t.clock.advance(30_000);
    const at = (steps: number) => new Date(t.clock.now().getTime() + steps * 30_000);
    for (const refused of [-2, 2]) {
      const challenge = await challengeFor(t, user.username);
      expect((await secondStep(t, challenge, codeFor(secret, at(refused)))).json().error.code).toBe('MFA_CODE_INVALID');
    }
    for (const accepted of [-1, 0, 1]) {
      const challenge = await challengeFor(t, user.username);
      expect((await secondStep(t, challenge, codeFor(secret, at(accepted)))).statusCode).toBe(200);
    }
  });

  it('refuses a replayed code, audits and emails the replay', async () => {
    const { user, secret } = await enrolledAgent();
    const code = codeFor(secret, t.clock.now());
    expect((await secondStep(t, await challengeFor(t, user.username), code)).statusCode).toBe(200);
    const replay = await secondStep(t, await challengeFor(t, user.username), code);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('MFA_CODE_INVALID');
    expect(await auditActions(user.userId, 'mfa.replay.detected')).toHaveLength(1);
    const failures = await auditActions(user.userId, 'auth.login.failed');
    expect(failures.at(-1)?.details).toMatchObject({ reason: 'replayed-code', method: 'totp' });
    const mails = await t.deps.db.selectFrom('outbox_messages').select('template').where('recipient', '=', `${user.username}@example.test`).where('template', '=', 'mfa-replay-detected').execute();
    expect(mails).toHaveLength(1);
  });

  it('of 20 parallel submissions of one code (20 challenges) exactly one signs in', async () => {
    const { user, secret } = await enrolledAgent({ ownTenant: true });
    await t.deps.tenants.updateSettings(user.tenant.id, (settings) => ({ ...settings, lockout: { maxFailures: 100, lockMinutes: 30 } }));
    const challenges: string[] = [];
    for (let index = 0; index < 20; index++) challenges.push(await challengeFor(t, user.username));
    const code = codeFor(secret, t.clock.now());
    const answers = await Promise.all(challenges.map((challenge) => secondStep(t, challenge, code)));
    expect(answers.filter((answer) => answer.statusCode === 200)).toHaveLength(1);
    const refused = answers.filter((answer) => answer.statusCode !== 200);
    expect(refused).toHaveLength(19);
    for (const answer of refused) expect(answer.json().error.code).toBe('MFA_CODE_INVALID');
    const sessions = await t.deps.db.selectFrom('sessions').select('id').where('user_id', '=', user.userId).execute();
    // The session of the setup, and the one sign-in that won.
    expect(sessions).toHaveLength(2);
  });

  it('of 20 parallel submissions of one challenge and code exactly one signs in', async () => {
    const { user, secret } = await enrolledAgent({ ownTenant: true });
    await t.deps.tenants.updateSettings(user.tenant.id, (settings) => ({ ...settings, lockout: { maxFailures: 100, lockMinutes: 30 } }));
    const challenge = await challengeFor(t, user.username);
    const code = codeFor(secret, t.clock.now());
    const answers = await Promise.all(Array.from({ length: 20 }, () => secondStep(t, challenge, code)));
    expect(answers.filter((answer) => answer.statusCode === 200)).toHaveLength(1);
    for (const answer of answers.filter((entry) => entry.statusCode !== 200)) expect(['MFA_CODE_INVALID', 'MFA_CHALLENGE_INVALID']).toContain(answer.json().error.code);
  });

  it('counts wrong and missing codes toward the lockout: 6 lock the account for 30 minutes, the right code is then refused', async () => {
    const { user, secret } = await enrolledAgent();
    const challenge = await challengeFor(t, user.username);
    const missing = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login/mfa', headers: { origin: testOrigin }, payload: { challenge } });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error.code).toBe('MFA_CODE_INVALID');
    expect(await failedCount(user.userId)).toBe(1);
    for (let attempt = 2; attempt <= 6; attempt++) {
      const wrong = await secondStep(t, challenge, String(100000 + attempt));
      expect(wrong.json().error.code).toBe('MFA_CODE_INVALID');
    }
    const locked = await secondStep(t, challenge, codeFor(secret, t.clock.now()));
    expect(locked.statusCode).toBe(403);
    expect(locked.json().error.code).toBe('ACCOUNT_LOCKED');
    expect(await auditActions(user.userId, 'auth.lockout')).toHaveLength(1);
    // Starting again with the password buys no new guesses: the account is locked for the password too.
    expect((await passwordStep(t, user.username)).json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
    t.clock.advance(30 * 60_000);
    expect(await loginWithTotp(t, user.username, secret)).toMatch(/^lanyard_session=/);
  });

  it('refuses a body without a challenge as VALIDATION_FAILED', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login/mfa', headers: { origin: testOrigin }, payload: { code: '123456' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
  });
});

describe('recovery codes at sign-in', () => {
  it('work once in place of a code; their use is audited and emailed', async () => {
    const { user, recoveryCodes } = await enrolledAgent();
    const [code] = recoveryCodes;
    if (code === undefined) throw new Error('no recovery code');
    const used = await secondStep(t, await challengeFor(t, user.username), code.toUpperCase());
    expect(used.statusCode).toBe(200);
    expect(await auditActions(user.userId, 'mfa.recoveryCode.used')).toHaveLength(1);
    const again = await secondStep(t, await challengeFor(t, user.username), code);
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe('MFA_CODE_INVALID');
    const cookie = used.cookies.find((entry) => entry.name === 'lanyard_session');
    const status = await t.app.inject({ method: 'GET', url: '/api/v1/me/mfa', headers: { cookie: `lanyard_session=${cookie?.value}` } });
    expect(status.json().recoveryCodesRemaining).toBe(9);
    const queued = await t.deps.db.selectFrom('outbox_messages').select('template').where('recipient', '=', `${user.username}@example.test`).where('template', '=', 'mfa-recovery-code-used').execute();
    expect(queued).toHaveLength(1);
    const mails = (await t.mailbox()).filter((mail) => mail.to === `${user.username}@example.test` && mail.subject === 'A recovery code was used to sign in to your Lanyard account');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain('9 recovery codes left');
    for (const recoveryCode of recoveryCodes) expect(mails[0]?.text).not.toContain(recoveryCode);
  });

  it('stop working once new ones are made', async () => {
    const { user, recoveryCodes } = await enrolledAgent();
    const renewed = await t.app.inject({ method: 'POST', url: '/api/v1/me/mfa/recovery-codes', headers: user.headers, payload: { currentPassword: strongPassword } });
    expect(renewed.statusCode).toBe(200);
    expect((await secondStep(t, await challengeFor(t, user.username), recoveryCodes[0] ?? '')).json().error.code).toBe('MFA_CODE_INVALID');
    expect((await secondStep(t, await challengeFor(t, user.username), renewed.json().recoveryCodes[0])).statusCode).toBe(200);
  });
});

describe('enrolment the policy requires', () => {
  it('sends a user whose role requires MFA through enrolment before anything else', async () => {
    const tenant = await t.deps.tenants.createTenant('Forced MFA Tenant');
    const tenantAdmin = await signedInUser(t, { tenant, username: 'forced.admin' });
    const user = await signedInUser(t, { tenant, username: 'forced.agent', role: 'Agent' });
    const agentRole = await roleNamed(t, tenant.id, 'Agent');
    const policy = await t.app.inject({ method: 'PUT', url: '/api/v1/admin/security/mfa-policy', headers: tenantAdmin.headers, payload: { mode: 'required', requiredRoleIds: [agentRole.id], allowedPeriods: [30, 60] } });
    expect(policy.statusCode).toBe(200);

    const response = await passwordStep(t, user.username);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual({ mfaRequired: true, mfaEnrolmentRequired: true, challenge: expect.any(String), allowedPeriods: [30, 60] });
    expect(response.headers['set-cookie']).toBeUndefined();
    const { challenge } = body;
    // Not a session, not yet a second step.
    expect((await me({ cookie: `lanyard_session=${challenge}` })).statusCode).toBe(401);
    expect((await secondStep(t, challenge, '123456')).json().error.code).toBe('MFA_CODE_INVALID');

    const badSecret = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login/mfa/enrolment', headers: { origin: testOrigin }, payload: { challenge, secret: 'TOO-SHORT' } });
    expect(badSecret.json().error.code).toBe('MFA_SECRET_INVALID');
    const enrolment = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login/mfa/enrolment', headers: { origin: testOrigin }, payload: { challenge, secret: 'jbsw y3dp ehpk 3pxp', period: 60 } });
    expect(enrolment.statusCode).toBe(200);
    expect(enrolment.json()).toMatchObject({ secret: 'JBSWY3DPEHPK3PXP', period: 60, qrSvg: expect.stringContaining('<svg') });
    expect(enrolment.headers['set-cookie']).toBeUndefined();

    const done = await secondStep(t, challenge, codeFor('JBSWY3DPEHPK3PXP', t.clock.now(), 60));
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ mfaRequired: false, tenant: { id: tenant.id }, recoveryCodes: expect.any(Array) });
    expect(done.json().recoveryCodes).toHaveLength(10);
    const cookie = done.cookies.find((entry) => entry.name === 'lanyard_session');
    const headers = { cookie: `lanyard_session=${cookie?.value}`, origin: testOrigin };
    expect((await me(headers)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me/mfa', headers })).json()).toMatchObject({ totp: { enabled: true, period: 60 }, required: true, recoveryCodesRemaining: 10 });
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/me/mfa/totp', headers, payload: { currentPassword: strongPassword } })).json().error.code).toBe('MFA_REQUIRED_BY_POLICY');
    // The enrolment challenge was used up; the next sign-in asks for a code.
    const reuse = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login/mfa/enrolment', headers: { origin: testOrigin }, payload: { challenge } });
    expect(reuse.json().error.code).toBe('MFA_CHALLENGE_INVALID');
    t.clock.advance(60_000);
    expect((await passwordStep(t, user.username)).json()).toMatchObject({ mfaRequired: true, mfaEnrolmentRequired: false });
  });

  it('never lets a challenge of an enrolled user replace the factor', async () => {
    const { user } = await enrolledAgent();
    const challenge = await challengeFor(t, user.username);
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login/mfa/enrolment', headers: { origin: testOrigin }, payload: { challenge } });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('MFA_CHALLENGE_INVALID');
  });
});

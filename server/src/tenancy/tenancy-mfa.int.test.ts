import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinTenant, roleNamed, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { challengeFor, codeFor, enrolTotp, secondStep } from '../testing/mfa-journeys.ts';
import { createTestApp, testOrigin, type TestApp } from '../testing/test-app.ts';

/**
 * Issue 15: switching the session into a tenant whose MFA policy requires a factor of the person's role there. Without one, the
 * switch is refused with a forced-enrolment challenge (the sign-in's), whose completion opens a session in that tenant and ends
 * the old one; with one, or where the policy asks nothing, the switch goes through as before.
 */
let t: TestApp;
let adminA: SignedInUser;
let adminB: SignedInUser;
let adminC: SignedInUser;
let adminOff: SignedInUser;
let people = 0;

type Method = 'GET' | 'POST' | 'PUT';
const request = (headers: Record<string, string>, method: Method, url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
const headersOf = (cookie: string) => ({ cookie, origin: testOrigin });
const stored = async (userId: string) => ({
  sessions: await t.deps.db.selectFrom('sessions').select(['id', 'tenant_id', 'absolute_expires_at', 'idle_timeout_seconds']).where('user_id', '=', userId).orderBy('id').execute(),
  totp: await t.deps.db.selectFrom('mfa_totp').select(['user_id', 'confirmed_at']).where('user_id', '=', userId).execute(),
  memberships: await t.deps.db.selectFrom('memberships').select(['tenant_id', 'role_id']).where('user_id', '=', userId).orderBy('tenant_id').execute(),
});
const switchTo = (who: { headers: Record<string, string> }, tenantId: string) => request(who.headers, 'POST', '/api/v1/me/tenant', { tenantId });
const startEnrolment = (challenge: string, body: Record<string, unknown> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login/mfa/enrolment', headers: { origin: testOrigin }, payload: { challenge, ...body } });

/** A fresh person signed in to A (Agent), also an Agent in B and C (both require MFA of agents) and in the tenant whose policy is off. */
async function person(): Promise<SignedInUser> {
  const user = await signedInUser(t, { tenant: adminA.tenant, username: `switch.person${++people}`, role: 'Agent' });
  await joinTenant(t, adminB, user, 'Agent');
  await joinTenant(t, adminC, user, 'Agent');
  await joinTenant(t, adminOff, user, 'Agent');
  return user;
}

/** The refused switch's challenge, asserting the refusal. */
async function challengeOfSwitch(user: SignedInUser, tenantId: string): Promise<{ challenge: string; allowedPeriods: number[] }> {
  const refused = await switchTo(user, tenantId);
  expect(refused.statusCode, refused.body).toBe(403);
  expect(refused.json().error.code).toBe('MFA_ENROLLMENT_REQUIRED');
  return refused.json().error.details;
}

/** Enrols with the challenge (a typed secret) and answers the second step with a code computed from it. */
async function completeEnrolment(challenge: string) {
  const secret = 'JBSWY3DPEHPK3PXP';
  const enrolment = await startEnrolment(challenge, { secret });
  expect(enrolment.statusCode, enrolment.body).toBe(200);
  const done = await secondStep(t, challenge, codeFor(secret, t.clock.now()));
  t.clock.advance(30_000);
  return done;
}

const sessionCookieOf = (response: { cookies: { name: string; value: string }[] }) => {
  const cookie = response.cookies.find((entry) => entry.name === 'lanyard_session');
  if (cookie === undefined) throw new Error('no session cookie');
  return `${cookie.name}=${cookie.value}`;
};

beforeAll(async () => {
  t = await createTestApp();
  adminA = await signedInUser(t, { tenantName: 'Switch MFA A', username: 'switch.admin.a' });
  adminB = await signedInUser(t, { tenantName: 'Switch MFA B', username: 'switch.admin.b' });
  adminC = await signedInUser(t, { tenantName: 'Switch MFA C', username: 'switch.admin.c' });
  adminOff = await signedInUser(t, { tenantName: 'Switch MFA Off', username: 'switch.admin.off' });
  for (const [admin, allowedPeriods] of [
    [adminB, [30, 60]],
    [adminC, [30]],
  ] as const) {
    const agentRole = await roleNamed(t, admin.tenant.id, 'Agent');
    const policy = await request(admin.headers, 'PUT', '/api/v1/admin/security/mfa-policy', { mode: 'required', requiredRoleIds: [agentRole.id], allowedPeriods });
    expect(policy.statusCode, policy.body).toBe(200);
  }
  const off = await request(adminOff.headers, 'PUT', '/api/v1/admin/security/mfa-policy', { mode: 'off', requiredRoleIds: [], allowedPeriods: [30] });
  expect(off.statusCode, off.body).toBe(200);
});
afterAll(async () => t.close());

describe('switching into a tenant that requires MFA, without a factor', () => {
  it('is refused with 403 MFA_ENROLLMENT_REQUIRED and a forced-enrolment challenge; the session stays in A; audited', async () => {
    const user = await person();
    const before = await stored(user.userId);
    const refused = await switchTo(user, adminB.tenant.id);
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['cache-control']).toBe('no-store');
    expect(refused.headers['set-cookie']).toBeUndefined();
    const { error } = refused.json();
    expect(error.code).toBe('MFA_ENROLLMENT_REQUIRED');
    expect(error.details).toEqual({ challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), allowedPeriods: [30, 60] });
    // The session is unchanged and still acts in A.
    expect(await stored(user.userId)).toEqual(before);
    const me = (await request(user.headers, 'GET', '/api/v1/me')).json();
    expect(me.tenant.id).toBe(adminA.tenant.id);
    expect((await request(user.headers, 'GET', '/api/v1/me/tenants')).json().items.find((item: { current: boolean }) => item.current).id).toBe(adminA.tenant.id);
    // The challenge is the sign-in's kind, for B, stored hashed, living 5 minutes.
    const links = await t.deps.db.selectFrom('single_use_links').selectAll().where('user_id', '=', user.userId).where('purpose', '=', 'mfa-enrolment').execute();
    expect(links).toHaveLength(1);
    expect(links[0]?.tenant_id).toBe(adminB.tenant.id);
    expect(JSON.stringify(links)).not.toContain(error.details.challenge);
    expect(links[0]?.expires_at.getTime()).toBe(t.clock.now().getTime() + 5 * 60_000);
    const event = (await t.deps.audit.list(adminB.tenant.id, { limit: 100 })).find((entry) => entry.action === 'session.tenant.switched' && entry.actorUserId === user.userId);
    expect(event).toMatchObject({ result: 'failure', targetType: 'session', details: { fromTenantId: adminA.tenant.id, reason: 'mfa-enrolment-required' } });
    expect(JSON.stringify(event)).not.toContain(error.details.challenge);
  });

  it('completing the challenge with a code from otpauth gives a session in B with B’s role, and the A session ends', async () => {
    const user = await person();
    const { challenge } = await challengeOfSwitch(user, adminB.tenant.id);
    const oldSession = (await stored(user.userId)).sessions;
    expect(oldSession).toHaveLength(1);
    // A wrong code leaves both the challenge and the A session alive.
    const wrong = await secondStep(t, challenge, '000000');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('MFA_CODE_INVALID');
    expect((await request(user.headers, 'GET', '/api/v1/me')).json().tenant.id).toBe(adminA.tenant.id);

    const done = await completeEnrolment(challenge);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ mfaRequired: false, tenant: { id: adminB.tenant.id, name: 'Switch MFA B' } });
    expect(done.json().recoveryCodes).toHaveLength(10);
    const inB = headersOf(sessionCookieOf(done));
    const me = (await request(inB, 'GET', '/api/v1/me')).json();
    expect(me.tenant.id).toBe(adminB.tenant.id);
    expect(me.role.id).toBe((await roleNamed(t, adminB.tenant.id, 'Agent')).id);
    expect((await request(inB, 'GET', '/api/v1/me/mfa')).json()).toMatchObject({ totp: { enabled: true }, required: true });

    // The old cookie is refused: the A session ended in the transaction that opened the B one.
    const oldCookie = await request(user.headers, 'GET', '/api/v1/me');
    expect(oldCookie.statusCode).toBe(401);
    expect(oldCookie.json().error.code).toBe('AUTH_REQUIRED');
    const after = await stored(user.userId);
    expect(after.sessions).toHaveLength(1);
    expect(after.sessions[0]?.tenant_id).toBe(adminB.tenant.id);
    expect(after.sessions[0]?.id).not.toBe(oldSession[0]?.id);

    const events = await t.deps.audit.list(adminB.tenant.id, { limit: 100 });
    const mine = events.filter((entry) => entry.actorUserId === user.userId);
    expect(mine.find((entry) => entry.action === 'session.tenant.switched' && entry.result === 'success')).toMatchObject({
      targetId: after.sessions[0]?.id,
      details: { fromTenantId: adminA.tenant.id, replacedSessionId: oldSession[0]?.id, enrolled: true },
    });
    expect(mine.find((entry) => entry.action === 'auth.login.succeeded')).toMatchObject({ details: { method: 'session+totp', enrolled: true } });
    expect(mine.find((entry) => entry.action === 'mfa.enabled')).toBeDefined();
  });

  it('the challenge is single use', async () => {
    const user = await person();
    const { challenge } = await challengeOfSwitch(user, adminB.tenant.id);
    const done = await completeEnrolment(challenge);
    expect(done.statusCode).toBe(200);
    const before = await stored(user.userId);
    const again = await secondStep(t, challenge, codeFor('JBSWY3DPEHPK3PXP', t.clock.now()));
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe('MFA_CHALLENGE_INVALID');
    expect(again.headers['set-cookie']).toBeUndefined();
    const enrolAgain = await startEnrolment(challenge);
    expect(enrolAgain.json().error.code).toBe('MFA_CHALLENGE_INVALID');
    expect(await stored(user.userId)).toEqual(before);
  });

  it('dies with the session it replaces: signed out first, the challenge opens nothing', async () => {
    const user = await person();
    const { challenge } = await challengeOfSwitch(user, adminB.tenant.id);
    expect((await startEnrolment(challenge, { secret: 'JBSWY3DPEHPK3PXP' })).statusCode).toBe(200);
    expect((await request(user.headers, 'POST', '/api/v1/auth/logout')).statusCode).toBe(204);
    const refused = await secondStep(t, challenge, codeFor('JBSWY3DPEHPK3PXP', t.clock.now()));
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('MFA_CHALLENGE_INVALID');
    expect(refused.headers['set-cookie']).toBeUndefined();
    const after = await stored(user.userId);
    expect(after.sessions).toEqual([]);
    // Nothing was enrolled: the transaction rolled back.
    expect(after.totp.map((row) => row.confirmed_at)).toEqual([null]);
    const failure = (await t.deps.audit.list(adminB.tenant.id, { limit: 100 })).find((entry) => entry.action === 'auth.login.failed' && entry.actorUserId === user.userId);
    expect(failure?.details).toMatchObject({ reason: 'replaced-session-ended' });
  });

  it('keeps tenants apart: a challenge of B opens a session in B only, and the one of C dies with the replaced session', async () => {
    const user = await person();
    const forB = await challengeOfSwitch(user, adminB.tenant.id);
    const forC = await challengeOfSwitch(user, adminC.tenant.id);
    expect(forC.allowedPeriods).toEqual([30]);
    expect(forC.challenge).not.toBe(forB.challenge);
    const done = await completeEnrolment(forB.challenge);
    expect(done.statusCode).toBe(200);
    expect(done.json().tenant.id).toBe(adminB.tenant.id);
    const inB = headersOf(sessionCookieOf(done));
    expect((await request(inB, 'GET', '/api/v1/me')).json().tenant.id).toBe(adminB.tenant.id);
    // C's challenge replaced the same A session, which has ended: it opens nothing in C.
    const before = await stored(user.userId);
    const withC = await secondStep(t, forC.challenge, codeFor('JBSWY3DPEHPK3PXP', t.clock.now()));
    expect(withC.json().error.code).toBe('MFA_CHALLENGE_INVALID');
    expect(await stored(user.userId)).toEqual(before);
    // (Accepting C's invitation is the person's one success there.)
    expect((await t.deps.audit.list(adminC.tenant.id, { limit: 100 })).filter((entry) => entry.actorUserId === user.userId && entry.result === 'success' && entry.action !== 'user.membership.added')).toEqual([]);
    // The B session acts in B: C's administration is not reachable with it, and switching on to C (now enrolled) is the ordinary switch.
    expect((await request(inB, 'GET', '/api/v1/me/tenants')).json().items.find((item: { current: boolean }) => item.current).id).toBe(adminB.tenant.id);
    const toC = await switchTo({ headers: inB }, adminC.tenant.id);
    expect(toC.statusCode, toC.body).toBe(200);
    expect((await request(inB, 'GET', '/api/v1/me')).json().tenant.id).toBe(adminC.tenant.id);
  });
});

describe('switches that need no enrolment', () => {
  it('a person with TOTP: a session opened with the code switches directly; one opened before enrolling gives a code first', async () => {
    const user = await person();
    const enrolled = await enrolTotp(t, user);
    // Their password sign-in in A (policy optional) asks the code: secondStepFor answers "totp" for every active factor, and the
    // session opened by the code carries it.
    const challenge = await challengeFor(t, user.username);
    const signedIn = await secondStep(t, challenge, codeFor(enrolled.secret, t.clock.now(), enrolled.period));
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    t.clock.advance(enrolled.period * 1000);
    const withCode = { headers: headersOf(sessionCookieOf(signedIn)) };
    const switched = await switchTo(withCode, adminB.tenant.id);
    expect(switched.statusCode, switched.body).toBe(200);
    expect((await request(withCode.headers, 'GET', '/api/v1/me')).json().tenant.id).toBe(adminB.tenant.id);

    // The session opened before they enrolled never gave a code: B (which requires one of agents) asks it first.
    const before = await stored(user.userId);
    const refused = await switchTo(user, adminB.tenant.id);
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.headers['cache-control']).toBe('no-store');
    const { error } = refused.json();
    expect(error.code).toBe('MFA_CODE_REQUIRED');
    expect(error.details).toEqual({ challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(await stored(user.userId)).toEqual(before);
    expect((await request(user.headers, 'GET', '/api/v1/me')).json().tenant.id).toBe(adminA.tenant.id);
    const event = (await t.deps.audit.list(adminB.tenant.id, { limit: 100 })).find((entry) => entry.actorUserId === user.userId && entry.result === 'failure');
    expect(event).toMatchObject({ action: 'session.tenant.switched', details: { reason: 'mfa-code-required' } });
    // A wrong code opens nothing; the right one opens a session in B and ends the one it replaces.
    expect((await secondStep(t, error.details.challenge, '000000')).statusCode).toBe(401);
    const done = await secondStep(t, error.details.challenge, codeFor(enrolled.secret, t.clock.now(), enrolled.period));
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().recoveryCodes).toBeUndefined();
    expect((await request(headersOf(sessionCookieOf(done)), 'GET', '/api/v1/me')).json().tenant.id).toBe(adminB.tenant.id);
    expect((await request(user.headers, 'GET', '/api/v1/me')).json().error.code).toBe('AUTH_REQUIRED');
    // Where nothing is required (the tenant whose policy is off), such a session switches directly.
    const again = await signedInUser(t, { tenant: adminA.tenant, username: `switch.late${++people}`, role: 'Agent' });
    await joinTenant(t, adminOff, again, 'Agent');
    await enrolTotp(t, again);
    expect((await switchTo(again, adminOff.tenant.id)).statusCode).toBe(200);
  });

  it('a tenant whose policy is off, or one that requires MFA of other roles, switches directly', async () => {
    const user = await person();
    const toOff = await switchTo(user, adminOff.tenant.id);
    expect(toOff.statusCode, toOff.body).toBe(200);
    expect((await request(user.headers, 'GET', '/api/v1/me')).json().tenant.id).toBe(adminOff.tenant.id);
    // Back to A, then into C as a Supervisor (C requires MFA of agents only).
    expect((await switchTo(user, adminA.tenant.id)).statusCode).toBe(200);
    const other = await signedInUser(t, { tenant: adminA.tenant, username: `switch.supervisor${++people}`, role: 'Agent' });
    await joinTenant(t, adminC, other, 'Supervisor');
    const toC = await switchTo(other, adminC.tenant.id);
    expect(toC.statusCode, toC.body).toBe(200);
    expect((await request(other.headers, 'GET', '/api/v1/me')).json().role.name).toBe('Supervisor');
    expect(await t.deps.db.selectFrom('single_use_links').select('id').where('user_id', 'in', [user.userId, other.userId]).where('purpose', '=', 'mfa-enrolment').execute()).toEqual([]);
  });

});

import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE, SECOND } from '../kernel/clock.ts';
import { login, signedInUser, tokenFromLink, type SignedInUser } from '../testing/journeys.ts';
import { passwordTestbed } from '../testing/password-testbed.ts';
import { strongPassword, testOrigin, type TestApp } from '../testing/test-app.ts';
import { maxSelfServiceResetsPerHour } from './recovery-service.ts';

/** A forgotten password: the reset link asked for or sent by an administrator, and used once. */
let t: TestApp;
let admin: SignedInUser;
const { nextNumber, freshAgent, loginAttempt, emailsTo } = passwordTestbed((ready) => ({ t, admin } = ready));

const auditActions = async (userId: string, action: string) =>
  t.deps.db.selectFrom('audit_events').select(['result', 'details']).where('target_id', '=', userId).where('action', '=', action).orderBy('id').execute();

describe('forgotten password', () => {
  it('answers the same for an unknown user, sends nothing, and emails a working, single-use link to a real one', async () => {
    const agent = await freshAgent('forgot');
    const before = await t.mailbox();
    const forgot = (username: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/password/forgot', headers: { origin: testOrigin }, payload: { username } });
    const unknown = await forgot('no.such.person');
    const known = await forgot(agent.username);
    expect(unknown.statusCode).toBe(202);
    expect(known.statusCode).toBe(202);
    expect(unknown.body).toBe(known.body);
    expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(known.headers).sort());

    const after = await t.mailbox();
    expect(after.length - before.length).toBe(1);
    const email = after.at(-1);
    expect(email?.to).toContain(`${agent.username}@example.test`);
    const link = email?.links.find((candidate) => candidate.includes('/reset-password/')) ?? '';
    expect(link.startsWith(`${testOrigin}/reset-password/`)).toBe(true);
    const token = tokenFromLink(link);

    const described = await t.app.inject({ method: 'GET', url: `/api/v1/auth/password/reset/${token}` });
    expect(described.json()).toMatchObject({ username: agent.username, passwordPolicy: { minLength: 12 } });
    const reset = (newPassword: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/password/reset', headers: { origin: testOrigin }, payload: { token, newPassword } });
    expect((await reset('Password1234')).json().error.details.failedRules).toEqual(['notCommon']);
    expect((await reset(strongPassword)).json().error.details.failedRules).toEqual(['notReused']);
    expect((await reset('Reset-Passw0rd-Ok')).statusCode).toBe(204);
    expect((await reset('Reset-Passw0rd-Again')).json().error.code).toBe('RESET_LINK_USED');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: agent.cookie } })).json().error.code).toBe('AUTH_REQUIRED');
    await expect(login(t, agent.username, 'Reset-Passw0rd-Ok')).resolves.toBeTruthy();
  });

  it('has exactly one winner when a reset link is submitted 20 times in parallel', async () => {
    const agent = await freshAgent('forgot');
    await t.deps.recovery.requestReset(agent.username, { ip: undefined, userAgent: undefined });
    const link = (await emailsTo(`${agent.username}@example.test`)).at(-1)?.links.find((candidate) => candidate.includes('/reset-password/')) ?? '';
    const token = tokenFromLink(link);
    const passwords = Array.from({ length: 20 }, (_, index) => `Parallel-Reset-${index}x`);
    const responses = await Promise.all(
      passwords.map((newPassword) => t.app.inject({ method: 'POST', url: '/api/v1/auth/password/reset', headers: { origin: testOrigin }, payload: { token, newPassword } })),
    );
    const winners = responses.filter((response) => response.statusCode === 204);
    expect(winners).toHaveLength(1);
    for (const loser of responses.filter((response) => response.statusCode !== 204)) expect(loser.json().error.code).toBe('RESET_LINK_USED');
    const winner = passwords[responses.findIndex((response) => response.statusCode === 204)];
    await expect(login(t, agent.username, winner)).resolves.toBeTruthy();
  });

  it('expires after 60 minutes, and a newer link retires the older one', async () => {
    const agent = await freshAgent('forgot');
    const linkFor = async () => {
      await t.deps.recovery.requestReset(agent.username, { ip: undefined, userAgent: undefined });
      return tokenFromLink((await emailsTo(`${agent.username}@example.test`)).at(-1)?.links.find((candidate) => candidate.includes('/reset-password/')) ?? '');
    };
    const first = await linkFor();
    const second = await linkFor();
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/auth/password/reset/${first}` })).json().error.code).toBe('RESET_LINK_USED');
    t.clock.advance(60 * MINUTE + SECOND);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/auth/password/reset/${second}` })).json().error.code).toBe('RESET_LINK_EXPIRED');
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/auth/password/reset/${'Q'.repeat(43)}` })).json().error.code).toBe('RESET_LINK_NOT_FOUND');
  });

  it('works while the account is locked, and lifts the lock', async () => {
    const agent = await freshAgent('forgot');
    for (let attempt = 1; attempt <= 6; attempt += 1) await loginAttempt(agent.username, 'Wrong-Password-1');
    expect((await loginAttempt(agent.username, strongPassword)).statusCode).toBe(401);
    const sent = await t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${agent.userId}/password-reset`, headers: admin.headers });
    expect(sent.statusCode).toBe(202);
    const token = tokenFromLink((await emailsTo(`${agent.username}@example.test`)).at(-1)?.links.find((candidate) => candidate.includes('/reset-password/')) ?? '');
    const reset = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password/reset', headers: { origin: testOrigin }, payload: { token, newPassword: 'After-Lockout-Passw0rd' } });
    expect(reset.statusCode).toBe(204);
    expect((await loginAttempt(agent.username, 'After-Lockout-Passw0rd')).statusCode).toBe(200);
  });

  it("does not let an administrator reset or unlock another tenant's user", async () => {
    const other = await signedInUser(t, { tenantName: 'Other Password Tenant', username: `other.${nextNumber()}`, role: 'Agent' });
    for (const action of ['password-reset', 'unlock']) {
      const response = await t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${other.userId}/${action}`, headers: admin.headers });
      expect(response.statusCode, action).toBe(404);
      expect(response.json().error.code).toBe('USER_NOT_FOUND');
    }
    const events = await t.app.inject({ method: 'GET', url: `/api/v1/admin/audit-events?userId=${other.userId}`, headers: admin.headers });
    expect(events.json().items).toEqual([]);
  });
});

describe('forgotten password', () => {
  const forgot = (username: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/password/forgot', headers: { origin: testOrigin }, payload: { username } });

  /** Statements and hashes an instance spent between a request and its answer. */
  async function workOf(username: string) {
    await t.deps.recovery.resetRequestsIdle();
    const statements = t.deps.statementCount();
    const { hashes, verifications } = t.deps.hasherStats();
    const response = await forgot(username);
    const work = { statements: t.deps.statementCount() - statements, hashes: t.deps.hasherStats().hashes - hashes, verifications: t.deps.hasherStats().verifications - verifications };
    await t.deps.recovery.resetRequestsIdle();
    return { response, work };
  }

  it('does the same work before answering, whether or not the account exists', async () => {
    const agent = await freshAgent('forgot');
    const unknown = await workOf('no.such.person');
    const known = await workOf(agent.username);
    expect(known.work).toEqual(unknown.work);
    expect(known.response.statusCode).toBe(202);
    expect(known.response.body).toBe(unknown.response.body);
    // …and the real account did get its link, after the answer.
    const emails = await t.mailbox();
    expect(emails.filter((email) => email.to.includes(`${agent.username}@example.test`) && email.subject.includes('Reset'))).toHaveLength(1);
  });

  it(`sends at most ${maxSelfServiceResetsPerHour} reset emails per account an hour, with the same answer`, async () => {
    const agent = await freshAgent('flood');
    const resetsTo = async () => (await t.mailbox()).filter((email) => email.to.includes(`${agent.username}@example.test`) && email.subject.includes('Reset'));
    const answers = await Promise.all(Array.from({ length: 20 }, () => forgot(agent.username)));
    expect(new Set(answers.map((answer) => `${answer.statusCode} ${answer.body}`)).size).toBe(1);
    expect(await resetsTo()).toHaveLength(maxSelfServiceResetsPerHour);
    const refused = (await auditActions(agent.userId, 'password.reset.requested')).filter((event) => event.result === 'failure');
    expect(refused).toHaveLength(20 - maxSelfServiceResetsPerHour);
    t.clock.advance(HOUR + MINUTE);
    await forgot(agent.username);
    expect(await resetsTo()).toHaveLength(maxSelfServiceResetsPerHour + 1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, strongPassword, testOrigin, type TestApp } from '../testing/test-app.ts';

/**
 * SPEC §3.2: a wrong username and a wrong password get the same answer in the same time. Proved by the work, not by a clock:
 * the same number of statements and the same argon2 work before the answer, whether the username exists or not.
 */
let t: TestApp;
let admin: SignedInUser;

beforeAll(async () => {
  t = await createTestApp();
  admin = await signedInUser(t, { tenantName: 'Sign-in Work Tenant', username: 'work.admin' });
});
afterAll(async () => t.close());

/** Statements and argon2 work this instance spent between a sign-in and its answer. */
async function workOf(username: string, password: string) {
  const statements = t.deps.statementCount();
  const stats = t.deps.hasherStats();
  const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: testOrigin }, remoteAddress: '10.8.0.1', payload: { username, password } });
  const after = t.deps.hasherStats();
  const { code, message } = response.json<{ error: { code: string; message: string } }>().error;
  return {
    response: { status: response.statusCode, code, message },
    work: { statements: t.deps.statementCount() - statements, verifications: after.verifications - stats.verifications, hashes: after.hashes - stats.hashes },
  };
}

describe('sign-in work', () => {
  /** @see issue 21, item 7: a known username cost two more statements (the tenant, the attempt count) than an unknown one. */
  it('does the same statements and argon2 work for an unknown username, a wrong password and a locked account', async () => {
    const agent = await signedInUser(t, { tenant: admin.tenant, username: 'work.agent', role: 'Agent' });
    // The dummy hash is made once, at the first refusal that needs it: not part of any one sign-in's work.
    await workOf('nobody.yet', 'Some-Wrong-Password-1');
    const unknown = await workOf('no.such.person', 'Some-Wrong-Password-1');
    const wrong = await workOf(agent.username, 'Some-Wrong-Password-1');
    expect(wrong.work).toEqual(unknown.work);
    expect(unknown.work.verifications).toBe(1);
    expect(unknown.work.hashes).toBe(0);
    expect(wrong.response).toEqual({ status: 401, code: 'AUTH_INVALID_CREDENTIALS', message: unknown.response.message });
    expect(unknown.response).toEqual(wrong.response);
    for (let index = 0; index < 5; index += 1) await workOf(agent.username, `Another-Wrong-Password-${index}`);
    const locked = await workOf(agent.username, 'Some-Wrong-Password-1');
    expect(locked.work).toEqual(unknown.work);
    expect(locked.response).toEqual(unknown.response);
  });

  /** @see issue 22, item 7: the gates and the second step read their facts with the account, not one statement each. */
  it('signs in with three statements: the one read, the attempt reserved, the session written with its audit row', async () => {
    const agent = await signedInUser(t, { tenant: admin.tenant, username: 'work.agent.two', role: 'Agent' });
    for (const who of [agent.username, admin.username]) {
      const statements = t.deps.statementCount();
      const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: testOrigin }, remoteAddress: '10.8.0.2', payload: { username: who, password: strongPassword } });
      expect(response.statusCode).toBe(200);
      expect(t.deps.statementCount() - statements).toBe(3);
    }
  });
});

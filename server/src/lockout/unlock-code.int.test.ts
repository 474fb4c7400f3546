import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleNamed, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, strongPassword, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let adminA: SignedInUser;
let adminB: SignedInUser;
let supervisorA: SignedInUser;

const signIn = (username: string, password: string, unlockCode?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { origin: t.config.publicUrl.origin },
    payload: { username, password, ...(unlockCode === undefined ? {} : { unlockCode }) },
  });
const issue = (who: SignedInUser, userId: string) => t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${userId}/unlock-code`, headers: who.headers });
const lockState = (userId: string) => t.deps.db.selectFrom('password_credentials').select(['failed_login_count', 'locked_until']).where('user_id', '=', userId).executeTakeFirstOrThrow();
const codeRows = (userId: string) => t.deps.db.selectFrom('single_use_links').selectAll().where('user_id', '=', userId).where('purpose', '=', 'unlock-code').orderBy('id').execute();
const events = async (tenantId: string, action: string, userId: string) =>
  (await t.deps.audit.list(tenantId, { action, limit: 100 })).filter((event) => event.targetId === userId);
const realVerifications = () => t.deps.hasherStats().verifications - t.deps.hasherStats().dummyVerifications;

/** A fresh agent of tenant A, locked out by six wrong passwords. */
let agents = 0;
async function lockedAgent(): Promise<SignedInUser> {
  agents += 1;
  const agent = await signedInUser(t, { tenant: adminA.tenant, username: `agent.unlock.${agents}`, role: 'Agent' });
  for (let attempt = 0; attempt < 6; attempt += 1) expect((await signIn(agent.username, `wrong-${attempt}`)).statusCode).toBe(401);
  expect((await lockState(agent.userId)).locked_until).not.toBeNull();
  expect((await signIn(agent.username, strongPassword)).statusCode).toBe(401);
  return agent;
}
async function codeFor(agent: SignedInUser): Promise<string> {
  const response = await issue(adminA, agent.userId);
  expect(response.statusCode).toBe(201);
  return response.json().code as string;
}

beforeAll(async () => {
  t = await createTestApp();
  adminA = await signedInUser(t, { tenantName: 'Unlock A', username: 'anne.unlock' });
  adminB = await signedInUser(t, { tenantName: 'Unlock B', username: 'diana.unlock' });
  supervisorA = await signedInUser(t, { tenant: adminA.tenant, username: 'marilla.unlock', role: 'Supervisor' });
});
afterAll(async () => t.close());

describe('issuing an unlock code', () => {
  it('answers 8 unambiguous characters valid 15 minutes, stores only a keyed hash, and audits both names', async () => {
    const agent = await lockedAgent();
    const response = await issue(adminA, agent.userId);
    expect(response.statusCode).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const { code, expiresAt } = response.json();
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    expect(new Date(expiresAt).getTime()).toBe(t.clock.now().getTime() + 15 * 60_000);
    const [row] = await codeRows(agent.userId);
    expect(row).toMatchObject({ tenant_id: adminA.tenant.id, created_by: adminA.userId, used_at: null, replaced_at: null });
    expect(row?.token_hash).toHaveLength(32);
    expect(JSON.stringify(row)).not.toContain(code);
    const [event] = await events(adminA.tenant.id, 'auth.unlock.code.issued', agent.userId);
    expect(event).toMatchObject({ actorUserId: adminA.userId, result: 'success' });
    expect(event?.details).toMatchObject({
      administrator: { id: adminA.userId, username: adminA.username, name: 'Gilbert Blythe' },
      agent: { id: agent.userId, username: agent.username, name: 'Gilbert Blythe' },
    });
    expect(JSON.stringify(event)).not.toContain(code);
    expect(t.logLines().some((line) => line.includes(code))).toBe(false);
  });

  it('refuses another tenant’s user (404), an invited user (409) and anyone without users.edit (403), storing nothing', async () => {
    const agent = await lockedAgent();
    const agentRole = await roleNamed(t, adminA.tenant.id, 'Agent');
    const invited = await t.deps.invitations.inviteUser(adminA.tenant.id, {
      username: 'not.yet.active',
      email: 'not.yet.active@example.test',
      firstName: 'Not',
      lastName: 'Active',
      roleId: agentRole.id,
      teamId: null,
    });
    const before = await t.deps.db.selectFrom('single_use_links').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const foreign = await issue(adminB, agent.userId);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('USER_NOT_FOUND');
    const inactive = await issue(adminA, invited.user.id);
    expect(inactive.statusCode).toBe(409);
    expect(inactive.json().error.code).toBe('USER_NOT_ACTIVE');
    expect((await issue(supervisorA, agent.userId)).json().error.code).toBe('PERMISSION_DENIED');
    expect((await issue(adminA, 'not-a-uuid')).json().error.code).toBe('VALIDATION_FAILED');
    expect(await t.deps.db.selectFrom('single_use_links').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).toEqual(before);
  });
});

describe('signing in with an unlock code', () => {
  it('with the right password, lifts the lock and signs in (typed in lower case with a hyphen), audited with both ids; once only', async () => {
    const agent = await lockedAgent();
    const code = await codeFor(agent);
    const typed = `${code.slice(0, 4)}-${code.slice(4)}`.toLowerCase();
    const response = await signIn(agent.username, strongPassword, typed);
    expect(response.statusCode).toBe(200);
    expect(response.cookies.some((cookie) => cookie.name === 'lanyard_session')).toBe(true);
    expect(await lockState(agent.userId)).toEqual({ failed_login_count: 0, locked_until: null });
    const [used] = await events(adminA.tenant.id, 'auth.unlock.code.used', agent.userId);
    expect(used).toMatchObject({ actorUserId: agent.userId, result: 'success', details: { issuedBy: adminA.userId } });
    expect((await codeRows(agent.userId))[0]?.used_at).not.toBeNull();
    // Spent: the same code signs nobody in again, and that counts as a failure.
    const again = await signIn(agent.username, strongPassword, code);
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect((await lockState(agent.userId)).failed_login_count).toBe(1);
  });

  it('a wrong code with a locked account: the same generic answer, counted, still locked, no real verification', async () => {
    const agent = await lockedAgent();
    const code = await codeFor(agent);
    const { failed_login_count: before } = await lockState(agent.userId);
    const verifications = realVerifications();
    const wrong = code.startsWith('A') ? `B${code.slice(1)}` : `A${code.slice(1)}`;
    for (const typed of [wrong, '0O1I0O1I', 'short', 'x'.repeat(32)]) {
      const response = await signIn(agent.username, strongPassword, typed);
      expect(response.statusCode, typed).toBe(401);
      expect(response.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
    }
    expect(realVerifications()).toBe(verifications);
    expect((await lockState(agent.userId)).failed_login_count).toBe(before + 4);
    expect((await lockState(agent.userId)).locked_until).not.toBeNull();
    const failures = await events(adminA.tenant.id, 'auth.login.failed', agent.userId);
    expect(failures.slice(0, 4).map((event) => event.details?.reason)).toEqual(Array(4).fill('unlock-code-invalid'));
    // The real code still works: wrong guesses do not spend it.
    expect((await signIn(agent.username, strongPassword, code)).statusCode).toBe(200);
  });

  it('a code over 32 characters is refused at the edge (400), the account left as it was', async () => {
    const agent = await lockedAgent();
    const before = await lockState(agent.userId);
    const response = await signIn(agent.username, strongPassword, 'A'.repeat(33));
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
    expect(await lockState(agent.userId)).toEqual(before);
  });

  it('a right code with a wrong password: refused, the code spent, the account still locked', async () => {
    const agent = await lockedAgent();
    const code = await codeFor(agent);
    expect((await signIn(agent.username, 'not-the-password', code)).statusCode).toBe(401);
    expect((await lockState(agent.userId)).locked_until).not.toBeNull();
    expect((await codeRows(agent.userId))[0]?.used_at).not.toBeNull();
    expect((await signIn(agent.username, strongPassword, code)).statusCode).toBe(401);
    expect(await events(adminA.tenant.id, 'auth.unlock.code.used', agent.userId)).toEqual([]);
  });

  it('a new code replaces the earlier one; a code only unlocks the account it was issued for', async () => {
    const agent = await lockedAgent();
    const other = await lockedAgent();
    const first = await codeFor(agent);
    const second = await codeFor(agent);
    const rows = await codeRows(agent.userId);
    expect(rows).toHaveLength(2);
    expect(rows[0]?.replaced_at).not.toBeNull();
    expect((await signIn(agent.username, strongPassword, first)).statusCode).toBe(401);
    expect((await signIn(other.username, strongPassword, second)).statusCode).toBe(401);
    expect((await lockState(other.userId)).locked_until).not.toBeNull();
    expect((await signIn(agent.username, strongPassword, second)).statusCode).toBe(200);
  });

  it('expires after 15 minutes', async () => {
    const agent = await lockedAgent();
    const late = await codeFor(agent);
    t.clock.advance(15 * 60_000);
    expect((await signIn(agent.username, strongPassword, late)).statusCode).toBe(401);
    const inTime = await codeFor(agent);
    t.clock.advance(15 * 60_000 - 1000);
    // Still locked (30 minutes from the lockout): the code, not the clock, lets the agent in.
    expect((await lockState(agent.userId)).locked_until?.getTime()).toBeGreaterThan(t.clock.now().getTime());
    expect((await signIn(agent.username, strongPassword, inTime)).statusCode).toBe(200);
  });

  it('of 20 parallel sign-ins with one code and the right password, exactly one unlocks and signs in', async () => {
    const agent = await lockedAgent();
    const code = await codeFor(agent);
    const verifications = realVerifications();
    const answers = await Promise.all(Array.from({ length: 20 }, () => signIn(agent.username, strongPassword, code)));
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, ...Array(19).fill(401)]);
    for (const answer of answers.filter((entry) => entry.statusCode === 401)) expect(answer.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(realVerifications() - verifications).toBe(1);
    expect(await events(adminA.tenant.id, 'auth.unlock.code.used', agent.userId)).toHaveLength(1);
    expect(await t.deps.db.selectFrom('sessions').select('id').where('user_id', '=', agent.userId).execute()).toHaveLength(2);
  });
});

describe('an unlock code when the account is unlocked another way', () => {
  const unlockAsAdministrator = (userId: string) => t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${userId}/unlock`, headers: adminA.headers });

  it('an administrator’s unlock cancels the open code: it signs nobody in afterwards', async () => {
    const agent = await lockedAgent();
    const code = await codeFor(agent);
    expect((await unlockAsAdministrator(agent.userId)).statusCode).toBe(204);
    expect((await codeRows(agent.userId))[0]?.replaced_at).not.toBeNull();
    const response = await signIn(agent.username, strongPassword, code);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
    const [failure] = await events(adminA.tenant.id, 'auth.login.failed', agent.userId);
    expect(failure?.details?.reason).toBe('unlock-code-invalid');
    // Unlocked, the agent signs in with the password alone.
    expect((await signIn(agent.username, strongPassword)).statusCode).toBe(200);
  });

  it('a password reset cancels the open code', async () => {
    const agent = await lockedAgent();
    const code = await codeFor(agent);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${agent.userId}/password-reset`, headers: adminA.headers })).statusCode).toBe(202);
    const mails = await t.mailbox();
    const link = mails.filter((mail) => mail.to.includes(`${agent.username}@`)).flatMap((mail) => mail.links).find((url) => url.includes('/reset-password/'));
    expect(link).toBeDefined();
    const token = new URL(link as string).pathname.split('/').at(-1) as string;
    const newPassword = 'Another-Horse-77-stable';
    const reset = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password/reset', headers: { origin: t.config.publicUrl.origin }, payload: { token, newPassword } });
    expect(reset.statusCode).toBe(204);
    expect((await codeRows(agent.userId))[0]?.replaced_at).not.toBeNull();
    expect((await signIn(agent.username, newPassword, code)).statusCode).toBe(401);
    expect((await signIn(agent.username, newPassword)).statusCode).toBe(200);
  });

  it('a lock that runs out before the code: the next right password cancels the code, which unlocks nothing later', async () => {
    // Locks of 5 minutes: shorter than the code's 15, so the code outlives the lock it was handed out for.
    const settingsBefore = await t.deps.tenants.getTenant(adminA.tenant.id);
    await t.deps.tenants.updateSettings(adminA.tenant.id, (settings) => ({ ...settings, lockout: { ...settings.lockout, lockMinutes: 5 } }));
    try {
      const agent = await lockedAgent();
      const code = await codeFor(agent);
      t.clock.advance(6 * 60_000);
      expect((await signIn(agent.username, strongPassword)).statusCode).toBe(200);
      expect((await codeRows(agent.userId))[0]?.replaced_at).not.toBeNull();
      // Locked again: the old code lifts nothing.
      for (let attempt = 0; attempt < 6; attempt += 1) await signIn(agent.username, `wrong-later-${attempt}`);
      expect((await lockState(agent.userId)).locked_until).not.toBeNull();
      const refused = await signIn(agent.username, strongPassword, code);
      expect(refused.statusCode).toBe(401);
      expect((await events(adminA.tenant.id, 'auth.login.failed', agent.userId))[0]?.details?.reason).toBe('unlock-code-invalid');
      // A sign-in of an account that was never locked leaves an open code of nobody alone (nothing to cancel, nothing written).
      const calm = await signedInUser(t, { tenant: adminA.tenant, username: `agent.unlock.calm${++agents}`, role: 'Agent' });
      expect((await signIn(calm.username, strongPassword)).statusCode).toBe(200);
    } finally {
      await t.deps.tenants.updateSettings(adminA.tenant.id, () => settingsBefore.settings);
    }
  });

  it('a code issued after the unlock works as usual (only open codes are cancelled)', async () => {
    const agent = await lockedAgent();
    await codeFor(agent);
    expect((await unlockAsAdministrator(agent.userId)).statusCode).toBe(204);
    for (let attempt = 0; attempt < 6; attempt += 1) await signIn(agent.username, `wrong-again-${attempt}`);
    expect((await lockState(agent.userId)).locked_until).not.toBeNull();
    const fresh = await codeFor(agent);
    expect((await signIn(agent.username, strongPassword, fresh)).statusCode).toBe(200);
  });
});

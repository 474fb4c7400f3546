import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinTenant, login, signedInUser, tokenFromLink, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

/**
 * SPEC §4b "Administration, completed": the user page's failed sign-ins, names and email changed by the home tenant's
 * administrator (the email confirmed by the new address as in My Account), and an audit log that names people and objects as they
 * are now, from this tenant only.
 */

let t: TestApp;
let adminA: SignedInUser;
let adminB: SignedInUser;
let agentA: SignedInUser;
/** Homed in B, an Agent in A. */
let visitor: SignedInUser;

type Method = 'GET' | 'PATCH' | 'DELETE' | 'POST';
const call = (who: Pick<SignedInUser, 'headers'>, method: Method, url: string, payload?: Record<string, unknown>) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload === undefined ? {} : { payload }) });
const userRow = (userId: string) => t.deps.db.selectFrom('users').select(['first_name', 'last_name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
const auditCount = async () => (await t.deps.db.selectFrom('audit_events').select('id').execute()).length;
const wrongPassword = (username: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: t.config.publicUrl.origin }, payload: { username, password: 'Not-The-Password-1' } });

beforeAll(async () => {
  t = await createTestApp();
  adminA = await signedInUser(t, { tenantName: 'User Page A', username: 'page.admin.a' });
  adminB = await signedInUser(t, { tenantName: 'User Page B', username: 'page.admin.b' });
  agentA = await signedInUser(t, { tenant: adminA.tenant, username: 'page.agent.a', role: 'Agent' });
  visitor = await signedInUser(t, { tenant: adminB.tenant, username: 'page.visitor', role: 'Supervisor' });
  await joinTenant(t, adminA, visitor, 'Agent');
});
afterAll(async () => t.close());

describe('failed sign-ins on the user page', () => {
  it('shows the count of the lockout window and when the last sign-in failed, and passwordLogin', async () => {
    const page = async () => (await call(adminA, 'GET', `/api/v1/admin/users/${agentA.userId}`)).json();
    expect(await page()).toMatchObject({ failedAttempts: { count: 0, lastAt: null }, passwordLogin: 'tenant' });
    expect((await wrongPassword(agentA.username)).statusCode).toBe(401);
    t.clock.advance(60_000);
    const lastFailure = t.clock.now().toISOString();
    expect((await wrongPassword(agentA.username)).statusCode).toBe(401);
    expect((await page()).failedAttempts).toEqual({ count: 2, lastAt: lastFailure });
    // A successful sign-in resets the count; when the last one failed stays.
    await login(t, agentA.username);
    expect((await page()).failedAttempts).toEqual({ count: 0, lastAt: lastFailure });
    // The account's counter: the visitor's other tenant sees the same failures.
    expect((await wrongPassword(visitor.username)).statusCode).toBe(401);
    const inA = (await call(adminA, 'GET', `/api/v1/admin/users/${visitor.userId}`)).json();
    expect(inA.failedAttempts).toEqual({ count: 1, lastAt: t.clock.now().toISOString() });
  });
});

describe('names and email changed by an administrator', () => {
  it('changes names at once (trimmed, NFC), audited; the email only once the new address confirms it', async () => {
    const before = await userRow(agentA.userId);
    const sentBefore = (await t.mailbox()).length;
    const response = await call(adminA, 'PATCH', `/api/v1/admin/users/${agentA.userId}`, { firstName: '  Rene\u0301e ', lastName: 'Shirley', email: 'renee.new@example.test' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ firstName: 'Renée', lastName: 'Shirley', email: before.email });
    expect(await userRow(agentA.userId)).toEqual({ first_name: 'Renée', last_name: 'Shirley', email: before.email });

    const sent = (await t.mailbox()).slice(sentBefore);
    expect(sent.map((email) => email.to).sort()).toEqual([before.email, 'renee.new@example.test'].sort());
    const link = sent.find((email) => email.to === 'renee.new@example.test')?.links.find((url) => url.includes('/confirm-email/'));
    expect(sent.find((email) => email.to === before.email)?.text).not.toContain('/confirm-email/');
    const confirmed = await t.app.inject({ method: 'POST', url: '/api/v1/me/email/confirm', headers: { origin: t.config.publicUrl.origin }, payload: { token: tokenFromLink(link ?? '') } });
    expect(confirmed.statusCode, confirmed.body).toBe(204);
    expect((await userRow(agentA.userId)).email).toBe('renee.new@example.test');

    const audit = await t.deps.db
      .selectFrom('audit_events')
      .select(['action', 'actor_user_id', 'tenant_id', 'details'])
      .where('target_id', '=', agentA.userId)
      .where('action', 'in', ['account.updated', 'email.change.requested'])
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'account.updated', actor_user_id: adminA.userId, tenant_id: adminA.tenant.id, details: { fields: ['firstName', 'lastName'], byAdministrator: true } },
      { action: 'email.change.requested', actor_user_id: adminA.userId, tenant_id: adminA.tenant.id, details: { newEmail: 'renee.new@example.test', byAdministrator: true } },
    ]);
  });

  it('refuses names or email of an account homed elsewhere (403 ACCOUNT_MANAGED_ELSEWHERE), an outranked caller, and bad input, changing nothing', async () => {
    const before = { visitor: await userRow(visitor.userId), admin: await userRow(adminA.userId), audit: await auditCount(), mail: (await t.mailbox()).length };
    const teams = await call(adminA, 'POST', '/api/v1/admin/teams', { name: 'Page Team' });
    const teamId = teams.json().id as string;
    const afterTeam = await auditCount();
    for (const payload of [{ firstName: 'Changed' }, { email: 'elsewhere@example.test' }, { lastName: 'Changed', teamId }]) {
      const refused = await call(adminA, 'PATCH', `/api/v1/admin/users/${visitor.userId}`, payload);
      expect(refused.statusCode, JSON.stringify(payload)).toBe(403);
      expect(refused.json().error.code).toBe('ACCOUNT_MANAGED_ELSEWHERE');
    }
    const membership = await t.deps.db.selectFrom('memberships').select('team_id').where('user_id', '=', visitor.userId).where('tenant_id', '=', adminA.tenant.id).executeTakeFirstOrThrow();
    expect(membership.team_id).toBeNull();
    const outranked = await call(agentA, 'PATCH', `/api/v1/admin/users/${adminA.userId}`, { firstName: 'Changed' });
    expect(outranked.json().error.code).toBe('PERMISSION_DENIED');
    for (const payload of [{ firstName: '' }, { firstName: '   ' }, { lastName: 'Bad\u202Ename' }, { email: 'not-an-email' }, { firstName: 'x'.repeat(101) }, { nickname: 'Ann' }]) {
      const bad = await call(adminA, 'PATCH', `/api/v1/admin/users/${agentA.userId}`, payload);
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
      expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect(await userRow(visitor.userId)).toEqual(before.visitor);
    expect(await userRow(adminA.userId)).toEqual(before.admin);
    expect(await auditCount()).toBe(afterTeam);
    expect(afterTeam).toBe(before.audit + 1);
    expect((await t.mailbox()).length).toBe(before.mail);
    // The home tenant's administrator changes the same fields.
    const home = await call(adminB, 'PATCH', `/api/v1/admin/users/${visitor.userId}`, { firstName: 'Diana' });
    expect(home.statusCode, home.body).toBe(200);
    expect(home.json().firstName).toBe('Diana');
  });
});

describe('the audit log names people and objects, from this tenant only', () => {
  interface Item {
    action: string;
    actorUserId: string | null;
    targetType: string | null;
    targetId: string | null;
    actor: { id: string; username: string | null; name: string | null } | null;
    target: { type: string; id: string; name: string | null } | null;
  }
  const items = async (who: SignedInUser, query = '') => (await call(who, 'GET', `/api/v1/admin/audit-events?limit=500${query}`)).json().items as Item[];

  it('names the actor and a person or object target as they are now, keeping the ids', async () => {
    const role = await call(adminA, 'POST', '/api/v1/admin/roles', { name: 'Audit Named', permissions: ['users.view'] });
    expect(role.statusCode).toBe(201);
    const log = await items(adminA);
    const created = log.find((item) => item.action === 'role.created');
    expect(created).toMatchObject({
      actorUserId: adminA.userId,
      actor: { id: adminA.userId, username: adminA.username, name: 'Gilbert Blythe' },
      targetType: 'role',
      targetId: role.json().id,
      target: { type: 'role', id: role.json().id, name: 'Audit Named' },
    });
    const renamed = log.find((item) => item.action === 'account.updated' && item.targetId === agentA.userId);
    expect(renamed?.target).toEqual({ type: 'user', id: agentA.userId, name: 'Renée Shirley' });
    // An event with no person acting has no actor.
    const failedUnknown = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: t.config.publicUrl.origin }, payload: { username: 'nobody.here', password: 'Not-The-Password-1' } });
    expect(failedUnknown.statusCode).toBe(401);
    for (const item of await items(adminA)) if (item.actorUserId === null) expect(item.actor).toBeNull();
  });

  it('never names a person who is no member of this tenant any more, and never reads a name from another tenant', async () => {
    // B's log names the visitor (homed there); A removes the visitor, whose name A may no longer read.
    expect((await call(adminA, 'DELETE', `/api/v1/admin/users/${visitor.userId}`)).statusCode).toBe(204);
    const inA = await items(adminA, `&userId=${visitor.userId}`);
    expect(inA.length).toBeGreaterThan(0);
    for (const item of inA) {
      if (item.target?.id === visitor.userId) expect(item.target).toEqual({ type: 'user', id: visitor.userId, name: null });
      if (item.actor?.id === visitor.userId) expect(item.actor).toEqual({ id: visitor.userId, username: null, name: null });
    }
    const inB = await items(adminB, `&userId=${visitor.userId}`);
    expect(inB.find((item) => item.target?.id === visitor.userId)?.target?.name).toBe('Diana Blythe');
    // No name of another tenant's object or person anywhere in A's log.
    const body = (await call(adminA, 'GET', '/api/v1/admin/audit-events?limit=500')).body;
    expect(body).not.toContain('Diana');
    expect(body).not.toContain('User Page B');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFor, addAccessKey, joinTenant, login, roleNamed, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, strongPassword, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let adminA: SignedInUser;
let adminB: SignedInUser;
let adminC: SignedInUser;
let agent: SignedInUser;

type Method = 'GET' | 'POST' | 'PUT';
const request = (who: Pick<SignedInUser, 'headers'>, method: Method, url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
const stored = async () => ({
  memberships: await t.deps.db.selectFrom('memberships').select(['tenant_id', 'user_id', 'role_id']).orderBy('tenant_id').orderBy('user_id').execute(),
  users: await t.deps.db.selectFrom('users').select(['id', 'default_tenant_id']).orderBy('id').execute(),
  sessions: await t.deps.db.selectFrom('sessions').select(['id', 'tenant_id']).orderBy('id').execute(),
  invitations: await t.deps.db.selectFrom('membership_invitations').selectAll().orderBy('id').execute(),
  audit: await t.deps.db.selectFrom('audit_events').select('id').where('action', 'like', 'user.membership.%').execute(),
});

beforeAll(async () => {
  t = await createTestApp();
  adminA = await signedInUser(t, { tenantName: 'Tenancy A', username: 'anne.tenancy' });
  adminB = await signedInUser(t, { tenantName: 'Tenancy B', username: 'diana.tenancy' });
  adminC = await signedInUser(t, { tenantName: 'Tenancy C', username: 'ruby.tenancy' });
  agent = await signedInUser(t, { tenant: adminA.tenant, username: 'gilbert.tenancy', role: 'Agent' });
});
afterAll(async () => t.close());

describe('joining another tenant', () => {
  it('an administrator invites, the person accepts: a membership with the role, no second account', async () => {
    const supervisor = await roleNamed(t, adminB.tenant.id, 'Supervisor');
    const users = await t.deps.db.selectFrom('users').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    await joinTenant(t, adminB, { ...agent, username: 'Gilbert.Tenancy' }, 'Supervisor');
    expect((await t.deps.db.selectFrom('users').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n).toBe(users.n);
    const membership = await t.deps.db.selectFrom('memberships').select(['role_id', 'team_id']).where('tenant_id', '=', adminB.tenant.id).where('user_id', '=', agent.userId).executeTakeFirst();
    expect(membership).toEqual({ role_id: supervisor.id, team_id: null });
  });

  it("refuses other tenants' roles and teams, roles above the caller's, and bad input, storing nothing", async () => {
    const before = await stored();
    const supervisor = await roleNamed(t, adminB.tenant.id, 'Supervisor');
    const roleOfA = await roleNamed(t, adminA.tenant.id, 'Agent');
    const cases: [unknown, number, string][] = [
      [{ user: 'anne.tenancy', roleId: roleOfA.id }, 404, 'ROLE_NOT_FOUND'],
      [{ user: 'anne.tenancy', roleId: supervisor.id, teamId: '01890a5d-ac96-774b-bcce-b302099a8057' }, 404, 'TEAM_NOT_FOUND'],
      [{ user: '', roleId: supervisor.id }, 400, 'VALIDATION_FAILED'],
      [{ user: 'anne.tenancy' }, 400, 'VALIDATION_FAILED'],
      [{ user: 'anne.tenancy', roleId: supervisor.id, extra: 1 }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [payload, status, code] of cases) {
      const response = await request(adminB, 'POST', '/api/v1/admin/users/memberships', payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.json().error.code).toBe(code);
    }
    const byAgent = await request(agent, 'POST', '/api/v1/admin/users/memberships', { user: 'diana.tenancy', roleId: supervisor.id });
    expect(byAgent.json().error.code).toBe('PERMISSION_DENIED');
    expect(await stored()).toEqual(before);
  });
});

describe('my tenants and switching', () => {
  it('lists the tenants with role, default and current', async () => {
    const response = await request(agent, 'GET', '/api/v1/me/tenants');
    expect(response.statusCode).toBe(200);
    expect(response.json().items).toEqual([
      { id: adminA.tenant.id, name: 'Tenancy A', region: 'local', role: { id: expect.any(String), name: 'Agent' }, isDefault: true, current: true },
      { id: adminB.tenant.id, name: 'Tenancy B', region: 'local', role: { id: expect.any(String), name: 'Supervisor' }, isDefault: false, current: false },
    ]);
  });

  it("switches the session's tenant: the other membership's permissions apply at the next request", async () => {
    expect((await request(agent, 'GET', '/api/v1/admin/users')).json().error.code).toBe('PERMISSION_DENIED');
    const switched = await request(agent, 'POST', '/api/v1/me/tenant', { tenantId: adminB.tenant.id });
    expect(switched.statusCode, switched.body).toBe(200);
    expect(switched.json()).toEqual({ tenant: { id: adminB.tenant.id, name: 'Tenancy B', region: 'local' }, role: { id: expect.any(String), name: 'Supervisor' } });
    const me = (await request(agent, 'GET', '/api/v1/me')).json();
    expect(me.tenant.id).toBe(adminB.tenant.id);
    expect(me.role.name).toBe('Supervisor');
    expect((await request(agent, 'GET', '/api/v1/admin/users')).statusCode).toBe(200);
    expect((await request(agent, 'GET', '/api/v1/me/tenants')).json().items.map((item: { current: boolean }) => item.current)).toEqual([false, true]);
    const event = (await t.deps.audit.list(adminB.tenant.id, { limit: 50 })).find((entry) => entry.action === 'session.tenant.switched');
    expect(event).toMatchObject({ result: 'success', actorUserId: agent.userId, details: { fromTenantId: adminA.tenant.id } });
    // And back.
    expect((await request(agent, 'POST', '/api/v1/me/tenant', { tenantId: adminA.tenant.id })).statusCode).toBe(200);
    expect((await request(agent, 'GET', '/api/v1/admin/users')).json().error.code).toBe('PERMISSION_DENIED');
  });

  it('refuses a tenant the person does not belong to, an unknown one, a bearer token and bad input, changing nothing', async () => {
    const before = await stored();
    for (const tenantId of [adminC.tenant.id, '01890a5d-ac96-774b-bcce-b302099a8057']) {
      for (const [method, url] of [
        ['POST', '/api/v1/me/tenant'],
        ['PUT', '/api/v1/me/default-tenant'],
      ] as const) {
        const response = await request(agent, method, url, { tenantId });
        expect(response.statusCode, `${url} ${tenantId}`).toBe(403);
        expect(response.json().error.code).toBe('TENANT_MEMBERSHIP_REQUIRED');
      }
    }
    for (const payload of [{}, { tenantId: 'nope' }, { tenantId: adminB.tenant.id, more: 1 }]) {
      expect((await request(agent, 'POST', '/api/v1/me/tenant', payload)).json().error.code).toBe('VALIDATION_FAILED');
    }
    const token = await accessTokenFor(t, await addAccessKey(t, adminA));
    const withToken = await t.app.inject({ method: 'POST', url: '/api/v1/me/tenant', headers: { authorization: `Bearer ${token}` }, payload: { tenantId: adminA.tenant.id } });
    expect(withToken.statusCode).toBe(403);
    expect(withToken.json().error.code).toBe('PERMISSION_DENIED');
    expect(await stored()).toEqual(before);
  });

  it('applies the presence reason list check to a switch', async () => {
    const lists = (await request(adminB, 'GET', '/api/v1/admin/presence-reason-lists')).json().items as { id: string; isDefault: boolean }[];
    const defaultList = lists.find((list) => list.isDefault);
    expect((await request(adminB, 'PUT', '/api/v1/admin/presence-reason-lists/default', { listId: null })).statusCode).toBe(204);
    const refused = await request(agent, 'POST', '/api/v1/me/tenant', { tenantId: adminB.tenant.id });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('PRESENCE_REASON_LIST_REQUIRED');
    expect((await request(agent, 'GET', '/api/v1/me')).json().tenant.id).toBe(adminA.tenant.id);
    const event = (await t.deps.audit.list(adminB.tenant.id, { limit: 50 })).find((entry) => entry.action === 'session.tenant.switched' && entry.result === 'failure');
    expect(event?.details).toMatchObject({ reason: 'no-presence-reason-list' });
    expect((await request(adminB, 'PUT', '/api/v1/admin/presence-reason-lists/default', { listId: defaultList?.id })).statusCode).toBe(204);
  });
});

describe('the default tenant', () => {
  it('is chosen by the person and used at the next sign-in', async () => {
    expect((await request(agent, 'PUT', '/api/v1/me/default-tenant', { tenantId: adminB.tenant.id })).statusCode).toBe(204);
    expect((await request(agent, 'GET', '/api/v1/me/tenants')).json().items.map((item: { isDefault: boolean }) => item.isDefault)).toEqual([false, true]);
    const signIn = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: t.config.publicUrl.origin }, payload: { username: 'gilbert.tenancy', password: strongPassword } });
    expect(signIn.json().tenant).toEqual({ id: adminB.tenant.id, name: 'Tenancy B' });
    const cookie = await login(t, 'gilbert.tenancy');
    const me = (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).json();
    expect(me.tenant.id).toBe(adminB.tenant.id);
    expect(me.role.name).toBe('Supervisor');
    const event = (await t.deps.audit.list(adminB.tenant.id, { limit: 50 })).find((entry) => entry.action === 'user.defaultTenant.changed');
    expect(event?.details).toEqual({ fromTenantId: adminA.tenant.id, toTenantId: adminB.tenant.id });
  });
});

import { passwordPolicyPresets } from '@lanyard/contracts/password-policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR } from '../kernel/clock.ts';
import { accessTokenFor, addAccessKey, login, roleNamed, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

/**
 * A principal of tenant A (a console session, or an access token) aimed at tenant B's objects by id: every
 * answer is the catalogue's 404 for the object, and nothing of tenant B changes.
 */

let t: TestApp;
let adminA: SignedInUser;
let adminB: SignedInUser;
let agentB: SignedInUser;
let tokenOfA: string;
let objectsOfB: { pendingUserId: string; roleId: string; teamId: string; keyId: string; ids: string[] };

beforeAll(async () => {
  t = await createTestApp();
  adminA = await signedInUser(t, { tenantName: 'Session Tenant A', username: 'session.admin.a' });
  adminB = await signedInUser(t, { tenantName: 'Session Tenant B', username: 'session.admin.b' });
  agentB = await signedInUser(t, { tenant: adminB.tenant, username: 'session.agent.b', role: 'Supervisor' });
  tokenOfA = await accessTokenFor(t, await addAccessKey(t, adminA, { description: 'A integration' }));

  const roleOfB = await roleNamed(t, adminB.tenant.id, 'Agent');
  const team = await t.app.inject({ method: 'POST', url: '/api/v1/admin/teams', headers: adminB.headers, payload: { name: 'B Team' } });
  const pending = await t.app.inject({
    method: 'POST',
    url: '/api/v1/admin/users',
    headers: adminB.headers,
    payload: { username: 'session.pending.b', email: 'pending.b@example.test', firstName: 'Pending', lastName: 'B', roleId: roleOfB.id },
  });
  const key = await addAccessKey(t, agentB, { description: 'B key' });
  // A locked account of B, so that an unlock by A would show.
  await t.deps.db.updateTable('password_credentials').set({ failed_login_count: 6, locked_until: new Date(t.clock.now().getTime() + HOUR) }).where('user_id', '=', agentB.userId).execute();
  objectsOfB = {
    pendingUserId: pending.json().user.id,
    roleId: roleOfB.id,
    teamId: team.json().id,
    keyId: key.id,
    ids: [adminB.tenant.id, adminB.userId, agentB.userId, pending.json().user.id, roleOfB.id, team.json().id, key.id, key.accessKeyId],
  };
});
afterAll(async () => t.close());

/** Every stored row that belongs to tenant B. */
async function rowsOfTenant(tenantId: string) {
  const db = t.deps.db;
  const memberships = await db.selectFrom('memberships').selectAll().where('tenant_id', '=', tenantId).orderBy('user_id').execute();
  const userIds = memberships.map((membership) => membership.user_id);
  return {
    tenant: await db.selectFrom('tenants').selectAll().where('id', '=', tenantId).execute(),
    roles: await db.selectFrom('roles').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute(),
    teams: await db.selectFrom('teams').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute(),
    memberships,
    users: await db.selectFrom('users').selectAll().where('id', 'in', userIds).orderBy('id').execute(),
    passwordCredentials: await db.selectFrom('password_credentials').selectAll().where('user_id', 'in', userIds).orderBy('user_id').execute(),
    links: await db.selectFrom('single_use_links').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute(),
    sessions: await db.selectFrom('sessions').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute(),
    accessKeys: await db.selectFrom('access_keys').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute(),
    outbox: await db.selectFrom('outbox_messages').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute(),
    audit: await db.selectFrom('audit_events').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute(),
  };
}

/** How a principal of tenant A presents itself: its console session, or an access token of its key. */
const headersOfA = (kind: 'session' | 'token'): Record<string, string> =>
  kind === 'session' ? adminA.headers : { authorization: `Bearer ${tokenOfA}` };

describe('a principal of tenant A against tenant B', () => {
  for (const kind of ['session', 'token'] as const) {
    it(`cannot change, resend, reset, unlock or delete tenant B's objects with a ${kind} (404 with the object's code)`, async () => {
      const headers = headersOfA(kind);
      const agentOfA = await roleNamed(t, adminA.tenant.id, 'Agent');
      const before = await rowsOfTenant(adminB.tenant.id);
      const cases: [string, 'POST' | 'PUT' | 'PATCH' | 'DELETE', string, unknown, string][] = [
        ['resend', 'POST', `/api/v1/admin/users/${objectsOfB.pendingUserId}/invitation`, undefined, 'USER_NOT_FOUND'],
        ['reset', 'POST', `/api/v1/admin/users/${agentB.userId}/password-reset`, undefined, 'USER_NOT_FOUND'],
        ['unlock', 'POST', `/api/v1/admin/users/${agentB.userId}/unlock`, undefined, 'USER_NOT_FOUND'],
        ['role policy', 'PUT', `/api/v1/admin/roles/${objectsOfB.roleId}/password-policy`, { passwordPolicy: passwordPolicyPresets[1].policy }, 'ROLE_NOT_FOUND'],
        ['invite with role', 'POST', '/api/v1/admin/users', { username: `cross.${kind}.role`, email: `cross.${kind}.role@example.test`, firstName: 'C', lastName: 'R', roleId: objectsOfB.roleId }, 'ROLE_NOT_FOUND'],
        ['invite with team', 'POST', '/api/v1/admin/users', { username: `cross.${kind}.team`, email: `cross.${kind}.team@example.test`, firstName: 'C', lastName: 'T', roleId: agentOfA.id, teamId: objectsOfB.teamId }, 'TEAM_NOT_FOUND'],
        ['admin key state', 'PATCH', `/api/v1/admin/access-keys/${objectsOfB.keyId}`, { state: 'inactive' }, 'ACCESS_KEY_NOT_FOUND'],
        ['admin key delete', 'DELETE', `/api/v1/admin/access-keys/${objectsOfB.keyId}`, undefined, 'ACCESS_KEY_NOT_FOUND'],
        ['own key state', 'PATCH', `/api/v1/me/access-keys/${objectsOfB.keyId}`, { description: 'mine now' }, 'ACCESS_KEY_NOT_FOUND'],
        ['own key delete', 'DELETE', `/api/v1/me/access-keys/${objectsOfB.keyId}`, undefined, 'ACCESS_KEY_NOT_FOUND'],
      ];
      for (const [name, method, url, payload, code] of cases) {
        const response = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
        expect(response.statusCode, name).toBe(404);
        expect(response.json().error.code, name).toBe(code);
      }
      expect(await rowsOfTenant(adminB.tenant.id)).toEqual(before);
    });

    it(`reads none of tenant B's objects with a ${kind}`, async () => {
      const headers = headersOfA(kind);
      for (const url of [
        '/api/v1/me',
        '/api/v1/me/access-keys',
        '/api/v1/me/password-policy',
        '/api/v1/admin/roles',
        '/api/v1/admin/teams',
        '/api/v1/admin/access-keys',
        '/api/v1/admin/security/password-policy',
        '/api/v1/admin/audit-events?limit=500',
        `/api/v1/admin/audit-events?userId=${agentB.userId}`,
        `/api/v1/admin/audit-events?userId=${objectsOfB.pendingUserId}`,
      ]) {
        const response = await t.app.inject({ method: 'GET', url, headers });
        expect(response.statusCode, url).toBe(200);
        for (const id of objectsOfB.ids) expect(response.body, `${url} shows ${id}`).not.toContain(id);
      }
    });
  }

  it("cannot be turned into a principal of tenant B by naming B's tenant in the request", async () => {
    for (const headers of [headersOfA('session'), headersOfA('token')]) {
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { ...headers, 'x-tenant-id': adminB.tenant.id, 'x-lanyard-tenant': adminB.tenant.id } });
      expect(me.json().tenant.id).toBe(adminA.tenant.id);
      const roles = await t.app.inject({ method: 'GET', url: `/api/v1/admin/roles?tenantId=${adminB.tenant.id}`, headers });
      expect(roles.body).not.toContain(objectsOfB.roleId);
    }
  });

  it("signing out of tenant A's session leaves tenant B's sessions alone", async () => {
    const cookie = await login(t, adminA.username);
    const sessionsOfB = await t.deps.db.selectFrom('sessions').selectAll().where('tenant_id', '=', adminB.tenant.id).orderBy('id').execute();
    const logout = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie, origin: t.config.publicUrl.origin } });
    expect(logout.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).json().error.code).toBe('AUTH_REQUIRED');
    expect(await t.deps.db.selectFrom('sessions').selectAll().where('tenant_id', '=', adminB.tenant.id).orderBy('id').execute()).toEqual(sessionsOfB);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: adminB.headers })).json().tenant.id).toBe(adminB.tenant.id);
  });

  it("tenant B's objects still answer their own administrator", async () => {
    const resend = await t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${objectsOfB.pendingUserId}/invitation`, headers: adminB.headers });
    expect(resend.statusCode).toBe(201);
    const unlock = await t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${agentB.userId}/unlock`, headers: adminB.headers });
    expect(unlock.statusCode).toBe(204);
    const key = await t.app.inject({ method: 'PATCH', url: `/api/v1/admin/access-keys/${objectsOfB.keyId}`, headers: adminB.headers, payload: { state: 'inactive' } });
    expect(key.json().state).toBe('inactive');
  });
});

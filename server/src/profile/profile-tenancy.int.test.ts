import { builtInRoles } from '@lanyard/contracts/permissions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECOND } from '../kernel/clock.ts';
import { login, roleNamed, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

/**
 * My Profile answers for the session's tenant only, even for a person who is a member of two tenants: the
 * membership, role, permissions and team of the other tenant never show through, and never stand in.
 */

let t: TestApp;
let adminA: SignedInUser;
let adminB: SignedInUser;
let member: SignedInUser;
let teamOfB: string;

beforeAll(async () => {
  t = await createTestApp();
  adminA = await signedInUser(t, { tenantName: 'Profile Tenant A', username: 'profile.admin.a' });
  adminB = await signedInUser(t, { tenantName: 'Profile Tenant B', username: 'profile.admin.b' });
  member = await signedInUser(t, { tenant: adminA.tenant, username: 'two.tenants', role: 'Agent' });
  const team = await t.app.inject({ method: 'POST', url: '/api/v1/admin/teams', headers: adminB.headers, payload: { name: 'B Only Team' } });
  teamOfB = team.json().id;
  // The same person is also tenant B's administrator (memberships in several tenants are in the data model).
  const administratorOfB = await roleNamed(t, adminB.tenant.id, 'Administrator');
  await t.deps.db
    .insertInto('memberships')
    .values({ tenant_id: adminB.tenant.id, user_id: member.userId, role_id: administratorOfB.id, team_id: teamOfB, created_at: t.clock.now() })
    .execute();
});
afterAll(async () => t.close());

const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
const agentPermissions = [...(builtInRoles.find((role) => role.name === 'Agent')?.permissions ?? [])].sort();

describe('a member of two tenants', () => {
  it("sees only the session's tenant, role, team and permissions on /me", async () => {
    const response = await me(member.cookie);
    expect(response.statusCode).toBe(200);
    const agentOfA = await roleNamed(t, adminA.tenant.id, 'Agent');
    expect(response.json()).toMatchObject({ tenant: { id: adminA.tenant.id, name: 'Profile Tenant A' }, role: { id: agentOfA.id, name: 'Agent' }, team: null });
    expect(response.json().permissions).toEqual(agentPermissions);
    expect(response.body).not.toContain(adminB.tenant.id);
    expect(response.body).not.toContain(teamOfB);
  });

  it("cannot use tenant B's permissions from a session in tenant A", async () => {
    for (const url of ['/api/v1/admin/roles', '/api/v1/admin/teams', '/api/v1/admin/audit-events', '/api/v1/admin/access-keys']) {
      const response = await t.app.inject({ method: 'GET', url, headers: member.headers });
      expect(response.statusCode, url).toBe(403);
      expect(response.json().error.code).toBe('PERMISSION_DENIED');
    }
    const teamsBefore = await t.deps.db.selectFrom('teams').selectAll().orderBy('id').execute();
    const create = await t.app.inject({ method: 'POST', url: '/api/v1/admin/teams', headers: member.headers, payload: { name: 'Sneaky' } });
    expect(create.json().error.code).toBe('PERMISSION_DENIED');
    expect(await t.deps.db.selectFrom('teams').selectAll().orderBy('id').execute()).toEqual(teamsBefore);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me/password-policy', headers: member.headers })).statusCode).toBe(200);
  });

  it("ends the tenant-A session when the tenant-A membership goes, rather than falling back to tenant B", async () => {
    const cookie = await login(t, member.username);
    expect((await me(cookie)).json().tenant.id).toBe(adminA.tenant.id);
    const membershipOfA = await t.deps.db.selectFrom('memberships').selectAll().where('tenant_id', '=', adminA.tenant.id).where('user_id', '=', member.userId).executeTakeFirstOrThrow();
    await t.deps.db.deleteFrom('memberships').where('tenant_id', '=', adminA.tenant.id).where('user_id', '=', member.userId).execute();
    try {
      t.clock.advance(SECOND);
      const refused = await me(cookie);
      expect(refused.statusCode).toBe(401);
      expect(refused.json().error.code).toBe('AUTH_REQUIRED');
      const roles = await t.app.inject({ method: 'GET', url: '/api/v1/admin/roles', headers: member.headers });
      expect(roles.statusCode).toBe(401);
      expect(roles.body).not.toContain(adminB.tenant.id);
    } finally {
      await t.deps.db.insertInto('memberships').values(membershipOfA).execute();
    }
  });

  it("signs in to the default tenant, and a session stays in the tenant it was opened in", async () => {
    const sessionInA = await login(t, member.username);
    await t.deps.db.updateTable('users').set({ default_tenant_id: adminB.tenant.id }).where('id', '=', member.userId).execute();
    try {
      const sessionInB = await login(t, member.username);
      expect((await me(sessionInB)).json()).toMatchObject({ tenant: { id: adminB.tenant.id }, role: { name: 'Administrator' }, team: { id: teamOfB, name: 'B Only Team' } });
      t.clock.advance(SECOND);
      const stillA = await me(sessionInA);
      expect(stillA.json()).toMatchObject({ tenant: { id: adminA.tenant.id }, role: { name: 'Agent' }, team: null });
      expect(stillA.json().permissions).toEqual(agentPermissions);
    } finally {
      await t.deps.db.updateTable('users').set({ default_tenant_id: adminA.tenant.id }).where('id', '=', member.userId).execute();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../kernel/ids.ts';
import { acceptInvitation, login, roleNamed, signedInUser, tokenFromLink, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, testOrigin, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let adminA: SignedInUser;
let adminB: SignedInUser;

beforeAll(async () => {
  t = await createTestApp();
  adminA = await signedInUser(t, { tenantName: 'Tenant A', username: 'admin.a' });
  adminB = await signedInUser(t, { tenantName: 'Tenant B', username: 'admin.b' });
});
afterAll(async () => t.close());

const post = (who: SignedInUser, url: string, payload?: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url, headers: who.headers, ...(payload === undefined ? {} : { payload }) });
const get = (who: SignedInUser, url: string) => t.app.inject({ method: 'GET', url, headers: who.headers });

async function countUsers(): Promise<number> {
  const rows = await t.deps.db.selectFrom('users').select('id').execute();
  return rows.length;
}

describe('inviting users', () => {
  it('invites a user into the administrator\'s tenant with a role and a team, and emails the link', async () => {
    const agent = await roleNamed(t, adminA.tenant.id, 'Agent');
    const team = await post(adminA, '/api/v1/admin/teams', { name: 'Sales-Oz' });
    expect(team.statusCode).toBe(201);
    const response = await post(adminA, '/api/v1/admin/users', {
      username: 'gilbert.blythe',
      email: 'gilbert@example.test',
      firstName: 'Gilbert',
      lastName: 'Blythe',
      roleId: agent.id,
      teamId: team.json().id,
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ user: { username: 'gilbert.blythe', status: 'invited' } });
    expect(JSON.stringify(response.json())).not.toContain('first-access');

    const email = (await t.mailbox()).find((candidate) => candidate.to.includes('gilbert@example.test'));
    const link = email?.links.find((candidate) => candidate.includes('/first-access/')) ?? '';
    await acceptInvitation(t, tokenFromLink(link));
    const cookie = await login(t, 'gilbert.blythe');
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    expect(me.json()).toMatchObject({
      user: { username: 'gilbert.blythe', email: 'gilbert@example.test', firstName: 'Gilbert', lastName: 'Blythe' },
      tenant: { id: adminA.tenant.id, name: 'Tenant A', region: 'local' },
      role: { id: agent.id, name: 'Agent' },
      team: { id: team.json().id, name: 'Sales-Oz' },
      system: { region: 'local' },
    });
    expect(me.json().permissions).toEqual([...agent.permissions].sort());
  });

  it('refuses a username already taken anywhere in the deployment, compared after case folding', async () => {
    const agent = await roleNamed(t, adminB.tenant.id, 'Agent');
    const before = await countUsers();
    const response = await post(adminB, '/api/v1/admin/users', {
      username: 'Gilbert.BLYTHE',
      email: 'other@example.test',
      firstName: 'Other',
      lastName: 'Person',
      roleId: agent.id,
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('USERNAME_TAKEN');
    expect(await countUsers()).toBe(before);
  });

  it('refuses bad invitation bodies and stores nothing', async () => {
    const agent = await roleNamed(t, adminA.tenant.id, 'Agent');
    const valid = { username: 'valid.user', email: 'valid@example.test', firstName: 'V', lastName: 'U', roleId: agent.id };
    const before = await countUsers();
    for (const payload of [
      { ...valid, email: 'not-an-email' },
      { ...valid, username: 'has space' },
      { ...valid, username: 'nul\u0000byte' },
      { ...valid, firstName: '' },
      { ...valid, firstName: 'x'.repeat(101) },
      { ...valid, roleId: 'not-a-uuid' },
      { ...valid, isAdmin: true },
      { ...valid, firstName: ['array'] },
    ]) {
      const response = await post(adminA, '/api/v1/admin/users', payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect(await countUsers()).toBe(before);
  });

  it('needs the users.invite permission', async () => {
    const supervisor = await signedInUser(t, { tenant: adminA.tenant, username: 'sup.a', role: 'Supervisor' });
    const agent = await roleNamed(t, adminA.tenant.id, 'Agent');
    const response = await post(supervisor, '/api/v1/admin/users', { username: 'x.y', email: 'x@example.test', firstName: 'X', lastName: 'Y', roleId: agent.id });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('PERMISSION_DENIED');
  });

  it('lets an administrator grant only a role within their own permissions', async () => {
    const inviterRole = newId();
    await t.deps.db
      .insertInto('roles')
      .values({ id: inviterRole, tenant_id: adminA.tenant.id, name: 'Inviter', name_canonical: 'inviter', built_in: false, permissions: ['users.invite'], created_at: t.clock.now() })
      .execute();
    const inviter = await signedInUser(t, { tenant: adminA.tenant, username: 'inviter.a', role: 'Inviter' });
    const agent = await roleNamed(t, adminA.tenant.id, 'Agent');
    const before = await countUsers();
    const response = await post(inviter, '/api/v1/admin/users', { username: 'too.much', email: 'tm@example.test', firstName: 'T', lastName: 'M', roleId: agent.id });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('ROLE_NOT_GRANTABLE');
    expect(await countUsers()).toBe(before);
    const same = await post(inviter, '/api/v1/admin/users', { username: 'same.role', email: 'sr@example.test', firstName: 'S', lastName: 'R', roleId: inviterRole });
    expect(same.statusCode).toBe(201);
  });
});

describe('tenant isolation', () => {
  it("cannot use another tenant's role or team, and stores nothing", async () => {
    const roleOfB = await roleNamed(t, adminB.tenant.id, 'Agent');
    const teamOfB = await post(adminB, '/api/v1/admin/teams', { name: 'B Team' });
    const before = await countUsers();
    const withRole = await post(adminA, '/api/v1/admin/users', { username: 'cross.role', email: 'cr@example.test', firstName: 'C', lastName: 'R', roleId: roleOfB.id });
    expect(withRole.statusCode).toBe(404);
    expect(withRole.json().error.code).toBe('ROLE_NOT_FOUND');
    const agentOfA = await roleNamed(t, adminA.tenant.id, 'Agent');
    const withTeam = await post(adminA, '/api/v1/admin/users', {
      username: 'cross.team',
      email: 'ct@example.test',
      firstName: 'C',
      lastName: 'T',
      roleId: agentOfA.id,
      teamId: teamOfB.json().id,
    });
    expect(withTeam.statusCode).toBe(404);
    expect(withTeam.json().error.code).toBe('TEAM_NOT_FOUND');
    expect(await countUsers()).toBe(before);
  });

  it("cannot resend another tenant's invitation, and sees only its own roles and teams", async () => {
    const agentOfB = await roleNamed(t, adminB.tenant.id, 'Agent');
    const invited = await post(adminB, '/api/v1/admin/users', { username: 'b.pending', email: 'bp@example.test', firstName: 'B', lastName: 'P', roleId: agentOfB.id });
    const userOfB = invited.json().user.id as string;
    const invitationsBefore = await t.deps.db.selectFrom('single_use_links').selectAll().where('user_id', '=', userOfB).execute();

    const resend = await post(adminA, `/api/v1/admin/users/${userOfB}/invitation`);
    expect(resend.statusCode).toBe(404);
    expect(resend.json().error.code).toBe('USER_NOT_FOUND');
    expect(await t.deps.db.selectFrom('single_use_links').selectAll().where('user_id', '=', userOfB).execute()).toEqual(invitationsBefore);

    const ownResend = await post(adminB, `/api/v1/admin/users/${userOfB}/invitation`);
    expect(ownResend.statusCode).toBe(201);

    const roles = await get(adminA, '/api/v1/admin/roles');
    expect(roles.json().items.map((role: { name: string }) => role.name).sort()).toEqual(['Administrator', 'Agent', 'Inviter', 'Supervisor']);
    const roleIdsOfB = new Set((await t.deps.roles.listRoles(adminB.tenant.id)).map((role) => role.id));
    expect(roles.json().items.some((role: { id: string }) => roleIdsOfB.has(role.id))).toBe(false);
    const teams = await get(adminA, '/api/v1/admin/teams');
    expect(teams.json().items.map((team: { name: string }) => team.name)).toEqual(['Sales-Oz']);
  });

  it("keeps a session in its own tenant: /me answers the session's tenant only", async () => {
    const meA = await get(adminA, '/api/v1/me');
    const meB = await get(adminB, '/api/v1/me');
    expect(meA.json().tenant.id).toBe(adminA.tenant.id);
    expect(meB.json().tenant.id).toBe(adminB.tenant.id);
  });
});

describe('teams', () => {
  it('refuses a duplicate team name in the same tenant but allows it in another', async () => {
    const first = await post(adminA, '/api/v1/admin/teams', { name: 'Night Shift' });
    expect(first.statusCode).toBe(201);
    const duplicate = await post(adminA, '/api/v1/admin/teams', { name: 'night shift' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('TEAM_NAME_TAKEN');
    expect((await post(adminB, '/api/v1/admin/teams', { name: 'Night Shift' })).statusCode).toBe(201);
    const origin = await t.app.inject({ method: 'POST', url: '/api/v1/admin/teams', headers: { cookie: adminA.cookie, origin: 'https://evil.example' }, payload: { name: 'Evil' } });
    expect(origin.json().error.code).toBe('CSRF_REJECTED');
    expect(testOrigin).toBe(adminA.headers.origin);
  });
});

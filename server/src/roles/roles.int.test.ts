import { contactCenterDefaultPolicy, passwordPolicyPresets } from '@lanyard/contracts/password-policy';
import { builtInRoles, type Permission } from '@lanyard/contracts/permissions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../kernel/ids.ts';
import { roleNamed, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let adminA: SignedInUser;
let adminB: SignedInUser;
let supervisorA: SignedInUser;
let agentA: SignedInUser;
let teamLead: SignedInUser;
let teamLeadRole: string;
let presenceOnlyRole: string;

/** A role of the kind the roles editor will make; inserted directly, as there is no route to create one yet. */
async function insertRole(tenantId: string, name: string, permissions: string[]): Promise<string> {
  const id = newId();
  await t.deps.db
    .insertInto('roles')
    .values({ id, tenant_id: tenantId, name, name_canonical: name.toLowerCase(), built_in: false, permissions, created_at: t.clock.now() })
    .execute();
  return id;
}

beforeAll(async () => {
  t = await createTestApp();
  adminA = await signedInUser(t, { tenantName: 'Roles A', username: 'marilla.a' });
  adminB = await signedInUser(t, { tenantName: 'Roles B', username: 'rachel.b' });
  supervisorA = await signedInUser(t, { tenant: adminA.tenant, username: 'matthew.a', role: 'Supervisor' });
  agentA = await signedInUser(t, { tenant: adminA.tenant, username: 'ruby.a', role: 'Agent' });
  teamLeadRole = await insertRole(adminA.tenant.id, 'Team Lead', ['users.view', 'users.invite', 'profile.edit', 'presence.use']);
  presenceOnlyRole = await insertRole(adminA.tenant.id, 'Presence Only', ['presence.use']);
  teamLead = await signedInUser(t, { tenant: adminA.tenant, username: 'jane.a', role: 'Team Lead' });
});
afterAll(async () => t.close());

const request = (who: SignedInUser | undefined, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: who?.headers ?? { origin: t.config.publicUrl.origin },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

/** Everything an invitation or a policy change would write. */
async function storedCounts() {
  const count = async (table: 'users' | 'memberships' | 'single_use_links' | 'outbox_messages' | 'audit_events') =>
    (await t.deps.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n;
  return {
    users: await count('users'),
    memberships: await count('memberships'),
    invitations: await count('single_use_links'),
    outbox: await count('outbox_messages'),
    audit: await count('audit_events'),
  };
}

const roleRow = (id: string) => t.deps.db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

let invitee = 0;
const inviteBody = (roleId: string) => {
  invitee += 1;
  return { username: `invitee.${invitee}`, email: `invitee.${invitee}@example.test`, firstName: 'Invited', lastName: 'Person', roleId };
};

describe('listing roles', () => {
  it('lists the built-in and custom roles of the tenant by name, with their permissions', async () => {
    const response = await request(adminA, 'GET', '/api/v1/admin/roles');
    expect(response.statusCode).toBe(200);
    const items = response.json().items as { id: string; name: string; builtIn: boolean; permissions: string[] }[];
    expect(items.map((role) => role.name)).toEqual(['Administrator', 'Agent', 'Presence Only', 'Supervisor', 'Team Lead']);
    for (const definition of builtInRoles) {
      expect(items.find((role) => role.name === definition.name)).toMatchObject({ builtIn: true, permissions: [...definition.permissions] });
    }
    expect(items.find((role) => role.id === teamLeadRole)).toEqual({ id: teamLeadRole, name: 'Team Lead', builtIn: false, permissions: ['users.view', 'users.invite', 'profile.edit', 'presence.use'] });
  });

  it('neither shows nor grants a permission that is not in the catalogue', async () => {
    const legacy = await insertRole(adminA.tenant.id, 'Legacy', ['presence.use', 'legacy.removed']);
    const listed = (await request(adminA, 'GET', '/api/v1/admin/roles')).json().items.find((role: { id: string }) => role.id === legacy);
    expect(listed.permissions).toEqual(['presence.use']);
    const user = await signedInUser(t, { tenant: adminA.tenant, username: 'legacy.a', role: 'Legacy' });
    expect((await request(user, 'GET', '/api/v1/me')).json().permissions).toEqual(['presence.use']);
  });

  it('needs users.view, and a signed-in caller', async () => {
    expect((await request(supervisorA, 'GET', '/api/v1/admin/roles')).statusCode).toBe(200);
    const denied = await request(agentA, 'GET', '/api/v1/admin/roles');
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toMatchObject({ code: 'PERMISSION_DENIED', details: { missing: ['users.view'] } });
    const anonymous = await request(undefined, 'GET', '/api/v1/admin/roles');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('AUTH_REQUIRED');
  });
});

describe('granting roles (same or lower)', () => {
  it('refuses a role holding any permission the inviter lacks, and stores nothing', async () => {
    const before = await storedCounts();
    for (const name of ['Agent', 'Supervisor', 'Administrator']) {
      const role = await roleNamed(t, adminA.tenant.id, name);
      const response = await request(teamLead, 'POST', '/api/v1/admin/users', inviteBody(role.id));
      expect(response.statusCode, name).toBe(403);
      expect(response.json().error).toMatchObject({ code: 'ROLE_NOT_GRANTABLE', details: { roleId: role.id } });
    }
    expect(await storedCounts()).toEqual(before);
  });

  it('allows a role with fewer permissions, or exactly the same ones in any order', async () => {
    const reordered = await insertRole(adminA.tenant.id, 'Team Lead Copy', ['presence.use', 'profile.edit', 'users.invite', 'users.view']);
    for (const roleId of [presenceOnlyRole, teamLeadRole, reordered]) {
      const response = await request(teamLead, 'POST', '/api/v1/admin/users', inviteBody(roleId));
      expect(response.statusCode, roleId).toBe(201);
      const membership = await t.deps.db.selectFrom('memberships').selectAll().where('user_id', '=', response.json().user.id).executeTakeFirstOrThrow();
      expect(membership).toMatchObject({ tenant_id: adminA.tenant.id, role_id: roleId });
    }
  });

  it('lets an administrator grant every role, the Administrator role included', async () => {
    const administrator = await roleNamed(t, adminA.tenant.id, 'Administrator');
    expect((await request(adminA, 'POST', '/api/v1/admin/users', inviteBody(administrator.id))).statusCode).toBe(201);
  });

  it('judges the inviter by the permissions their role holds now, not when they signed in', async () => {
    const lead = await signedInUser(t, { tenant: adminA.tenant, username: 'lead.two', role: 'Team Lead' });
    const wider = await insertRole(adminA.tenant.id, 'Wider Lead', ['users.view', 'users.invite', 'profile.edit', 'presence.use', 'audit.view']);
    const before = await storedCounts();
    expect((await request(lead, 'POST', '/api/v1/admin/users', inviteBody(wider))).json().error.code).toBe('ROLE_NOT_GRANTABLE');
    expect(await storedCounts()).toEqual(before);
    const widened: Permission[] = ['users.view', 'users.invite', 'profile.edit', 'presence.use', 'audit.view'];
    await t.deps.db.updateTable('roles').set({ permissions: widened }).where('id', '=', teamLeadRole).execute();
    try {
      expect((await request(lead, 'POST', '/api/v1/admin/users', inviteBody(wider))).statusCode).toBe(201);
    } finally {
      await t.deps.db.updateTable('roles').set({ permissions: ['users.view', 'users.invite', 'profile.edit', 'presence.use'] }).where('id', '=', teamLeadRole).execute();
    }
  });
});

describe("a role's password policy", () => {
  const strict = passwordPolicyPresets[1].policy;

  it('sets and clears an override, recorded in the audit log', async () => {
    const agent = await roleNamed(t, adminA.tenant.id, 'Agent');
    const set = await request(adminA, 'PUT', `/api/v1/admin/roles/${agent.id}/password-policy`, { passwordPolicy: strict });
    expect(set.statusCode).toBe(204);
    expect((await roleRow(agent.id)).password_policy).toEqual(strict);
    const settings = (await request(adminA, 'GET', '/api/v1/admin/security/password-policy')).json();
    expect(settings.roles.find((role: { id: string }) => role.id === agent.id).passwordPolicy).toEqual(strict);
    expect((await request(agentA, 'GET', '/api/v1/me/password-policy')).json().passwordPolicy).toEqual(strict);

    const cleared = await request(adminA, 'PUT', `/api/v1/admin/roles/${agent.id}/password-policy`, { passwordPolicy: null });
    expect(cleared.statusCode).toBe(204);
    expect((await roleRow(agent.id)).password_policy).toBeNull();
    expect((await request(agentA, 'GET', '/api/v1/me/password-policy')).json().passwordPolicy).toEqual(contactCenterDefaultPolicy);
    const events = await t.deps.audit.list(adminA.tenant.id, { action: 'policy.changed', limit: 10 });
    expect(events.filter((event) => event.targetType === 'role' && event.targetId === agent.id)).toHaveLength(2);
  });

  it('refuses bad input with a coded 4xx and stores nothing', async () => {
    const agent = await roleNamed(t, adminA.tenant.id, 'Agent');
    const before = await roleRow(agent.id);
    const counts = await storedCounts();
    const cases: [string, unknown, number, string][] = [
      ['not-a-uuid', { passwordPolicy: null }, 400, 'VALIDATION_FAILED'],
      [agent.id, {}, 400, 'VALIDATION_FAILED'],
      [agent.id, { passwordPolicy: { ...strict, unknown: 1 } }, 400, 'VALIDATION_FAILED'],
      [agent.id, { passwordPolicy: 'strict' }, 400, 'VALIDATION_FAILED'],
      [agent.id, { passwordPolicy: { ...strict, minLength: 100, maxLength: 20 } }, 422, 'PASSWORD_POLICY_INVALID'],
      ['01890a5d-ac96-774b-bcce-b302099a8057', { passwordPolicy: null }, 404, 'ROLE_NOT_FOUND'],
    ];
    for (const [roleId, payload, status, code] of cases) {
      const response = await request(adminA, 'PUT', `/api/v1/admin/roles/${roleId}/password-policy`, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.json().error.code).toBe(code);
    }
    expect(await roleRow(agent.id)).toEqual(before);
    expect(await storedCounts()).toEqual(counts);
  });

  it('needs security.policies.manage', async () => {
    const agent = await roleNamed(t, adminA.tenant.id, 'Agent');
    const response = await request(supervisorA, 'PUT', `/api/v1/admin/roles/${agent.id}/password-policy`, { passwordPolicy: strict });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('PERMISSION_DENIED');
    expect((await roleRow(agent.id)).password_policy).toBeNull();
  });
});

describe('tenant isolation', () => {
  it("does not list another tenant's roles", async () => {
    const ofB = (await request(adminB, 'GET', '/api/v1/admin/roles')).json().items as { id: string; name: string }[];
    expect(ofB.map((role) => role.name)).toEqual(['Administrator', 'Agent', 'Supervisor']);
    const idsOfA = new Set((await t.deps.roles.listRoles(adminA.tenant.id)).map((role) => role.id));
    expect(ofB.some((role) => idsOfA.has(role.id))).toBe(false);
  });

  it("cannot change another tenant's role or grant it: 404 ROLE_NOT_FOUND, the role unchanged and nothing recorded", async () => {
    const rolesOfA = await t.deps.roles.listRoles(adminA.tenant.id);
    const before = await Promise.all(rolesOfA.map((role) => roleRow(role.id)));
    const counts = await storedCounts();
    for (const role of rolesOfA) {
      const policy = await request(adminB, 'PUT', `/api/v1/admin/roles/${role.id}/password-policy`, { passwordPolicy: passwordPolicyPresets[2].policy });
      expect(policy.statusCode, role.name).toBe(404);
      expect(policy.json().error.code).toBe('ROLE_NOT_FOUND');
      const invite = await request(adminB, 'POST', '/api/v1/admin/users', inviteBody(role.id));
      expect(invite.statusCode, role.name).toBe(404);
      expect(invite.json().error.code).toBe('ROLE_NOT_FOUND');
    }
    expect(await Promise.all(rolesOfA.map((role) => roleRow(role.id)))).toEqual(before);
    expect(await storedCounts()).toEqual(counts);
  });
});

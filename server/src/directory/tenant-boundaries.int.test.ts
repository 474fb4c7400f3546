import { allPermissions } from '@lanyard/contracts/permissions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFor, addAccessKey, login, roleNamed, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { enrolTotp, loginWithTotp } from '../testing/mfa-journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

/**
 * @see issue 20 (the outside probe's tenant-boundary findings, paths 2 and 3): another tenant's administrator could reset the MFA
 * of, disable, issue unlock codes for and send password resets to a person homed elsewhere, none of it in the home tenant's audit;
 * and a custom role with `users.edit` could do the same to an Administrator. Each path is replayed here and shown refused by its
 * effect: state unchanged, nothing in the home tenant's log, the refusal's code.
 */

let t: TestApp;
/** T1's administrator, the one reaching across. */
let t1Admin: SignedInUser;
/** T2's administrator and the person homed in T2 who also belongs to T1 (an Administrator in T2, an Agent in T1). */
let t2Admin: SignedInUser;
let victim: SignedInUser;
let victimTotpSecret: string;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const call = (who: Pick<SignedInUser, 'headers'>, method: Method, url: string, payload?: Record<string, unknown>) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload === undefined ? {} : { payload }) });

/** Everything an account-wide action would change, and the home tenant's audit. */
const accountState = async (userId: string, homeTenantId: string) => ({
  user: await t.deps.db.selectFrom('users').select(['status', 'home_tenant_id', 'default_tenant_id', 'email']).where('id', '=', userId).executeTakeFirstOrThrow(),
  totp: await t.deps.db.selectFrom('mfa_totp').select(['confirmed_at', 'last_used_step']).where('user_id', '=', userId).execute(),
  recoveryCodes: (await t.deps.db.selectFrom('mfa_recovery_codes').select('id').where('user_id', '=', userId).execute()).length,
  links: (await t.deps.db.selectFrom('single_use_links').select(['purpose', 'used_at', 'replaced_at']).where('user_id', '=', userId).execute()).length,
  credential: await t.deps.db.selectFrom('password_credentials').select(['password_hash', 'failed_login_count', 'locked_until']).where('user_id', '=', userId).executeTakeFirst(),
  homeAudit: (await t.deps.db.selectFrom('audit_events').select('id').where('tenant_id', '=', homeTenantId).where('target_id', '=', userId).execute()).length,
});

/** The membership rows of a person, by tenant. */
const membershipsOf = async (userId: string) =>
  Object.fromEntries(
    (await t.deps.db.selectFrom('memberships').select(['tenant_id', 'status_base', 'disabled', 'role_id']).where('user_id', '=', userId).execute()).map((row) => [row.tenant_id, row]),
  );

/** Gives a person of another tenant a membership here, as an accepted membership invitation does. */
async function joinTenant(person: SignedInUser, tenantId: string, roleName: string): Promise<void> {
  const role = await roleNamed(t, tenantId, roleName);
  const user = await t.deps.users.getUser(person.userId);
  await t.deps.db.transaction().execute((trx) => t.deps.users.addMembership(tenantId, user, { roleId: role.id, teamId: null }, trx));
}

beforeAll(async () => {
  t = await createTestApp();
  t1Admin = await signedInUser(t, { tenantName: 'Boundary One', username: 'one.admin' });
  t2Admin = await signedInUser(t, { tenantName: 'Boundary Two', username: 'two.admin' });
  victim = await signedInUser(t, { tenant: t2Admin.tenant, username: 'two.victim', role: 'Administrator' });
  victimTotpSecret = (await enrolTotp(t, victim)).secret;
  await joinTenant(victim, t1Admin.tenant.id, 'Supervisor');
});
afterAll(async () => t.close());

describe("another tenant's administrator manages only the membership", () => {
  it("shows the person as managed elsewhere, without naming the home tenant, and offers only membership actions", async () => {
    const page = await call(t1Admin, 'GET', `/api/v1/admin/users/${victim.userId}`);
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json()).toMatchObject({ managedHere: false, homeTenant: null, allowedActions: { membership: true, account: false } });
    // The memberships list names only this tenant.
    expect(page.json().memberships.map((entry: { tenant: { id: string } }) => entry.tenant.id)).toEqual([t1Admin.tenant.id]);
    const home = await call(t2Admin, 'GET', `/api/v1/admin/users/${victim.userId}`);
    expect(home.json()).toMatchObject({ managedHere: true, homeTenant: { id: t2Admin.tenant.id, name: 'Boundary Two' }, allowedActions: { membership: true, account: true } });
  });

  it('refuses every account-wide action with ACCOUNT_MANAGED_ELSEWHERE and changes nothing (MFA reset, password reset, unlock, unlock code)', async () => {
    const before = await accountState(victim.userId, t2Admin.tenant.id);
    const emailsBefore = (await t.mailbox()).filter((email) => email.to.includes('two.victim@example.test')).length;
    for (const action of ['mfa-reset', 'password-reset', 'unlock', 'unlock-code']) {
      const response = await call(t1Admin, 'POST', `/api/v1/admin/users/${victim.userId}/${action}`);
      expect(response.statusCode, `${action}: ${response.body}`).toBe(403);
      expect(response.json().error.code).toBe('ACCOUNT_MANAGED_ELSEWHERE');
    }
    expect(await accountState(victim.userId, t2Admin.tenant.id)).toEqual(before);
    expect(before.totp).toHaveLength(1);
    // No email reached the person either.
    expect((await t.mailbox()).filter((email) => email.to.includes('two.victim@example.test'))).toHaveLength(emailsBefore);
    // The victim still signs in to T2 with their code, as an Administrator there.
    const cookie = await loginWithTotp(t, 'two.victim', victimTotpSecret);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    expect(me.json()).toMatchObject({ tenant: { id: t2Admin.tenant.id }, role: { name: 'Administrator' } });
  });

  it('the home tenant may take the same actions (MFA reset shown as an example)', async () => {
    const other = await signedInUser(t, { tenant: t2Admin.tenant, username: 'two.other', role: 'Agent' });
    await enrolTotp(t, other);
    const reset = await call(t2Admin, 'POST', `/api/v1/admin/users/${other.userId}/mfa-reset`);
    expect(reset.statusCode, reset.body).toBe(204);
    expect(await t.deps.db.selectFrom('mfa_totp').select('user_id').where('user_id', '=', other.userId).execute()).toEqual([]);
  });

  it("disabling from another tenant disables only that membership: its sessions and tokens end, the account and its home are untouched", async () => {
    const inT1 = await login(t, 'two.victim').catch(() => undefined);
    // The victim has TOTP: their password step asks for the code; sign in and switch into T1 to hold a session there.
    expect(inT1).toBeUndefined();
    const cookie = await loginWithTotp(t, 'two.victim', victimTotpSecret);
    const switched = await t.app.inject({ method: 'POST', url: '/api/v1/me/tenant', headers: { cookie, origin: t.config.publicUrl.origin }, payload: { tenantId: t1Admin.tenant.id } });
    expect(switched.statusCode, switched.body).toBe(200);
    const t1Key = await addAccessKey(t, { ...victim, cookie, headers: { cookie, origin: t.config.publicUrl.origin } });
    const t1Token = await accessTokenFor(t, t1Key);
    const homeBefore = await accountState(victim.userId, t2Admin.tenant.id);

    const disabled = await call(t1Admin, 'PATCH', `/api/v1/admin/users/${victim.userId}`, { status: 'disabled' });
    expect(disabled.statusCode, disabled.body).toBe(200);
    expect(disabled.json().status).toBe('disabled');
    const memberships = await membershipsOf(victim.userId);
    expect(memberships[t1Admin.tenant.id]).toMatchObject({ disabled: true, status_base: 'disabled' });
    expect(memberships[t2Admin.tenant.id]).toMatchObject({ disabled: false, status_base: 'enabled' });
    expect(await accountState(victim.userId, t2Admin.tenant.id)).toEqual(homeBefore);
    // The session in T1 and the token of T1 stop; T2 still sees an enabled Administrator.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${t1Token}` } })).statusCode).toBe(401);
    expect((await call(t2Admin, 'GET', `/api/v1/admin/users/${victim.userId}`)).json().status).toBe('enabled');
    // Sign-in still lands in T2; switching into T1 is refused; T1 is not among their tenants.
    const again = await loginWithTotp(t, 'two.victim', victimTotpSecret);
    const headers = { cookie: again, origin: t.config.publicUrl.origin };
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers })).json().tenant.id).toBe(t2Admin.tenant.id);
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/me/tenant', headers, payload: { tenantId: t1Admin.tenant.id } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('TENANT_MEMBERSHIP_REQUIRED');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me/tenants', headers })).json().items.map((item: { id: string }) => item.id)).toEqual([t2Admin.tenant.id]);
    // Audited in T1, the tenant that acted, as a membership change.
    const event = (await t.deps.audit.list(t1Admin.tenant.id, { limit: 50 })).find((entry) => entry.action === 'user.disabled' && entry.targetId === victim.userId);
    expect(event).toMatchObject({ actorUserId: t1Admin.userId, details: { scope: 'membership' } });

    // Enabling the membership again lets the person switch in; the old T1 token stays dead.
    expect((await call(t1Admin, 'PATCH', `/api/v1/admin/users/${victim.userId}`, { status: 'enabled' })).json().status).toBe('enabled');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/me/tenant', headers, payload: { tenantId: t1Admin.tenant.id } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${t1Token}` } })).statusCode).toBe(401);
  });

  it('a membership disabled in the default tenant moves sign-in to another enabled membership', async () => {
    const person = await signedInUser(t, { tenant: t2Admin.tenant, username: 'two.default', role: 'Agent' });
    await joinTenant(person, t1Admin.tenant.id, 'Agent');
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/me/default-tenant', headers: person.headers, payload: { tenantId: t1Admin.tenant.id } })).statusCode).toBe(204);
    expect((await call(t1Admin, 'PATCH', `/api/v1/admin/users/${person.userId}`, { status: 'disabled' })).statusCode).toBe(200);
    const cookie = await login(t, 'two.default');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).json().tenant.id).toBe(t2Admin.tenant.id);
  });
});

describe('rank: an administrator acts only on people whose every permission they hold', () => {
  let helpdesk: SignedInUser;

  beforeAll(async () => {
    const role = await call(t2Admin, 'POST', '/api/v1/admin/roles', {
      name: 'Helpdesk',
      permissions: ['users.view', 'users.edit', 'users.invite', 'accessKeys.manage', 'accessKeys.own.create', 'support.downloads.view', 'profile.edit', 'profile.wfmNotifications', 'presence.use'],
    });
    expect(role.statusCode, role.body).toBe(201);
    helpdesk = await signedInUser(t, { tenant: t2Admin.tenant, username: 'two.helpdesk', role: 'Helpdesk' });
  });

  it("refuses MFA reset, password reset, unlock codes, status and role changes and removal of an Administrator with PERMISSION_DENIED, changing nothing", async () => {
    const before = { account: await accountState(victim.userId, t2Admin.tenant.id), memberships: await membershipsOf(victim.userId) };
    for (const action of ['mfa-reset', 'password-reset', 'unlock', 'unlock-code']) {
      const response = await call(helpdesk, 'POST', `/api/v1/admin/users/${victim.userId}/${action}`);
      expect(response.statusCode, `${action}: ${response.body}`).toBe(403);
      expect(response.json().error.code).toBe('PERMISSION_DENIED');
    }
    const agentRole = await roleNamed(t, t2Admin.tenant.id, 'Agent');
    for (const change of [{ status: 'disabled' }, { roleId: agentRole.id }, { teamId: null }]) {
      const response = await call(helpdesk, 'PATCH', `/api/v1/admin/users/${victim.userId}`, change);
      expect(response.statusCode, JSON.stringify(change)).toBe(403);
      expect(response.json().error.code).toBe('PERMISSION_DENIED');
    }
    const removal = await call(helpdesk, 'DELETE', `/api/v1/admin/users/${victim.userId}`);
    expect(removal.statusCode).toBe(403);
    expect(removal.json().error.code).toBe('PERMISSION_DENIED');
    expect({ account: await accountState(victim.userId, t2Admin.tenant.id), memberships: await membershipsOf(victim.userId) }).toEqual(before);
    // The user page says so.
    expect((await call(helpdesk, 'GET', `/api/v1/admin/users/${victim.userId}`)).json().allowedActions).toEqual({ membership: false, account: false });
  });

  it("refuses deactivating or deleting an Administrator's access key, and allows a Supervisor's", async () => {
    const key = await addAccessKey(t, t2Admin);
    const refused = await call(helpdesk, 'PATCH', `/api/v1/admin/access-keys/${key.id}`, { state: 'inactive' });
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().error.code).toBe('PERMISSION_DENIED');
    expect((await call(helpdesk, 'DELETE', `/api/v1/admin/access-keys/${key.id}`)).statusCode).toBe(403);
    expect(await t.deps.db.selectFrom('access_keys').select('state').where('id', '=', key.id).executeTakeFirstOrThrow()).toEqual({ state: 'active' });

    const agent = await signedInUser(t, { tenant: t2Admin.tenant, username: 'two.agent.key', role: 'Supervisor' });
    const agentKey = await addAccessKey(t, agent);
    const allowed = await call(helpdesk, 'PATCH', `/api/v1/admin/access-keys/${agentKey.id}`, { state: 'inactive' });
    expect(allowed.statusCode, allowed.body).toBe(200);
  });
});

describe('removing a person from a tenant', () => {
  it('ends their sessions there and keeps the account; their home tenant sees no change', async () => {
    const person = await signedInUser(t, { tenant: t2Admin.tenant, username: 'two.leaver', role: 'Agent' });
    await joinTenant(person, t1Admin.tenant.id, 'Agent');
    const switched = await t.app.inject({ method: 'POST', url: '/api/v1/me/tenant', headers: person.headers, payload: { tenantId: t1Admin.tenant.id } });
    expect(switched.statusCode).toBe(200);
    const removed = await call(t1Admin, 'DELETE', `/api/v1/admin/users/${person.userId}`);
    expect(removed.statusCode, removed.body).toBe(204);
    expect(Object.keys(await membershipsOf(person.userId))).toEqual([t2Admin.tenant.id]);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: person.headers })).statusCode).toBe(401);
    expect((await call(t1Admin, 'GET', `/api/v1/admin/users/${person.userId}`)).statusCode).toBe(404);
    const cookie = await login(t, 'two.leaver');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).json().tenant.id).toBe(t2Admin.tenant.id);
    const event = (await t.deps.audit.list(t1Admin.tenant.id, { limit: 100 })).find((entry) => entry.action === 'user.membership.removed' && entry.targetId === person.userId);
    expect(event).toMatchObject({ actorUserId: t1Admin.userId, details: { accountDisabled: false, homeMoved: false } });
    // Removing again, or someone who never was a member here, is USER_NOT_FOUND.
    expect((await call(t1Admin, 'DELETE', `/api/v1/admin/users/${person.userId}`)).json().error.code).toBe('USER_NOT_FOUND');
    expect((await call(t1Admin, 'DELETE', `/api/v1/admin/users/${t2Admin.userId}`)).json().error.code).toBe('USER_NOT_FOUND');
  });

  it('from the home tenant, moves the home to the membership left; an account left with none is disabled, never deleted', async () => {
    const person = await signedInUser(t, { tenant: t1Admin.tenant, username: 'one.mover', role: 'Agent' });
    await joinTenant(person, t2Admin.tenant.id, 'Agent');
    expect((await call(t1Admin, 'DELETE', `/api/v1/admin/users/${person.userId}`)).statusCode).toBe(204);
    const moved = await t.deps.db.selectFrom('users').select(['home_tenant_id', 'default_tenant_id', 'status']).where('id', '=', person.userId).executeTakeFirstOrThrow();
    expect(moved).toEqual({ home_tenant_id: t2Admin.tenant.id, default_tenant_id: t2Admin.tenant.id, status: 'active' });
    expect((await call(t2Admin, 'GET', `/api/v1/admin/users/${person.userId}`)).json().managedHere).toBe(true);
    expect((await t.deps.audit.list(t2Admin.tenant.id, { limit: 100 })).some((entry) => entry.action === 'user.homeTenant.changed' && entry.targetId === person.userId)).toBe(true);

    expect((await call(t2Admin, 'DELETE', `/api/v1/admin/users/${person.userId}`)).statusCode).toBe(204);
    const left = await t.deps.db.selectFrom('users').select(['status']).where('id', '=', person.userId).executeTakeFirstOrThrow();
    expect(left.status).toBe('disabled');
    await expect(login(t, 'one.mover')).rejects.toThrow(/401/);
  });

  it('refuses removing yourself and the last active Administrator, changing nothing', async () => {
    const self = await call(t1Admin, 'DELETE', `/api/v1/admin/users/${t1Admin.userId}`);
    expect(self.statusCode).toBe(409);
    expect(self.json().error.code).toBe('CANNOT_REMOVE_SELF');
    // Someone holding every permission, under a custom role, may act on the Administrator (rank), but not take away the last one.
    const owner = await call(t1Admin, 'POST', '/api/v1/admin/roles', { name: 'Owner', permissions: [...allPermissions] });
    expect(owner.statusCode, owner.body).toBe(201);
    const deputy = await signedInUser(t, { tenant: t1Admin.tenant, username: 'one.deputy', role: 'Owner' });
    const before = await membershipsOf(t1Admin.userId);
    const refused = await call(deputy, 'DELETE', `/api/v1/admin/users/${t1Admin.userId}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('LAST_ADMINISTRATOR');
    const disable = await call(deputy, 'PATCH', `/api/v1/admin/users/${t1Admin.userId}`, { status: 'disabled' });
    expect(disable.json().error.code).toBe('LAST_ADMINISTRATOR');
    expect(await membershipsOf(t1Admin.userId)).toEqual(before);
    // With a second enabled Administrator, the removal goes through.
    await signedInUser(t, { tenant: t1Admin.tenant, username: 'one.second', role: 'Administrator' });
    expect((await call(deputy, 'DELETE', `/api/v1/admin/users/${t1Admin.userId}`)).statusCode).toBe(204);
  });
});

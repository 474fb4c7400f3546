import { administratorPermissions, allPermissions, builtInRoles } from '@lanyard/contracts/permissions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { accessTokenFor, addAccessKey, roleNamed, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { testStorageKind } from '../testing/test-database.ts';

let t: TestApp;
let adminA: SignedInUser;
let adminB: SignedInUser;
let supervisorA: SignedInUser;
let editor: SignedInUser;

/** A role editor who holds roles.manage but little else. */
const editorPermissions = ['accessKeys.own.create', 'users.view', 'roles.manage', 'presence.use'];

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const request = (who: SignedInUser, method: Method, url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
const createRole = (who: SignedInUser, payload: unknown) => request(who, 'POST', '/api/v1/admin/roles', payload);
const patchRole = (who: SignedInUser, roleId: string, payload: unknown) => request(who, 'PATCH', `/api/v1/admin/roles/${roleId}`, payload);
const deleteRole = (who: SignedInUser, roleId: string) => request(who, 'DELETE', `/api/v1/admin/roles/${roleId}`);

const roleRows = () => t.deps.db.selectFrom('roles').selectAll().orderBy('id').execute();
const auditCount = async () => Number((await t.deps.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
const stored = async () => ({ roles: await roleRows(), audit: await auditCount() });
const eventsFor = async (roleId: string) =>
  (await t.deps.audit.list(adminA.tenant.id, { limit: 100 })).filter((event) => event.targetType === 'role' && event.targetId === roleId);

beforeAll(async () => {
  t = await createTestApp();
  adminA = await signedInUser(t, { tenantName: 'Role Admin A', username: 'anne.roles' });
  adminB = await signedInUser(t, { tenantName: 'Role Admin B', username: 'diana.roles' });
  supervisorA = await signedInUser(t, { tenant: adminA.tenant, username: 'marilla.roles', role: 'Supervisor' });
  const created = await createRole(adminA, { name: 'Role Editor', permissions: editorPermissions });
  expect(created.statusCode).toBe(201);
  editor = await signedInUser(t, { tenant: adminA.tenant, username: 'josie.roles', role: 'Role Editor' });
});
afterAll(async () => t.close());

describe('creating a role', () => {
  it('stores a custom role with its permissions deduplicated in catalogue order, audited in the same transaction', async () => {
    const response = await createRole(adminA, { name: '  Quality Lead ', permissions: ['audit.view', 'users.view', 'audit.view'] });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toEqual({ id: expect.any(String), name: 'Quality Lead', builtIn: false, permissions: ['users.view', 'audit.view'] });
    const row = await t.deps.db.selectFrom('roles').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ tenant_id: adminA.tenant.id, name: 'Quality Lead', name_canonical: 'quality lead', built_in: false, permissions: ['users.view', 'audit.view'] });
    const [event] = await eventsFor(body.id);
    expect(event).toMatchObject({ action: 'role.created', result: 'success', actorUserId: adminA.userId, details: { name: 'Quality Lead', permissions: ['users.view', 'audit.view'] } });
    const listed = (await request(adminA, 'GET', '/api/v1/admin/roles')).json().items.map((role: { name: string }) => role.name);
    expect(listed).toContain('Quality Lead');
  });

  it('refuses bad input with coded answers and stores nothing', async () => {
    const before = await stored();
    const cases: [unknown, number, string][] = [
      [{ name: 'Ghost', permissions: ['users.view', 'users.delete'] }, 422, 'PERMISSION_UNKNOWN'],
      [{ name: 'administrator', permissions: [] }, 409, 'ROLE_NAME_TAKEN'],
      [{ name: 'ＱＵＡＬＩＴＹ lead', permissions: [] }, 409, 'ROLE_NAME_TAKEN'],
      [{ name: '', permissions: [] }, 400, 'VALIDATION_FAILED'],
      [{ name: 'No Permissions Field' }, 400, 'VALIDATION_FAILED'],
      [{ name: 'Extra', permissions: [], builtIn: true }, 400, 'VALIDATION_FAILED'],
      [{ name: 'Not a list', permissions: 'users.view' }, 400, 'VALIDATION_FAILED'],
      [{ name: 'Too many', permissions: Array.from({ length: 65 }, () => 'users.view') }, 400, 'VALIDATION_FAILED'],
      [{ name: 'Bidi \u202e', permissions: [] }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [payload, status, code] of cases) {
      const response = await createRole(adminA, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.json().error.code).toBe(code);
    }
    expect((await createRole(adminA, { name: 'Ghost', permissions: ['nope'] })).json().error.details).toEqual({ unknown: ['nope'] });
    expect(await stored()).toEqual(before);
  });

  it('refuses a role with any permission beyond the creator’s own (ROLE_NOT_GRANTABLE), and needs roles.manage', async () => {
    const before = await stored();
    const beyond = await createRole(editor, { name: 'Escalated', permissions: ['users.view', 'users.edit'] });
    expect(beyond.statusCode).toBe(403);
    expect(beyond.json().error).toMatchObject({ code: 'ROLE_NOT_GRANTABLE', details: { missing: ['users.edit'] } });
    const everything = await createRole(editor, { name: 'Everything', permissions: [...allPermissions] });
    expect(everything.json().error.code).toBe('ROLE_NOT_GRANTABLE');
    const denied = await createRole(supervisorA, { name: 'Supervisor Made', permissions: [] });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toMatchObject({ code: 'PERMISSION_DENIED', details: { missing: ['roles.manage'] } });
    expect(await stored()).toEqual(before);
    // The same or fewer permissions are fine.
    expect((await createRole(editor, { name: 'Editor Copy', permissions: [...editorPermissions].reverse() })).statusCode).toBe(201);
    expect((await createRole(editor, { name: 'Viewer', permissions: ['users.view'] })).statusCode).toBe(201);
  });
});

describe('editing a role', () => {
  it('renames a custom role and replaces its permissions, audited with before and after', async () => {
    const id = (await createRole(adminA, { name: 'Night Lead', permissions: ['users.view'] })).json().id as string;
    const response = await patchRole(adminA, id, { name: 'Night Supervisor', permissions: ['users.view', 'users.invite'] });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id, name: 'Night Supervisor', builtIn: false, permissions: ['users.view', 'users.invite'] });
    expect((await patchRole(adminA, id, { permissions: ['presence.use'] })).json().permissions).toEqual(['presence.use']);
    const updates = (await eventsFor(id)).filter((event) => event.action === 'role.updated');
    expect(updates.map((event) => event.details)).toEqual([
      { before: { name: 'Night Supervisor', permissions: ['users.view', 'users.invite'] }, after: { name: 'Night Supervisor', permissions: ['presence.use'] } },
      { before: { name: 'Night Lead', permissions: ['users.view'] }, after: { name: 'Night Supervisor', permissions: ['users.view', 'users.invite'] } },
    ]);
    // Nothing changes: no audit row.
    const audit = await auditCount();
    expect((await patchRole(adminA, id, { name: 'Night Supervisor', permissions: ['presence.use'] })).statusCode).toBe(200);
    expect(await auditCount()).toBe(audit);
  });

  it('protects the built-in roles: no renaming, and the Administrator role keeps every authority and no agent capability', async () => {
    const administrator = await roleNamed(t, adminA.tenant.id, 'Administrator');
    const supervisor = await roleNamed(t, adminA.tenant.id, 'Supervisor');
    const before = await stored();
    const cases: [string, unknown, string][] = [
      [administrator.id, { name: 'Owner' }, 'ROLE_BUILT_IN'],
      [supervisor.id, { name: 'Team Lead' }, 'ROLE_BUILT_IN'],
      [administrator.id, { permissions: allPermissions.filter((permission) => permission !== 'audit.view') }, 'ROLE_ADMINISTRATOR_FIXED'],
      [administrator.id, { permissions: [] }, 'ROLE_ADMINISTRATOR_FIXED'],
      // presence.use is an agent capability: the built-in Administrator is never given it.
      [administrator.id, { permissions: [...allPermissions] }, 'ROLE_ADMINISTRATOR_FIXED'],
    ];
    for (const [roleId, payload, code] of cases) {
      const response = await patchRole(adminA, roleId, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(409);
      expect(response.json().error.code).toBe(code);
    }
    expect(await stored()).toEqual(before);
    // Every authority, in any order, is the Administrator role as it is.
    expect((await patchRole(adminA, administrator.id, { permissions: [...administratorPermissions].reverse(), name: 'Administrator' })).statusCode).toBe(200);
    // A built-in role other than Administrator may have its permissions changed.
    const changed = await patchRole(adminA, supervisor.id, { permissions: [...builtInRoles[1].permissions, 'audit.view'] });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().permissions).toContain('audit.view');
  });

  it('refuses edits beyond the editor’s own permissions, unknown permissions, taken names and unknown roles, storing nothing', async () => {
    const quality = await roleNamed(t, adminA.tenant.id, 'Quality Lead');
    const viewer = await roleNamed(t, adminA.tenant.id, 'Viewer');
    const before = await stored();
    const cases: [SignedInUser, string, unknown, number, string][] = [
      // The role holds audit.view, which the editor lacks: out of their reach, even to remove it.
      [editor, quality.id, { permissions: ['users.view'] }, 403, 'ROLE_NOT_GRANTABLE'],
      [editor, viewer.id, { permissions: ['users.view', 'audit.view'] }, 403, 'ROLE_NOT_GRANTABLE'],
      [adminA, viewer.id, { permissions: ['users.view', 'made.up'] }, 422, 'PERMISSION_UNKNOWN'],
      [adminA, viewer.id, { name: 'quality lead' }, 409, 'ROLE_NAME_TAKEN'],
      [adminA, viewer.id, {}, 400, 'VALIDATION_FAILED'],
      [adminA, viewer.id, { name: 'X', extra: 1 }, 400, 'VALIDATION_FAILED'],
      [adminA, 'not-a-uuid', { name: 'X' }, 400, 'VALIDATION_FAILED'],
      [adminA, '01890a5d-ac96-774b-bcce-b302099a8057', { name: 'X' }, 404, 'ROLE_NOT_FOUND'],
      [supervisorA, viewer.id, { name: 'X' }, 403, 'PERMISSION_DENIED'],
    ];
    for (const [who, roleId, payload, status, code] of cases) {
      const response = await patchRole(who, roleId, payload);
      expect(response.statusCode, `${roleId} ${JSON.stringify(payload)}`).toBe(status);
      expect(response.json().error.code).toBe(code);
    }
    expect(await stored()).toEqual(before);
  });
});

describe('deleting a role', () => {
  it('deletes an unused custom role, audited; refuses built-in roles and roles in use, saying how many hold it', async () => {
    const unused = (await createRole(adminA, { name: 'Temporary', permissions: ['presence.use'] })).json().id as string;
    const used = (await createRole(adminA, { name: 'Held', permissions: ['presence.use'] })).json().id as string;
    await signedInUser(t, { tenant: adminA.tenant, username: 'held.one', role: 'Held' });
    await signedInUser(t, { tenant: adminA.tenant, username: 'held.two', role: 'Held' });
    const before = await stored();
    for (const definition of builtInRoles) {
      const role = await roleNamed(t, adminA.tenant.id, definition.name);
      const response = await deleteRole(adminA, role.id);
      expect(response.statusCode, definition.name).toBe(409);
      expect(response.json().error.code).toBe('ROLE_BUILT_IN');
    }
    const inUse = await deleteRole(adminA, used);
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().error).toMatchObject({ code: 'ROLE_IN_USE', details: { roleId: used, membersCount: 2 } });
    expect((await deleteRole(supervisorA, unused)).json().error.code).toBe('PERMISSION_DENIED');
    const quality = await roleNamed(t, adminA.tenant.id, 'Quality Lead');
    expect((await deleteRole(editor, quality.id)).json().error.code).toBe('ROLE_NOT_GRANTABLE');
    expect(await stored()).toEqual(before);

    expect((await deleteRole(adminA, unused)).statusCode).toBe(204);
    expect(await t.deps.db.selectFrom('roles').select('id').where('id', '=', unused).executeTakeFirst()).toBeUndefined();
    expect((await eventsFor(unused)).map((event) => event.action)).toEqual(['role.deleted', 'role.created']);
    expect((await deleteRole(adminA, unused)).json().error.code).toBe('ROLE_NOT_FOUND');
  });
});

describe("a change to a role's permissions", () => {
  it("reaches its members' sessions and access tokens at once, without waiting for a cache to age", async () => {
    const id = (await createRole(adminA, { name: 'Integrator', permissions: ['accessKeys.own.create', 'users.view'] })).json().id as string;
    const member = await signedInUser(t, { tenant: adminA.tenant, username: 'integrator.roles', role: 'Integrator' });
    const key = await addAccessKey(t, member);
    const token = await accessTokenFor(t, key);
    const roles = (app = t.app) => app.inject({ method: 'GET', url: '/api/v1/admin/roles', headers: { authorization: `Bearer ${token}` } });
    expect((await roles()).statusCode).toBe(200);
    expect((await request(member, 'GET', '/api/v1/admin/roles')).statusCode).toBe(200);

    expect((await patchRole(adminA, id, { permissions: ['accessKeys.own.create'] })).statusCode).toBe(200);
    // The test clock does not move: only the invalidation can make the credential cache forget.
    expect((await roles()).json().error.code).toBe('PERMISSION_DENIED');
    expect((await request(member, 'GET', '/api/v1/admin/roles')).json().error.code).toBe('PERMISSION_DENIED');
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.json().permissions).toEqual(['accessKeys.own.create']);
  });

  it.runIf(testStorageKind() === 'postgres')('reaches a second instance too (LISTEN/NOTIFY)', async () => {
    const peer = await t.secondInstance();
    try {
      const id = (await createRole(adminA, { name: 'Peer Integrator', permissions: ['accessKeys.own.create', 'users.view'] })).json().id as string;
      const member = await signedInUser(t, { tenant: adminA.tenant, username: 'peer.integrator', role: 'Peer Integrator' });
      const token = await accessTokenFor(peer, await addAccessKey(t, member));
      const roles = () => peer.app.inject({ method: 'GET', url: '/api/v1/admin/roles', headers: { authorization: `Bearer ${token}` } });
      expect((await roles()).statusCode).toBe(200);
      expect((await patchRole(adminA, id, { permissions: ['accessKeys.own.create'] })).statusCode).toBe(200);
      await vi.waitFor(async () => expect((await roles()).statusCode).toBe(403), { timeout: 5000, interval: 20 });
    } finally {
      await peer.close();
    }
  });
});

describe('tenant isolation', () => {
  it("answers 404 for another tenant's roles and changes nothing", async () => {
    const rolesOfA = await t.deps.roles.listRoles(adminA.tenant.id);
    const before = await stored();
    for (const role of rolesOfA) {
      const patched = await patchRole(adminB, role.id, { permissions: [] });
      expect(patched.statusCode, role.name).toBe(404);
      expect(patched.json().error.code).toBe('ROLE_NOT_FOUND');
      const deleted = await deleteRole(adminB, role.id);
      expect(deleted.statusCode, role.name).toBe(404);
      expect(deleted.json().error.code).toBe('ROLE_NOT_FOUND');
    }
    expect(await stored()).toEqual(before);
    // A name used in tenant A is free in tenant B.
    expect((await createRole(adminB, { name: 'Quality Lead', permissions: [] })).statusCode).toBe(201);
  });
});

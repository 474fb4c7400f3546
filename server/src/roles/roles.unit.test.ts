import { allPermissions, builtInRoles, type Permission } from '@lanyard/contracts/permissions';
import { describe, expect, it } from 'vitest';
import { builtInRolesFor, canGrant, isAdministratorRole, samePermissions, sortPermissions } from './roles.ts';

const builtIn = (name: string): readonly Permission[] => {
  const role = builtInRoles.find((candidate) => candidate.name === name);
  if (role === undefined) throw new Error(`no built-in role ${name}`);
  return role.permissions;
};

describe('canGrant (same or lower role)', () => {
  it('allows a role whose permissions are a subset of, or equal to, the granter’s', () => {
    const own = new Set<Permission>(['users.view', 'users.invite', 'presence.use']);
    expect(canGrant(own, { permissions: ['presence.use'] })).toBe(true);
    expect(canGrant(own, { permissions: ['presence.use', 'users.view', 'users.invite'] })).toBe(true);
    expect(canGrant(own, { permissions: ['users.invite', 'users.invite'] })).toBe(true);
    expect(canGrant(own, { permissions: [] })).toBe(true);
  });

  it('refuses a role holding even one permission the granter lacks', () => {
    const own = new Set<Permission>(['users.view', 'users.invite', 'presence.use']);
    expect(canGrant(own, { permissions: ['presence.use', 'audit.view'] })).toBe(false);
    expect(canGrant(new Set(), { permissions: ['users.view'] })).toBe(false);
  });

  it('never counts an agent capability: presence.use ranks nobody above anybody', () => {
    expect(canGrant(new Set(), { permissions: ['presence.use'] })).toBe(true);
    expect(canGrant(new Set<Permission>(['users.view']), { permissions: ['presence.use', 'users.view'] })).toBe(true);
    expect(canGrant(new Set<Permission>(['users.view']), { permissions: ['presence.use', 'audit.view'] })).toBe(false);
  });

  it('orders the built-in roles: Administrator ⊇ Supervisor ⊇ Agent (in authority)', () => {
    const administrator = new Set(builtIn('Administrator'));
    const supervisor = new Set(builtIn('Supervisor'));
    const agent = new Set(builtIn('Agent'));
    // Every permission but the agent capability presence.use.
    expect(administrator).toEqual(new Set(allPermissions.filter((permission) => permission !== 'presence.use')));
    for (const name of ['Administrator', 'Supervisor', 'Agent']) expect(canGrant(administrator, { permissions: [...builtIn(name)] }), name).toBe(true);
    expect(canGrant(supervisor, { permissions: [...builtIn('Agent')] })).toBe(true);
    expect(canGrant(supervisor, { permissions: [...builtIn('Administrator')] })).toBe(false);
    expect(canGrant(agent, { permissions: [...builtIn('Supervisor')] })).toBe(false);
    expect(canGrant(agent, { permissions: [...builtIn('Agent')] })).toBe(true);
  });
});

describe('builtInRolesFor', () => {
  it('gives a tenant Administrator, Supervisor and Agent, built in, with their permissions and no policy override', () => {
    let next = 0;
    const roles = builtInRolesFor('tenant-1', () => `role-${++next}`);
    expect(roles.map((role) => role.name)).toEqual(['Administrator', 'Supervisor', 'Agent']);
    expect(roles.map((role) => role.id)).toEqual(['role-1', 'role-2', 'role-3']);
    for (const role of roles) {
      expect(role).toMatchObject({ tenantId: 'tenant-1', builtIn: true, passwordPolicy: null });
      expect(role.permissions).toEqual([...builtIn(role.name)]);
    }
  });

  it('copies the permission lists, so a tenant’s roles never share the catalogue’s arrays', () => {
    const [administrator] = builtInRolesFor('t', () => 'r');
    expect(administrator?.permissions).not.toBe(builtIn('Administrator'));
  });
});

describe('sortPermissions', () => {
  it('keeps catalogue keys once each, in catalogue order, and names the unknown ones', () => {
    expect(sortPermissions(['audit.view', 'users.view', 'audit.view', 'made.up', 'made.up'])).toEqual({ permissions: ['users.view', 'audit.view'], unknown: ['made.up'] });
    expect(sortPermissions([])).toEqual({ permissions: [], unknown: [] });
  });
});

describe('isAdministratorRole and samePermissions', () => {
  it('know the built-in Administrator only, and compare permission sets whatever the order', () => {
    expect(isAdministratorRole({ builtIn: true, name: 'Administrator' })).toBe(true);
    expect(isAdministratorRole({ builtIn: false, name: 'Administrator' })).toBe(false);
    expect(isAdministratorRole({ builtIn: true, name: 'Supervisor' })).toBe(false);
    expect(samePermissions(['users.view', 'audit.view'], ['audit.view', 'users.view'])).toBe(true);
    expect(samePermissions(['users.view'], ['users.view', 'audit.view'])).toBe(false);
    expect(samePermissions([], [])).toBe(true);
  });
});

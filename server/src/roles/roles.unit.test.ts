import { allPermissions, builtInRoles, type Permission } from '@lanyard/contracts/permissions';
import { describe, expect, it } from 'vitest';
import { canGrant } from './roles.ts';

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
    expect(canGrant(new Set(), { permissions: ['presence.use'] })).toBe(false);
  });

  it('orders the built-in roles: Administrator ⊇ Supervisor ⊇ Agent', () => {
    const administrator = new Set(builtIn('Administrator'));
    const supervisor = new Set(builtIn('Supervisor'));
    const agent = new Set(builtIn('Agent'));
    expect(administrator).toEqual(new Set(allPermissions));
    for (const name of ['Administrator', 'Supervisor', 'Agent']) expect(canGrant(administrator, { permissions: [...builtIn(name)] }), name).toBe(true);
    expect(canGrant(supervisor, { permissions: [...builtIn('Agent')] })).toBe(true);
    expect(canGrant(supervisor, { permissions: [...builtIn('Administrator')] })).toBe(false);
    expect(canGrant(agent, { permissions: [...builtIn('Supervisor')] })).toBe(false);
    expect(canGrant(agent, { permissions: [...builtIn('Agent')] })).toBe(true);
  });
});

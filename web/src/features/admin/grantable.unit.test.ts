import { describe, expect, it } from 'vitest';
import { grantableRoles, mayGrant } from './grantable.ts';

const role = (name: string, permissions: string[]) => ({ id: `00000000-0000-7000-8000-00000000000${name.length}`, name, builtIn: false, permissions });

describe('grantable roles (same or lower)', () => {
  it('allows a role whose permissions are a subset of the caller’s, and refuses one with any more', () => {
    const mine = ['users.view', 'users.edit', 'profile.edit'];
    expect(mayGrant(role('Agent', ['profile.edit']), mine)).toBe(true);
    expect(mayGrant(role('Same', [...mine]), mine)).toBe(true);
    expect(mayGrant(role('None', []), mine)).toBe(true);
    expect(mayGrant(role('Admin', [...mine, 'roles.manage']), mine)).toBe(false);
  });

  it('compares authority only: an agent capability the caller lacks never makes a role higher', () => {
    const administrator = ['users.view', 'users.edit', 'profile.edit', 'roles.manage'];
    expect(mayGrant(role('Agent', ['profile.edit', 'presence.use']), administrator)).toBe(true);
    expect(mayGrant(role('Floor', ['presence.use', 'audit.view']), administrator)).toBe(false);
  });

  it('filters a list, keeping its order', () => {
    const roles = [role('A', ['audit.view']), role('BB', ['users.view']), role('CCC', ['users.view', 'audit.view'])];
    expect(grantableRoles(roles, ['users.view']).map((entry) => entry.name)).toEqual(['BB']);
    expect(grantableRoles(roles, ['users.view', 'audit.view']).map((entry) => entry.name)).toEqual(['A', 'BB', 'CCC']);
  });
});

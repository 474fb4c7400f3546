import type { Permission } from '@lanyard/contracts/permissions';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.ts';
import { HOUR } from '../kernel/clock.ts';
import { parseTenantSettings } from '../tenants/tenants.ts';
import { assertGrantable, invitationExpiresAt, invitedUserInput } from './invitations.ts';

describe('invitationExpiresAt', () => {
  it('is now plus the tenant’s invitation lifetime', () => {
    const now = new Date('2026-01-02T03:00:00Z');
    expect(invitationExpiresAt({ settings: parseTenantSettings({}) }, now)).toEqual(new Date(now.getTime() + 24 * HOUR));
    expect(invitationExpiresAt({ settings: parseTenantSettings({ invitationLifetimeHours: 1 }) }, now)).toEqual(new Date(now.getTime() + HOUR));
  });
});

describe('assertGrantable', () => {
  const role = { id: 'r-1', permissions: ['users.view', 'users.invite'] as Permission[] };
  const codeOf = (work: () => void): string | undefined => {
    try {
      work();
      return undefined;
    } catch (error) {
      return error instanceof AppError ? error.code : 'not an AppError';
    }
  };

  it('lets the operator (no actor) grant any role, and an administrator one within their permissions', () => {
    expect(codeOf(() => assertGrantable(undefined, role))).toBeUndefined();
    expect(codeOf(() => assertGrantable({ permissions: new Set<Permission>(['users.view', 'users.invite', 'audit.view']) }, role))).toBeUndefined();
  });

  it('refuses with ROLE_NOT_GRANTABLE a role holding a permission the administrator lacks', () => {
    expect(codeOf(() => assertGrantable({ permissions: new Set<Permission>(['users.view']) }, role))).toBe('ROLE_NOT_GRANTABLE');
  });
});

describe('invitedUserInput', () => {
  const input = { username: 'ana', email: 'ana@example.test', firstName: 'Ana', lastName: 'Silva', roleId: 'ignored' };

  it('puts the user in the tenant with the resolved role, in no team unless one is given', () => {
    expect(invitedUserInput('t-1', input, 'r-1')).toEqual({ tenantId: 't-1', username: 'ana', email: 'ana@example.test', firstName: 'Ana', lastName: 'Silva', roleId: 'r-1', teamId: null });
    expect(invitedUserInput('t-1', { ...input, teamId: undefined }, 'r-1').teamId).toBeNull();
    expect(invitedUserInput('t-1', { ...input, teamId: 'team-1' }, 'r-1').teamId).toBe('team-1');
  });
});

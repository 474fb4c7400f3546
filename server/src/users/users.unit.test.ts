import { describe, expect, it } from 'vitest';
import { credentialStateOf, invitedUser, type NewInvitedUser } from './users.ts';

const input: NewInvitedUser = {
  tenantId: 'tenant-1',
  username: 'Ana.Silva',
  email: 'ana@example.test',
  firstName: 'Ana',
  lastName: 'Silva',
  roleId: 'role-1',
  teamId: null,
};

describe('invitedUser', () => {
  it('is invited, has no password and is homed in the inviting tenant', () => {
    const createdAt = new Date('2026-01-02T03:04:05Z');
    expect(invitedUser(input, 'user-1', createdAt)).toEqual({
      id: 'user-1',
      username: 'Ana.Silva',
      email: 'ana@example.test',
      firstName: 'Ana',
      lastName: 'Silva',
      status: 'invited',
      passwordHash: null,
      passwordChangedAt: null,
      defaultTenantId: 'tenant-1',
      createdAt,
    });
  });

  it('keeps the username as typed (canonical forms are the repository’s concern)', () => {
    expect(invitedUser({ ...input, username: '  MiXeD ' }, 'u', new Date(0)).username).toBe('  MiXeD ');
  });
});

describe('credentialStateOf', () => {
  it('maps the credential columns of a users row', () => {
    const lockedUntil = new Date('2026-01-01T00:30:00Z');
    expect(
      credentialStateOf({ id: 'u', password_hash: 'h', password_changed_at: null, password_must_change: true, failed_login_count: 3, locked_until: lockedUntil }),
    ).toEqual({ userId: 'u', passwordHash: 'h', passwordChangedAt: null, passwordMustChange: true, failedLoginCount: 3, lockedUntil });
  });
});

import { describe, expect, it } from 'vitest';
import { userStatuses } from '@lanyard/contracts/admin';
import {
  directoryStatus,
  enabledStatus,
  invitedUser,
  meetsStatusCondition,
  ssoOnlyUser,
  statusBase,
  statusCondition,
  type NewInvitedUser,
  type StatusBase,
  type StatusFacts,
} from './users.ts';

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
      ssoOnly: false,
      defaultTenantId: 'tenant-1',
      homeTenantId: 'tenant-1',
      createdAt,
    });
  });

  it('keeps the username as typed (canonical forms are the repository’s concern)', () => {
    expect(invitedUser({ ...input, username: '  MiXeD ' }, 'u', new Date(0)).username).toBe('  MiXeD ');
  });
});

describe('ssoOnlyUser', () => {
  it('is active at once, without a password', () => {
    const user = ssoOnlyUser(input, 'u', new Date(0));
    expect(user).toMatchObject({ status: 'active', ssoOnly: true });
    expect(statusBase(user)).toBe('sso_only');
  });
});

describe('enabledStatus', () => {
  it('gives back active to those who can sign in, invited to those who never accepted', () => {
    expect(enabledStatus({ ssoOnly: false }, true)).toBe('active');
    expect(enabledStatus({ ssoOnly: true }, false)).toBe('active');
    expect(enabledStatus({ ssoOnly: false }, false)).toBe('invited');
  });
});

describe('directory status', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  const bases: StatusBase[] = ['invited', 'enabled', 'disabled', 'sso_only'];
  const expiries = [null, new Date(now.getTime() - 1), now, new Date(now.getTime() + 1), new Date(now.getTime() + 86_400_000)];
  const everyFacts: StatusFacts[] = bases.flatMap((base) => expiries.map((invitationExpiresAt) => ({ base, invitationExpiresAt })));

  it('derives each status', () => {
    expect(directoryStatus({ base: 'invited', invitationExpiresAt: null }, now)).toBe('pending_invite');
    expect(directoryStatus({ base: 'invited', invitationExpiresAt: new Date(now.getTime() + 1) }, now)).toBe('invited');
    expect(directoryStatus({ base: 'invited', invitationExpiresAt: now }, now)).toBe('invitation_expired');
    expect(directoryStatus({ base: 'enabled', invitationExpiresAt: null }, now)).toBe('enabled');
    expect(directoryStatus({ base: 'disabled', invitationExpiresAt: now }, now)).toBe('disabled');
    expect(directoryStatus({ base: 'sso_only', invitationExpiresAt: null }, now)).toBe('sso_only');
  });

  it('an invitation expires with the clock, without any write', () => {
    const facts: StatusFacts = { base: 'invited', invitationExpiresAt: new Date(now.getTime() + 1000) };
    expect(directoryStatus(facts, now)).toBe('invited');
    expect(directoryStatus(facts, new Date(now.getTime() + 1000))).toBe('invitation_expired');
  });

  it('the filter condition of each status selects exactly the facts that derive it', () => {
    for (const status of userStatuses) {
      const condition = statusCondition(status, now);
      for (const facts of everyFacts) expect(meetsStatusCondition(condition, facts), `${status} ${JSON.stringify(facts)}`).toBe(directoryStatus(facts, now) === status);
    }
  });

  it('statusBase mirrors the user status', () => {
    expect(statusBase({ status: 'invited', ssoOnly: false })).toBe('invited');
    expect(statusBase({ status: 'active', ssoOnly: false })).toBe('enabled');
    expect(statusBase({ status: 'active', ssoOnly: true })).toBe('sso_only');
    expect(statusBase({ status: 'disabled', ssoOnly: true })).toBe('disabled');
  });
});

import { describe, expect, it } from 'vitest';
import { parseTenantSettings, type Tenant } from '../tenants/tenants.ts';
import type { Membership, User } from '../users/users.ts';
import { meOf, profileFactsOf } from './profile.ts';

const user: User = {
  id: 'u-1',
  username: 'ana',
  email: 'ana@example.test',
  firstName: 'Ana',
  lastName: 'Silva',
  status: 'active',
  ssoOnly: false,
  defaultTenantId: 't-1',
  homeTenantId: 't-1',
  createdAt: new Date(0),
};
const membership: Membership = {
  tenantId: 't-1',
  userId: 'u-1',
  role: { id: 'r-1', name: 'Agent', permissions: ['presence.use'], passwordPolicy: null },
  team: { id: 'team-1', name: 'Night Shift' },
  passwordLogin: 'tenant',
  disabled: false,
};
const tenant: Tenant = { id: 't-1', name: 'Acme', homeRegion: 'eu-west', settings: parseTenantSettings({}), createdAt: new Date(0) };

describe('profileFactsOf', () => {
  it('takes the user’s names, the tenant with its home region, the role and the team', () => {
    expect(profileFactsOf(user, membership, tenant)).toEqual({
      user: { id: 'u-1', username: 'ana', email: 'ana@example.test', firstName: 'Ana', lastName: 'Silva' },
      tenant: { id: 't-1', name: 'Acme', region: 'eu-west' },
      role: { id: 'r-1', name: 'Agent' },
      team: { id: 'team-1', name: 'Night Shift' },
    });
  });

  it('never carries the password hash, the status or the role’s permissions', () => {
    const text = JSON.stringify(profileFactsOf(user, membership, tenant));
    expect(text).not.toContain('argon2');
    expect(text).not.toContain('active');
    expect(text).not.toContain('presence.use');
  });

  it('says null for a member of no team', () => {
    expect(profileFactsOf(user, { ...membership, team: null }, tenant).team).toBeNull();
  });
});

describe('meOf', () => {
  it('adds the permissions sorted, the system facts and the password-change flag', () => {
    const facts = profileFactsOf(user, membership, tenant);
    const me = meOf(facts, new Set(['users.view', 'audit.view', 'presence.use']), { version: '1.2.3', region: 'eu-west' }, true);
    expect(me).toEqual({ ...facts, permissions: ['audit.view', 'presence.use', 'users.view'], system: { version: '1.2.3', region: 'eu-west' }, passwordChangeRequired: true });
  });
});

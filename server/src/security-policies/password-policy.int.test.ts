import { describe, expect, it } from 'vitest';
import { DAY } from '../kernel/clock.ts';
import { signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { passwordTestbed } from '../testing/password-testbed.ts';
import { strongPassword, type TestApp } from '../testing/test-app.ts';

/** Security › Password policy: the tenant's policy, the roles' overrides and the presets, as members then meet them. */
let t: TestApp;
let admin: SignedInUser;
const { nextNumber, freshAgent, changePassword, loginAttempt, setTenantPolicy, presets, restoreDefaultPolicy } = passwordTestbed((ready) => ({ t, admin } = ready));

async function withPreset<T>(id: string, work: () => Promise<T>): Promise<T> {
  const preset = (await presets()).find((candidate) => candidate.id === id);
  expect((await setTenantPolicy(preset?.policy ?? {})).statusCode).toBe(204);
  try {
    return await work();
  } finally {
    await restoreDefaultPolicy();
  }
}

describe('policies and presets', () => {
  it('applies "NIST SP 800-63B-4": 15 characters, no composition rules, blocklist on', async () => {
    await withPreset('nist-800-63b-4', async () => {
      const agent = await freshAgent();
      expect((await changePassword(agent, strongPassword, 'Abcdefgh1234')).json().error.details.failedRules).toEqual(['minLength']);
      expect((await changePassword(agent, strongPassword, 'passwordpassword')).json().error.details.failedRules).toEqual(['notCommon']);
      expect((await changePassword(agent, strongPassword, 'correct horse battery')).statusCode).toBe(204);
    });
  });

  it('applies "PCI DSS 4.0": letters and digits, last 4 not reused, and a 90-day expiry forcing a change at sign-in', async () => {
    await withPreset('pci-dss-4', async () => {
      const agent = await freshAgent();
      expect((await changePassword(agent, strongPassword, 'lettersonlyhere')).json().error.details.failedRules).toEqual(['digit']);
      const changedAt = t.clock.now();
      expect((await changePassword(agent, strongPassword, 'pci compliant 2026')).statusCode).toBe(204);
      // My policy says when the password expires: 90 days after the change (what "Ready to work?" counts down).
      const mine = await t.app.inject({ method: 'GET', url: '/api/v1/me/password-policy', headers: agent.headers });
      expect(mine.json().passwordExpiresAt).toBe(new Date(changedAt.getTime() + 90 * DAY).toISOString());
      t.clock.advance(89 * DAY);
      expect((await loginAttempt(agent.username, 'pci compliant 2026')).json().passwordChangeRequired).toBe(false);
      t.clock.advance(2 * DAY);
      const expired = await loginAttempt(agent.username, 'pci compliant 2026');
      expect(expired.json().passwordChangeRequired).toBe(true);
    });
  });

  it('makes members who no longer comply change at next sign-in, and blocks everything else until they do', async () => {
    const agent = await freshAgent();
    const defaults = (await presets()).find((preset) => preset.id === 'contact-center-default')?.policy ?? {};
    await setTenantPolicy({ ...defaults, minLength: 30 });
    try {
      const response = await loginAttempt(agent.username, strongPassword);
      expect(response.json().passwordChangeRequired).toBe(true);
      const cookie = `lanyard_session=${response.cookies.find((entry) => entry.name === 'lanyard_session')?.value}`;
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
      expect(me.json().passwordChangeRequired).toBe(true);
      const blocked = await t.app.inject({ method: 'GET', url: '/api/v1/admin/roles', headers: { cookie } });
      expect(blocked.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
      const policy = await t.app.inject({ method: 'GET', url: '/api/v1/me/password-policy', headers: { cookie } });
      expect(policy.json().passwordPolicy.minLength).toBe(30);
      // A policy without expiry: the password never expires.
      expect(policy.json().passwordExpiresAt).toBeNull();
      const longer = 'A-much-longer-passphrase-of-30+chars';
      expect((await changePassword({ cookie }, strongPassword, longer)).statusCode).toBe(204);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).json().passwordChangeRequired).toBe(false);
      expect((await loginAttempt(agent.username, longer)).json().passwordChangeRequired).toBe(false);
    } finally {
      await restoreDefaultPolicy();
    }
  });

  it("follows a role's override instead of the tenant's policy", async () => {
    const supervisor = await signedInUser(t, { tenant: admin.tenant, username: `sup.${nextNumber()}`, role: 'Supervisor' });
    const roles = await t.app.inject({ method: 'GET', url: '/api/v1/admin/security/password-policy', headers: admin.headers });
    const role = roles.json().roles.find((candidate: { name: string }) => candidate.name === 'Supervisor');
    const strict = { ...roles.json().tenantPolicy, minLength: 20, requireSpecial: true };
    const set = await t.app.inject({ method: 'PUT', url: `/api/v1/admin/roles/${role.id}/password-policy`, headers: admin.headers, payload: { passwordPolicy: strict } });
    expect(set.statusCode).toBe(204);
    try {
      expect((await changePassword(supervisor, strongPassword, 'Valid-For-Tenant-1')).json().error.details.failedRules).toEqual(['minLength']);
      const agent = await freshAgent();
      expect((await changePassword(agent, strongPassword, 'Valid-For-Tenant-1')).statusCode).toBe(204);
    } finally {
      await t.app.inject({ method: 'PUT', url: `/api/v1/admin/roles/${role.id}/password-policy`, headers: admin.headers, payload: { passwordPolicy: null } });
    }
  });

  it('refuses inconsistent or malformed policies, needs the permission, and records changes in the audit log', async () => {
    const defaults = (await presets()).find((preset) => preset.id === 'contact-center-default')?.policy ?? {};
    const inconsistent = await setTenantPolicy({ ...defaults, minLength: 64, maxLength: 32 });
    expect(inconsistent.json().error.code).toBe('PASSWORD_POLICY_INVALID');
    for (const bad of [{ ...defaults, minLength: 0 }, { ...defaults, extra: true }, { ...defaults, requireDigit: 'yes' }]) {
      expect((await setTenantPolicy(bad)).json().error.code).toBe('VALIDATION_FAILED');
    }
    const agent = await freshAgent();
    const forbidden = await t.app.inject({ method: 'PUT', url: '/api/v1/admin/security/password-policy', headers: agent.headers, payload: { passwordPolicy: defaults } });
    expect(forbidden.json().error.code).toBe('PERMISSION_DENIED');
    const audit = await t.app.inject({ method: 'GET', url: '/api/v1/admin/audit-events?action=policy.changed', headers: admin.headers });
    expect(audit.json().items.length).toBeGreaterThan(0);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contactCenterDefaultPolicy } from '@lanyard/contracts/password-policy';
import { DAY } from '../kernel/clock.ts';
import { login, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, strongPassword, testOrigin, type TestApp } from '../testing/test-app.ts';

/** Security › Password policy: the tenant's policy, the roles' overrides and the presets, as members then meet them. */
let t: TestApp;
let admin: SignedInUser;
let counter = 0;

beforeAll(async () => {
  t = await createTestApp();
  admin = await signedInUser(t, { tenantName: 'Password Tenant', username: 'pw.admin' });
});
// Tests move the clock by days; the administrator signs in afresh for each one.
beforeEach(async () => {
  const cookie = await login(t, 'pw.admin');
  admin = { ...admin, cookie, headers: { cookie, origin: testOrigin } };
});
afterAll(async () => t.close());

/** A fresh signed-in agent in the admin's tenant, so each test starts from a clean account. */
async function freshAgent(prefix = 'agent'): Promise<SignedInUser> {
  counter += 1;
  return signedInUser(t, { tenant: admin.tenant, username: `${prefix}.${counter}`, role: 'Agent' });
}

const changePassword = (who: { cookie: string }, currentPassword: string, newPassword: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/me/password', headers: { cookie: who.cookie, origin: testOrigin }, payload: { currentPassword, newPassword } });

const loginAttempt = (username: string, password: string, remoteAddress = '10.1.1.1', app = t.app) =>
  app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: testOrigin }, remoteAddress, payload: { username, password } });

const setTenantPolicy = (policy: Record<string, unknown>) =>
  t.app.inject({ method: 'PUT', url: '/api/v1/admin/security/password-policy', headers: admin.headers, payload: { passwordPolicy: policy } });

async function presets() {
  const response = await t.app.inject({ method: 'GET', url: '/api/v1/admin/security/password-policy', headers: admin.headers });
  return response.json().presets as { id: string; policy: Record<string, unknown> }[];
}

/** Test cleanup goes through the service: a clock moved by days has ended every session by then. */
async function restoreDefaultPolicy(): Promise<void> {
  await t.deps.tenants.updateSettings(admin.tenant.id, (settings) => ({ ...settings, passwordPolicy: contactCenterDefaultPolicy }));
}

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
    const supervisor = await signedInUser(t, { tenant: admin.tenant, username: `sup.${++counter}`, role: 'Supervisor' });
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

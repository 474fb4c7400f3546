import { afterAll, beforeAll, beforeEach } from 'vitest';
import { contactCenterDefaultPolicy } from '@lanyard/contracts/password-policy';
import { login, signedInUser, type SignedInUser } from './journeys.ts';
import { createTestApp, testOrigin, type TestApp } from './test-app.ts';

/** The app and its administrator, as a file of the password testbed sees them at each moment. */
export interface PasswordTestbedState {
  t: TestApp;
  admin: SignedInUser;
}

/**
 * The setup the password, lockout, recovery and password-policy files share: one app per file, the administrator of "Password Tenant"
 * signed in afresh before every test (tests move the clock by days, which ends sessions), fresh agents, and the requests they make.
 * `onReady` is told the app and the administrator after the file's setup and after each sign-in, so a file keeps its own `t` and `admin`.
 */
export function passwordTestbed(onReady: (state: PasswordTestbedState) => void) {
  let t: TestApp;
  let admin: SignedInUser;
  let counter = 0;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await signedInUser(t, { tenantName: 'Password Tenant', username: 'pw.admin' });
    onReady({ t, admin });
  });
  beforeEach(async () => {
    const cookie = await login(t, 'pw.admin');
    admin = { ...admin, cookie, headers: { cookie, origin: testOrigin } };
    onReady({ t, admin });
  });
  afterAll(async () => t.close());

  return {
    /** A number no other name of this file's tests has taken, for usernames. */
    nextNumber: () => ++counter,
    /** A fresh signed-in agent in the administrator's tenant, so each test starts from a clean account. */
    freshAgent: (prefix = 'agent'): Promise<SignedInUser> => {
      counter += 1;
      return signedInUser(t, { tenant: admin.tenant, username: `${prefix}.${counter}`, role: 'Agent' });
    },
    changePassword: (who: { cookie: string }, currentPassword: string, newPassword: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/me/password', headers: { cookie: who.cookie, origin: testOrigin }, payload: { currentPassword, newPassword } }),
    loginAttempt: (username: string, password: string, remoteAddress = '10.1.1.1', app = t.app) =>
      app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: testOrigin }, remoteAddress, payload: { username, password } }),
    setTenantPolicy: (policy: Record<string, unknown>) =>
      t.app.inject({ method: 'PUT', url: '/api/v1/admin/security/password-policy', headers: admin.headers, payload: { passwordPolicy: policy } }),
    presets: async () => {
      const response = await t.app.inject({ method: 'GET', url: '/api/v1/admin/security/password-policy', headers: admin.headers });
      return response.json<{ presets: { id: string; policy: Record<string, unknown> }[] }>().presets;
    },
    /** Test cleanup goes through the service: a clock moved by days has ended every session by then. */
    restoreDefaultPolicy: async (): Promise<void> => {
      await t.deps.tenants.updateSettings(admin.tenant.id, (settings) => ({ ...settings, passwordPolicy: contactCenterDefaultPolicy }));
    },
    emailsTo: async (address: string) => (await t.mailbox()).filter((email) => email.to.includes(address)),
  };
}

import { hashSync } from '@node-rs/argon2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contactCenterDefaultPolicy } from '@lanyard/contracts/password-policy';
import { DAY, MINUTE, SECOND } from '../kernel/clock.ts';
import { login, signedInUser, tokenFromLink, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, strongPassword, testOrigin, type TestApp } from '../testing/test-app.ts';

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

async function emailsTo(address: string) {
  return (await t.mailbox()).filter((email) => email.to.includes(address));
}

describe('change password', () => {
  it('needs the current password, enforces the policy, signs out other sessions and sends one email', async () => {
    const agent = await freshAgent();
    const otherSession = await login(t, agent.username);

    const wrong = await changePassword(agent, 'Not-The-Password-1', 'Brand-New-Passw0rd');
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('CURRENT_PASSWORD_INCORRECT');

    const weak = await changePassword(agent, strongPassword, 'qzx-weak');
    expect(weak.statusCode).toBe(422);
    expect(weak.json().error.details.failedRules).toEqual(['minLength', 'uppercase', 'digit']);

    const before = (await emailsTo(`${agent.username}@example.test`)).length;
    expect((await changePassword(agent, strongPassword, 'Brand-New-Passw0rd')).statusCode).toBe(204);

    const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    expect((await me(agent.cookie)).statusCode).toBe(200);
    expect((await me(otherSession)).json().error.code).toBe('AUTH_REQUIRED');
    await expect(login(t, agent.username)).rejects.toThrow(/401/);
    await expect(login(t, agent.username, 'Brand-New-Passw0rd')).resolves.toBeTruthy();

    const emails = await emailsTo(`${agent.username}@example.test`);
    expect(emails.length - before).toBe(1);
    expect(emails.at(-1)?.subject).toBe('Your Lanyard password was changed');
  });

  it('refuses a common password that meets every composition rule', async () => {
    const agent = await freshAgent();
    const response = await changePassword(agent, strongPassword, 'Password1234');
    expect(response.statusCode).toBe(422);
    expect(response.json().error.details.failedRules).toEqual(['notCommon']);
  });

  it('enforces history by count: the last 5 passwords (including the current one) cannot be reused', async () => {
    const agent = await freshAgent();
    const passwords = [strongPassword, 'History-Passw0rd-1', 'History-Passw0rd-2', 'History-Passw0rd-3', 'History-Passw0rd-4'];
    for (let index = 1; index < passwords.length; index += 1) {
      const step = await changePassword(agent, passwords[index - 1] ?? '', passwords[index] ?? '');
      expect(step.statusCode, step.body).toBe(204);
    }
    const current = passwords.at(-1) ?? '';
    for (const old of passwords) {
      const reuse = await changePassword(agent, current, old);
      expect(reuse.statusCode, old).toBe(422);
      expect(reuse.json().error.details.failedRules).toEqual(['notReused']);
    }
    // One more change pushes the first password out of the last five.
    expect((await changePassword(agent, current, 'History-Passw0rd-5')).statusCode).toBe(204);
    expect((await changePassword(agent, 'History-Passw0rd-5', strongPassword)).statusCode).toBe(204);
  });

  it('enforces history by days when the policy counts days', async () => {
    const defaults = (await presets()).find((preset) => preset.id === 'contact-center-default')?.policy ?? {};
    await setTenantPolicy({ ...defaults, historyCount: 0, historyDays: 30 });
    try {
      const agent = await freshAgent();
      expect((await changePassword(agent, strongPassword, 'Days-Passw0rd-1')).statusCode).toBe(204);
      t.clock.advance(29 * DAY);
      const session = { cookie: await login(t, agent.username, 'Days-Passw0rd-1') };
      expect((await changePassword(session, 'Days-Passw0rd-1', strongPassword)).json().error.details.failedRules).toEqual(['notReused']);
      t.clock.advance(2 * DAY);
      const later = { cookie: await login(t, agent.username, 'Days-Passw0rd-1') };
      expect((await changePassword(later, 'Days-Passw0rd-1', strongPassword)).statusCode).toBe(204);
    } finally {
      await restoreDefaultPolicy();
    }
  });

  it('refuses a 1,025-byte password at the edge, without any hashing', async () => {
    const agent = await freshAgent();
    const before = t.deps.hasherStats();
    const response = await changePassword(agent, strongPassword, `Aa1${'é'.repeat(511)}`);
    expect(new TextEncoder().encode(`Aa1${'é'.repeat(511)}`).length).toBe(1025);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
    const longLogin = await loginAttempt(agent.username, 'x'.repeat(1025));
    expect(longLogin.statusCode).toBe(400);
    const after = t.deps.hasherStats();
    expect(after.hashes + after.verifications).toBe(before.hashes + before.verifications);
  });
});

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

describe('lockout', () => {
  it('locks after exactly 6 failures, refuses the right password while locked, and unlocks after 30 minutes', async () => {
    const agent = await freshAgent('lock');
    for (let attempt = 1; attempt <= 5; attempt += 1) expect((await loginAttempt(agent.username, 'Wrong-Password-1')).statusCode).toBe(401);
    expect((await loginAttempt(agent.username, strongPassword)).statusCode).toBe(200);
    for (let attempt = 1; attempt <= 6; attempt += 1) expect((await loginAttempt(agent.username, 'Wrong-Password-1')).statusCode).toBe(401);
    const locked = await loginAttempt(agent.username, strongPassword);
    expect(locked.statusCode).toBe(401);
    expect(locked.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
    t.clock.advance(30 * MINUTE - SECOND);
    expect((await loginAttempt(agent.username, strongPassword)).statusCode).toBe(401);
    t.clock.advance(2 * SECOND);
    expect((await loginAttempt(agent.username, strongPassword)).statusCode).toBe(200);
  });

  it('an administrator can unlock; the audit log shows the lockout and the unlock', async () => {
    const agent = await freshAgent('lock');
    for (let attempt = 1; attempt <= 6; attempt += 1) await loginAttempt(agent.username, 'Wrong-Password-1');
    expect((await loginAttempt(agent.username, strongPassword)).statusCode).toBe(401);
    const unlock = await t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${agent.userId}/unlock`, headers: admin.headers });
    expect(unlock.statusCode).toBe(204);
    expect((await loginAttempt(agent.username, strongPassword)).statusCode).toBe(200);
    const events = await t.app.inject({ method: 'GET', url: `/api/v1/admin/audit-events?userId=${agent.userId}`, headers: admin.headers });
    const actions = events.json().items.map((event: { action: string }) => event.action);
    expect(actions).toContain('auth.lockout');
    expect(actions).toContain('user.unlocked');
    expect(actions.filter((action: string) => action === 'auth.login.failed').length).toBeGreaterThanOrEqual(7);
  });

  it('locks at exactly the threshold under 50 concurrent wrong attempts (two instances on PostgreSQL)', async () => {
    const agent = await freshAgent('race');
    const second = t.storage === 'postgres' ? await t.secondInstance() : undefined;
    try {
      const apps = second === undefined ? [t.app] : [t.app, second.app];
      const attempts = Array.from({ length: 50 }, (_, index) => loginAttempt(agent.username, `Wrong-Password-${index}`, `10.2.0.${index}`, apps[index % apps.length]));
      const responses = await Promise.all(attempts);
      // Every attempt is refused: as a wrong password, or shed by a full hash pool (503 + Retry-After).
      for (const response of responses) {
        expect([401, 503]).toContain(response.statusCode);
        if (response.statusCode === 503) expect(response.headers['retry-after']).toBe('1');
      }
      const counted = responses.filter((response) => response.statusCode === 401).length;
      expect(counted).toBeGreaterThanOrEqual(6);
      const lockouts = await t.deps.db
        .selectFrom('audit_events')
        .select('id')
        .where('action', '=', 'auth.lockout')
        .where('target_id', '=', agent.userId)
        .execute();
      expect(lockouts).toHaveLength(1);
      const row = await t.deps.db.selectFrom('password_credentials').select(['failed_login_count', 'locked_until']).where('user_id', '=', agent.userId).executeTakeFirstOrThrow();
      // Only verified failures are counted (ADR 0009): 6, the lock set once, by the sixth; the rest were refused unverified.
      expect(row.failed_login_count).toBe(6);
      expect(row.locked_until?.getTime()).toBe(t.clock.now().getTime() + 30 * MINUTE);
      expect((await loginAttempt(agent.username, strongPassword)).statusCode).toBe(401);
    } finally {
      await second?.close();
    }
  });
});

describe('forgotten password', () => {
  it('answers the same for an unknown user, sends nothing, and emails a working, single-use link to a real one', async () => {
    const agent = await freshAgent('forgot');
    const before = await t.mailbox();
    const forgot = (username: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/password/forgot', headers: { origin: testOrigin }, payload: { username } });
    const unknown = await forgot('no.such.person');
    const known = await forgot(agent.username);
    expect(unknown.statusCode).toBe(202);
    expect(known.statusCode).toBe(202);
    expect(unknown.body).toBe(known.body);
    expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(known.headers).sort());

    const after = await t.mailbox();
    expect(after.length - before.length).toBe(1);
    const email = after.at(-1);
    expect(email?.to).toContain(`${agent.username}@example.test`);
    const link = email?.links.find((candidate) => candidate.includes('/reset-password/')) ?? '';
    expect(link.startsWith(`${testOrigin}/reset-password/`)).toBe(true);
    const token = tokenFromLink(link);

    const described = await t.app.inject({ method: 'GET', url: `/api/v1/auth/password/reset/${token}` });
    expect(described.json()).toMatchObject({ username: agent.username, passwordPolicy: { minLength: 12 } });
    const reset = (newPassword: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/password/reset', headers: { origin: testOrigin }, payload: { token, newPassword } });
    expect((await reset('Password1234')).json().error.details.failedRules).toEqual(['notCommon']);
    expect((await reset(strongPassword)).json().error.details.failedRules).toEqual(['notReused']);
    expect((await reset('Reset-Passw0rd-Ok')).statusCode).toBe(204);
    expect((await reset('Reset-Passw0rd-Again')).json().error.code).toBe('RESET_LINK_USED');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: agent.cookie } })).json().error.code).toBe('AUTH_REQUIRED');
    await expect(login(t, agent.username, 'Reset-Passw0rd-Ok')).resolves.toBeTruthy();
  });

  it('has exactly one winner when a reset link is submitted 20 times in parallel', async () => {
    const agent = await freshAgent('forgot');
    await t.deps.passwords.requestReset(agent.username, { ip: undefined, userAgent: undefined });
    const link = (await emailsTo(`${agent.username}@example.test`)).at(-1)?.links.find((candidate) => candidate.includes('/reset-password/')) ?? '';
    const token = tokenFromLink(link);
    const passwords = Array.from({ length: 20 }, (_, index) => `Parallel-Reset-${index}x`);
    const responses = await Promise.all(
      passwords.map((newPassword) => t.app.inject({ method: 'POST', url: '/api/v1/auth/password/reset', headers: { origin: testOrigin }, payload: { token, newPassword } })),
    );
    const winners = responses.filter((response) => response.statusCode === 204);
    expect(winners).toHaveLength(1);
    for (const loser of responses.filter((response) => response.statusCode !== 204)) expect(loser.json().error.code).toBe('RESET_LINK_USED');
    const winner = passwords[responses.findIndex((response) => response.statusCode === 204)];
    await expect(login(t, agent.username, winner)).resolves.toBeTruthy();
  });

  it('expires after 60 minutes, and a newer link retires the older one', async () => {
    const agent = await freshAgent('forgot');
    const linkFor = async () => {
      await t.deps.passwords.requestReset(agent.username, { ip: undefined, userAgent: undefined });
      return tokenFromLink((await emailsTo(`${agent.username}@example.test`)).at(-1)?.links.find((candidate) => candidate.includes('/reset-password/')) ?? '');
    };
    const first = await linkFor();
    const second = await linkFor();
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/auth/password/reset/${first}` })).json().error.code).toBe('RESET_LINK_USED');
    t.clock.advance(60 * MINUTE + SECOND);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/auth/password/reset/${second}` })).json().error.code).toBe('RESET_LINK_EXPIRED');
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/auth/password/reset/${'Q'.repeat(43)}` })).json().error.code).toBe('RESET_LINK_NOT_FOUND');
  });

  it('works while the account is locked, and lifts the lock', async () => {
    const agent = await freshAgent('forgot');
    for (let attempt = 1; attempt <= 6; attempt += 1) await loginAttempt(agent.username, 'Wrong-Password-1');
    expect((await loginAttempt(agent.username, strongPassword)).statusCode).toBe(401);
    const sent = await t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${agent.userId}/password-reset`, headers: admin.headers });
    expect(sent.statusCode).toBe(202);
    const token = tokenFromLink((await emailsTo(`${agent.username}@example.test`)).at(-1)?.links.find((candidate) => candidate.includes('/reset-password/')) ?? '');
    const reset = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password/reset', headers: { origin: testOrigin }, payload: { token, newPassword: 'After-Lockout-Passw0rd' } });
    expect(reset.statusCode).toBe(204);
    expect((await loginAttempt(agent.username, 'After-Lockout-Passw0rd')).statusCode).toBe(200);
  });

  it("does not let an administrator reset or unlock another tenant's user", async () => {
    const other = await signedInUser(t, { tenantName: 'Other Password Tenant', username: `other.${++counter}`, role: 'Agent' });
    for (const action of ['password-reset', 'unlock']) {
      const response = await t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${other.userId}/${action}`, headers: admin.headers });
      expect(response.statusCode, action).toBe(404);
      expect(response.json().error.code).toBe('USER_NOT_FOUND');
    }
    const events = await t.app.inject({ method: 'GET', url: `/api/v1/admin/audit-events?userId=${other.userId}`, headers: admin.headers });
    expect(events.json().items).toEqual([]);
  });
});

describe('rate limits and hashing', () => {
  it('limits sign-in attempts per client network and answers 429 with Retry-After', async () => {
    const limited = await createTestApp({ LANYARD_AUTH_RATE_LIMIT: '3' });
    try {
      const attempt = (remoteAddress: string) =>
        limited.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: testOrigin }, remoteAddress, payload: { username: 'nobody', password: 'Whatever-123' } });
      for (let index = 0; index < 3; index += 1) expect((await attempt('192.0.2.10')).statusCode).toBe(401);
      const refused = await attempt('192.0.2.10');
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error.code).toBe('RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await attempt('192.0.2.11')).statusCode).toBe(401);
      // One IPv6 /64 counts as one client.
      for (let index = 0; index < 3; index += 1) await attempt(`2001:db8:1:2::${index + 1}`);
      expect((await attempt('2001:db8:1:2:ffff::9')).statusCode).toBe(429);
      expect((await attempt('2001:db8:1:3::1')).statusCode).toBe(401);
      limited.clock.advance(61 * SECOND);
      expect((await attempt('192.0.2.10')).statusCode).toBe(401);
    } finally {
      await limited.close();
    }
  });

  it('rehashes at sign-in when the stored hash used weaker parameters', async () => {
    const agent = await freshAgent('rehash');
    const weak = hashSync(strongPassword, { memoryCost: 8192, timeCost: 1, parallelism: 1, algorithm: 2 });
    await t.deps.db.updateTable('password_credentials').set({ password_hash: weak }).where('user_id', '=', agent.userId).execute();
    await expect(login(t, agent.username)).resolves.toBeTruthy();
    const row = await t.deps.db.selectFrom('password_credentials').select('password_hash').where('user_id', '=', agent.userId).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(login(t, agent.username)).resolves.toBeTruthy();
  });
});

describe('audit log', () => {
  it('is append-only, tenant-scoped and pages newest first', async () => {
    await expect(t.deps.db.updateTable('audit_events').set({ action: 'tampered' }).execute()).rejects.toThrow(/append-only/);
    await expect(t.deps.db.deleteFrom('audit_events').execute()).rejects.toThrow(/append-only/);
    const first = await t.app.inject({ method: 'GET', url: '/api/v1/admin/audit-events?limit=2', headers: admin.headers });
    expect(first.json().items).toHaveLength(2);
    const [newest, older] = first.json().items as { id: string; occurredAt: string }[];
    expect(newest && older && newest.id > older.id).toBe(true);
    const next = await t.app.inject({ method: 'GET', url: `/api/v1/admin/audit-events?limit=2&before=${first.json().nextCursor}`, headers: admin.headers });
    expect(next.json().items[0].id < (older?.id ?? '')).toBe(true);
    const other = await signedInUser(t, { tenantName: 'Audit Other Tenant', username: `auditor.${++counter}` });
    const theirs = await t.app.inject({ method: 'GET', url: '/api/v1/admin/audit-events?limit=500', headers: other.headers });
    const ours = new Set((await t.deps.audit.list(admin.tenant.id, { limit: 1000 })).map((event) => event.id));
    expect(theirs.json().items.some((event: { id: string }) => ours.has(event.id))).toBe(false);
    const agent = await freshAgent('audit');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/admin/audit-events', headers: agent.headers })).json().error.code).toBe('PERMISSION_DENIED');
  });
});

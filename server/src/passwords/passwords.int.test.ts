import { hashSync } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { DAY, SECOND } from '../kernel/clock.ts';
import { login, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { passwordTestbed } from '../testing/password-testbed.ts';
import { createTestApp, strongPassword, testOrigin, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let admin: SignedInUser;
const { nextNumber, freshAgent, changePassword, loginAttempt, setTenantPolicy, presets, restoreDefaultPolicy, emailsTo } = passwordTestbed((ready) => ({ t, admin } = ready));

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
    const other = await signedInUser(t, { tenantName: 'Audit Other Tenant', username: `auditor.${nextNumber()}` });
    const theirs = await t.app.inject({ method: 'GET', url: '/api/v1/admin/audit-events?limit=500', headers: other.headers });
    const ours = new Set((await t.deps.audit.list(admin.tenant.id, { limit: 1000 })).map((event) => event.id));
    expect(theirs.json().items.some((event: { id: string }) => ours.has(event.id))).toBe(false);
    const agent = await freshAgent('audit');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/admin/audit-events', headers: agent.headers })).json().error.code).toBe('PERMISSION_DENIED');
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addAccessKey, exchangeAccessKey, login, roleNamed, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, strongPassword, type TestApp } from '../testing/test-app.ts';
import { testStorageKind } from '../testing/test-database.ts';

let t: TestApp;
let adminA: SignedInUser;
let adminB: SignedInUser;
let supervisorA: SignedInUser;

const policies = {
  session: '/api/v1/admin/security/session-policy',
  accessKeys: '/api/v1/admin/security/access-key-policy',
  invitation: '/api/v1/admin/security/invitation-policy',
  lockout: '/api/v1/admin/security/lockout-policy',
} as const;
type PolicyName = keyof typeof policies;

const getPolicy = (who: SignedInUser, name: PolicyName) => t.app.inject({ method: 'GET', url: policies[name], headers: who.headers });
const putPolicy = (who: SignedInUser, name: PolicyName, payload: unknown) =>
  t.app.inject({ method: 'PUT', url: policies[name], headers: who.headers, payload: payload as Record<string, unknown> });
const settingsOf = async (tenantId: string) => (await t.deps.db.selectFrom('tenants').select('settings').where('id', '=', tenantId).executeTakeFirstOrThrow()).settings;
const auditCount = async () => Number((await t.deps.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
const policyEvents = async (tenantId: string, policy: PolicyName) =>
  (await t.deps.audit.list(tenantId, { action: 'policy.changed', limit: 100 })).filter((event) => event.details?.policy === policy);

beforeAll(async () => {
  t = await createTestApp();
  adminA = await signedInUser(t, { tenantName: 'Policies A', username: 'anne.policies' });
  adminB = await signedInUser(t, { tenantName: 'Policies B', username: 'diana.policies' });
  supervisorA = await signedInUser(t, { tenant: adminA.tenant, username: 'marilla.policies', role: 'Supervisor' });
});
afterAll(async () => t.close());

const defaults = {
  session: { idleMinutes: 30, absoluteHours: 12 },
  accessKeys: { maxPerUser: 5, maxKeyLifetimeDays: null, tokenLifetimeMinutes: 15 },
  invitation: { lifetimeHours: 24 },
  lockout: { maxFailures: 6, lockMinutes: 30 },
};

describe('reading and replacing the policies', () => {
  it('answers the defaults of a new tenant', async () => {
    for (const name of Object.keys(policies) as PolicyName[]) {
      const response = await getPolicy(adminA, name);
      expect(response.statusCode, name).toBe(200);
      expect(response.json(), name).toEqual(defaults[name]);
    }
  });

  it('stores each policy, audits it with before and after, and answers it back; other tenants keep theirs', async () => {
    const changes: Record<PolicyName, unknown> = {
      session: { idleMinutes: 20, absoluteHours: 8 },
      accessKeys: { maxPerUser: 3, maxKeyLifetimeDays: 90, tokenLifetimeMinutes: 10 },
      invitation: { lifetimeHours: 72 },
      lockout: { maxFailures: 4, lockMinutes: 15 },
    };
    for (const name of Object.keys(policies) as PolicyName[]) {
      const response = await putPolicy(adminA, name, changes[name]);
      expect(response.statusCode, name).toBe(204);
      expect((await getPolicy(adminA, name)).json(), name).toEqual(changes[name]);
      expect((await getPolicy(adminB, name)).json(), name).toEqual(defaults[name]);
      const [event] = await policyEvents(adminA.tenant.id, name);
      expect(event, name).toMatchObject({ actorUserId: adminA.userId, targetType: 'tenant', targetId: adminA.tenant.id, result: 'success' });
      expect(event?.details, name).toMatchObject({ policy: name, before: defaults[name], after: changes[name] });
    }
    // The password policy beside them is untouched.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/admin/security/password-policy', headers: adminA.headers })).json().tenantPolicy).toEqual(
      (await t.deps.tenants.getTenant(adminB.tenant.id)).settings.passwordPolicy,
    );
    for (const name of Object.keys(policies) as PolicyName[]) expect((await putPolicy(adminA, name, defaults[name])).statusCode).toBe(204);
  });

  it('refuses out-of-range, inconsistent and malformed policies with coded answers, storing nothing', async () => {
    const cases: [PolicyName, unknown, number, string][] = [
      ['session', { idleMinutes: 0, absoluteHours: 12 }, 400, 'VALIDATION_FAILED'],
      ['session', { idleMinutes: 1441, absoluteHours: 48 }, 400, 'VALIDATION_FAILED'],
      ['session', { idleMinutes: 30, absoluteHours: 721 }, 400, 'VALIDATION_FAILED'],
      ['session', { idleMinutes: 90, absoluteHours: 1 }, 422, 'SECURITY_POLICY_INVALID'],
      ['session', { idleMinutes: 30 }, 400, 'VALIDATION_FAILED'],
      ['session', { idleMinutes: 1.5, absoluteHours: 12 }, 400, 'VALIDATION_FAILED'],
      ['accessKeys', { maxPerUser: 0, maxKeyLifetimeDays: null, tokenLifetimeMinutes: 15 }, 400, 'VALIDATION_FAILED'],
      ['accessKeys', { maxPerUser: 5, maxKeyLifetimeDays: 0, tokenLifetimeMinutes: 15 }, 400, 'VALIDATION_FAILED'],
      ['accessKeys', { maxPerUser: 5, maxKeyLifetimeDays: 3651, tokenLifetimeMinutes: 15 }, 400, 'VALIDATION_FAILED'],
      ['accessKeys', { maxPerUser: 5, maxKeyLifetimeDays: null, tokenLifetimeMinutes: 61 }, 400, 'VALIDATION_FAILED'],
      ['accessKeys', { maxPerUser: 5, tokenLifetimeMinutes: 15 }, 400, 'VALIDATION_FAILED'],
      ['invitation', { lifetimeHours: 0 }, 400, 'VALIDATION_FAILED'],
      ['invitation', { lifetimeHours: 169 }, 400, 'VALIDATION_FAILED'],
      ['invitation', { lifetimeHours: '24' }, 400, 'VALIDATION_FAILED'],
      ['lockout', { maxFailures: 0, lockMinutes: 30 }, 400, 'VALIDATION_FAILED'],
      ['lockout', { maxFailures: 6, lockMinutes: 1441 }, 400, 'VALIDATION_FAILED'],
      ['lockout', { maxFailures: 6, lockMinutes: 30, extra: true }, 400, 'VALIDATION_FAILED'],
    ];
    const settings = await settingsOf(adminA.tenant.id);
    const audit = await auditCount();
    for (const [name, payload, status, code] of cases) {
      const response = await putPolicy(adminA, name, payload);
      expect(response.statusCode, `${name} ${JSON.stringify(payload)}`).toBe(status);
      expect(response.json().error.code).toBe(code);
    }
    expect(await settingsOf(adminA.tenant.id)).toEqual(settings);
    expect(await auditCount()).toBe(audit);
  });

  it('needs security.policies.manage to read or change them', async () => {
    const settings = await settingsOf(adminA.tenant.id);
    for (const name of Object.keys(policies) as PolicyName[]) {
      expect((await getPolicy(supervisorA, name)).json().error.code, name).toBe('PERMISSION_DENIED');
      const put = await putPolicy(supervisorA, name, defaults[name]);
      expect(put.statusCode, name).toBe(403);
      expect(put.json().error.code).toBe('PERMISSION_DENIED');
    }
    expect(await settingsOf(adminA.tenant.id)).toEqual(settings);
  });
});

describe('each policy takes effect', () => {
  it('the invitation lifetime: invitations sent from now on expire after it', async () => {
    expect((await putPolicy(adminA, 'invitation', { lifetimeHours: 2 })).statusCode).toBe(204);
    const agent = await roleNamed(t, adminA.tenant.id, 'Agent');
    const invited = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users',
      headers: adminA.headers,
      payload: { username: 'short.invite', email: 'short.invite@example.test', firstName: 'Short', lastName: 'Invite', roleId: agent.id },
    });
    expect(invited.statusCode).toBe(201);
    expect(new Date(invited.json().invitation.expiresAt).getTime()).toBe(t.clock.now().getTime() + 2 * 3_600_000);
    expect((await putPolicy(adminA, 'invitation', defaults.invitation)).statusCode).toBe(204);
  });

  it('the lockout: the attempt counter uses the new number of failures at once', async () => {
    const agent = await signedInUser(t, { tenant: adminA.tenant, username: 'lockout.policy', role: 'Agent' });
    expect((await putPolicy(adminA, 'lockout', { maxFailures: 2, lockMinutes: 5 })).statusCode).toBe(204);
    const attempt = (password: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: t.config.publicUrl.origin }, payload: { username: agent.username, password } });
    expect((await attempt('wrong-1')).statusCode).toBe(401);
    expect((await attempt('wrong-2')).statusCode).toBe(401);
    const user = await t.deps.db.selectFrom('password_credentials').select(['failed_login_count', 'locked_until']).where('user_id', '=', agent.userId).executeTakeFirstOrThrow();
    expect(user.failed_login_count).toBe(2);
    expect(user.locked_until?.getTime()).toBe(t.clock.now().getTime() + 5 * 60_000);
    expect((await attempt(strongPassword)).statusCode).toBe(401);
    t.clock.advance(5 * 60_000 + 1000);
    expect((await attempt(strongPassword)).statusCode).toBe(200);
    expect((await putPolicy(adminA, 'lockout', defaults.lockout)).statusCode).toBe(204);
  });

  it('the access-key policy: the maximum key lifetime caps and fills expiries, the count limit and the token lifetime apply at once', async () => {
    adminA.headers.cookie = adminA.cookie = await login(t, adminA.username);
    const owner = await signedInUser(t, { tenant: adminA.tenant, username: 'keys.policy', role: 'Supervisor' });
    expect((await putPolicy(adminA, 'accessKeys', { maxPerUser: 2, maxKeyLifetimeDays: 30, tokenLifetimeMinutes: 5 })).statusCode).toBe(204);
    const now = t.clock.now().getTime();
    const keys = () => t.deps.db.selectFrom('access_keys').selectAll().where('user_id', '=', owner.userId).execute();

    const tooLate = await t.app.inject({ method: 'POST', url: '/api/v1/me/access-keys', headers: owner.headers, payload: { expiresAt: new Date(now + 31 * 86_400_000).toISOString() } });
    expect(tooLate.statusCode).toBe(422);
    expect(tooLate.json().error).toMatchObject({ code: 'ACCESS_KEY_EXPIRY_TOO_LATE', details: { maxKeyLifetimeDays: 30, latest: new Date(now + 30 * 86_400_000).toISOString() } });
    expect(await keys()).toEqual([]);

    const unlimited = await addAccessKey(t, owner);
    const [stored] = await keys();
    expect(stored?.expires_at?.getTime()).toBe(now + 30 * 86_400_000);
    const within = await addAccessKey(t, owner, { expiresAt: new Date(now + 10 * 86_400_000).toISOString() });
    expect(within.id).not.toBe(unlimited.id);
    const third = await t.app.inject({ method: 'POST', url: '/api/v1/me/access-keys', headers: owner.headers, payload: {} });
    expect(third.json().error).toMatchObject({ code: 'ACCESS_KEY_LIMIT_REACHED', details: { limit: 2 } });

    const grant = await exchangeAccessKey(t, unlimited.accessKeyId, unlimited.accessKeySecret);
    expect(grant.json().expires_in).toBe(300);
    // Changed again with the credential freshly cached and the clock standing still: the next grant follows.
    expect((await putPolicy(adminA, 'accessKeys', { maxPerUser: 2, maxKeyLifetimeDays: 30, tokenLifetimeMinutes: 7 })).statusCode).toBe(204);
    expect((await exchangeAccessKey(t, unlimited.accessKeyId, unlimited.accessKeySecret)).json().expires_in).toBe(420);
  });

  it.runIf(testStorageKind() === 'postgres')('the token lifetime reaches a second instance without waiting for its cache', async () => {
    const peer = await t.secondInstance();
    try {
      const owner = await signedInUser(t, { tenant: adminA.tenant, username: 'keys.peer', role: 'Supervisor' });
      const key = await addAccessKey(t, owner);
      expect((await exchangeAccessKey(peer, key.accessKeyId, key.accessKeySecret)).json().expires_in).toBe(420);
      expect((await putPolicy(adminA, 'accessKeys', { maxPerUser: 5, maxKeyLifetimeDays: null, tokenLifetimeMinutes: 9 })).statusCode).toBe(204);
      await vi.waitFor(async () => expect((await exchangeAccessKey(peer, key.accessKeyId, key.accessKeySecret)).json().expires_in).toBe(540), { timeout: 5000, interval: 20 });
    } finally {
      await peer.close();
    }
  });

  it('the session policy: new sessions get it, a shorter one also shortens open sessions, a longer one never lengthens them', async () => {
    const admin = await signedInUser(t, { tenantName: 'Policies C', username: 'gilbert.policies' });
    const agent = await signedInUser(t, { tenant: admin.tenant, username: 'ruby.policies', role: 'Agent' });
    const sessionsOf = (userId: string) => t.deps.db.selectFrom('sessions').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
    const [open] = await sessionsOf(agent.userId);
    expect(open?.idle_timeout_seconds).toBe(30 * 60);
    expect(open?.absolute_expires_at.getTime()).toBe((open?.created_at.getTime() ?? 0) + 12 * 3_600_000);

    expect((await putPolicy(admin, 'session', { idleMinutes: 10, absoluteHours: 1 })).statusCode).toBe(204);
    const [shortened] = await sessionsOf(agent.userId);
    expect(shortened?.idle_timeout_seconds).toBe(10 * 60);
    expect(shortened?.absolute_expires_at.getTime()).toBe((open?.created_at.getTime() ?? 0) + 3_600_000);
    const [event] = await policyEvents(admin.tenant.id, 'session');
    expect(event?.details).toMatchObject({ before: defaults.session, after: { idleMinutes: 10, absoluteHours: 1 }, sessionsShortened: 2 });
    // Sessions of another tenant are untouched.
    const [otherTenants] = await sessionsOf(adminB.userId);
    expect(otherTenants?.idle_timeout_seconds).toBe(30 * 60);

    const fresh = await login(t, agent.username);
    const [, newest] = await sessionsOf(agent.userId);
    expect(newest?.idle_timeout_seconds).toBe(10 * 60);
    expect(newest?.absolute_expires_at.getTime()).toBe(t.clock.now().getTime() + 3_600_000);

    // Loosening applies to new sessions only.
    expect((await putPolicy(admin, 'session', { idleMinutes: 60, absoluteHours: 24 })).statusCode).toBe(204);
    expect((await sessionsOf(agent.userId)).map((session) => session.idle_timeout_seconds)).toEqual([10 * 60, 10 * 60]);

    // Eleven quiet minutes end the shortened sessions.
    t.clock.advance(11 * 60_000);
    const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    expect((await me(agent.cookie)).json().error.code).toBe('AUTH_SESSION_EXPIRED');
    expect((await me(fresh)).json().error.code).toBe('AUTH_SESSION_EXPIRED');
  });
});

describe('tenant isolation', () => {
  it("one tenant's administrator only ever changes their own tenant's policies", async () => {
    const settingsOfA = await settingsOf(adminA.tenant.id);
    adminB.headers.cookie = adminB.cookie = await login(t, adminB.username);
    expect((await putPolicy(adminB, 'lockout', { maxFailures: 3, lockMinutes: 10 })).statusCode).toBe(204);
    expect(await settingsOf(adminA.tenant.id)).toEqual(settingsOfA);
    expect((await getPolicy(adminB, 'lockout')).json()).toEqual({ maxFailures: 3, lockMinutes: 10 });
  });
});

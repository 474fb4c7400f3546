import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY } from '../kernel/clock.ts';
import { accessTokenFor, addAccessKey, exchangeAccessKey, login, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, testOrigin, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let admin: SignedInUser;
let supervisor: SignedInUser;
let agent: SignedInUser;
let otherAdmin: SignedInUser;

beforeAll(async () => {
  t = await createTestApp();
  admin = await signedInUser(t, { tenantName: 'Keys Tenant', username: 'marilla.cuthbert' });
  supervisor = await signedInUser(t, { tenant: admin.tenant, username: 'matthew.cuthbert', role: 'Supervisor' });
  agent = await signedInUser(t, { tenant: admin.tenant, username: 'diana.barry', role: 'Agent' });
  otherAdmin = await signedInUser(t, { tenantName: 'Other Keys Tenant', username: 'rachel.lynde' });
});
afterAll(async () => t.close());

const request = (user: SignedInUser, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: user.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

const keyRows = () => t.deps.db.selectFrom('access_keys').selectAll().execute();

describe('adding an access key', () => {
  it('returns the Access Key ID and the Secret Access Key once; only a keyed hash of the secret is stored', async () => {
    const response = await request(supervisor, 'POST', '/api/v1/me/access-keys', { description: 'Reporting script' });
    expect(response.statusCode).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const created = response.json();
    expect(created).toMatchObject({ description: 'Reporting script', state: 'active', lastUsedAt: null, lastUsedIp: null, expiresAt: null });
    expect(created.accessKeyId).toMatch(/^LAK[A-Z2-7]{20}$/);
    expect(Buffer.from(created.accessKeySecret, 'base64url')).toHaveLength(32);

    const rows = (await keyRows()).filter((row) => row.access_key_id === created.accessKeyId);
    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0]!.secret_hash)).toHaveLength(32);
    expect(JSON.stringify(rows[0])).not.toContain(created.accessKeySecret);
    expect(Buffer.from(rows[0]!.secret_hash).toString('base64url')).not.toBe(created.accessKeySecret);

    const list = await request(supervisor, 'GET', '/api/v1/me/access-keys');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(created.accessKeySecret);
    expect(list.json().limit).toBe(5);
    const listed = list.json().items.find((item: { id: string }) => item.id === created.id);
    expect(listed).toEqual({ ...created, accessKeySecret: undefined });
    expect(Object.keys(listed)).not.toContain('accessKeySecret');
  });

  it('never writes a secret to the logs, neither when created nor when presented', async () => {
    const canary = await addAccessKey(t, supervisor, { description: 'canary' });
    await accessTokenFor(t, canary);
    await t.app.inject({ method: 'POST', url: '/oauth/token', payload: `grant_type=client_credentials&client_id=${canary.accessKeyId}&client_secret=${canary.accessKeySecret}x`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await request(supervisor, 'GET', '/api/v1/me/access-keys');
    await request(admin, 'GET', '/api/v1/admin/access-keys');
    const lines = t.logLines();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toContain(canary.accessKeySecret);
    // The audit trail names the key by its public ID only.
    const audit = JSON.stringify(await t.deps.db.selectFrom('audit_events').selectAll().where('target_id', '=', canary.accessKeyId).execute());
    expect(audit).toContain('accessKey.create');
    expect(audit).not.toContain(canary.accessKeySecret);
  });

  it('needs accessKeys.own.create', async () => {
    const before = (await keyRows()).length;
    const response = await request(agent, 'POST', '/api/v1/me/access-keys', {});
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('PERMISSION_DENIED');
    expect((await keyRows()).length).toBe(before);
  });

  it('refuses bad input with a coded 4xx and stores nothing', async () => {
    const before = (await keyRows()).length;
    const cases: [unknown, number, string][] = [
      [{ description: 'x'.repeat(257) }, 400, 'VALIDATION_FAILED'],
      [{ description: 'line\nbreak' }, 400, 'VALIDATION_FAILED'],
      [{ description: 42 }, 400, 'VALIDATION_FAILED'],
      [{ expiresAt: 'tomorrow' }, 400, 'VALIDATION_FAILED'],
      [{ accessKeySecret: 'chosen-by-me' }, 400, 'VALIDATION_FAILED'],
      [{ expiresAt: new Date(t.clock.now().getTime() - DAY).toISOString() }, 422, 'ACCESS_KEY_EXPIRY_INVALID'],
    ];
    for (const [payload, status, code] of cases) {
      const response = await request(supervisor, 'POST', '/api/v1/me/access-keys', payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.json().error.code).toBe(code);
    }
    const malformed = await t.app.inject({ method: 'POST', url: '/api/v1/me/access-keys', headers: { ...supervisor.headers, 'content-type': 'application/json' }, payload: '{"description":' });
    expect(malformed.json().error.code).toBe('MALFORMED_JSON');
    expect((await keyRows()).length).toBe(before);
  });

  it('never exceeds the per-user limit, even with 20 creates at once', async () => {
    const racer = await signedInUser(t, { tenant: admin.tenant, username: 'josie.pye', role: 'Supervisor' });
    const answers = await Promise.all(Array.from({ length: 20 }, () => request(racer, 'POST', '/api/v1/me/access-keys', {})));
    const statuses = answers.map((answer) => answer.statusCode).sort();
    expect(statuses.filter((status) => status === 201)).toHaveLength(5);
    expect(statuses.filter((status) => status === 409)).toHaveLength(15);
    for (const answer of answers.filter((entry) => entry.statusCode === 409)) {
      expect(answer.json().error).toMatchObject({ code: 'ACCESS_KEY_LIMIT_REACHED', details: { limit: 5 } });
    }
    const stored = (await keyRows()).filter((row) => row.user_id === racer.userId);
    expect(stored).toHaveLength(5);
  });

  it('takes an optional expiry, after which the key no longer works', async () => {
    const expiresAt = new Date(t.clock.now().getTime() + DAY).toISOString();
    const key = await addAccessKey(t, supervisor, { expiresAt });
    expect((await exchangeAccessKey(t, key.accessKeyId, key.accessKeySecret)).statusCode).toBe(200);
    t.clock.advance(DAY);
    const refused = await exchangeAccessKey(t, key.accessKeyId, key.accessKeySecret);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('ACCESS_KEY_INVALID_CREDENTIALS');
    // A day later every console session has timed out: sign in again for the tests that follow.
    for (const user of [admin, supervisor, agent, otherAdmin]) {
      user.cookie = await login(t, user.username);
      user.headers.cookie = user.cookie;
    }
    await request(supervisor, 'DELETE', `/api/v1/me/access-keys/${key.id}`);
  });
});

describe('managing your keys', () => {
  it('changes the State and description, records last use, and deletes', async () => {
    const key = await addAccessKey(t, admin, { description: 'CI' });
    const off = await request(admin, 'PATCH', `/api/v1/me/access-keys/${key.id}`, { state: 'inactive' });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ id: key.id, state: 'inactive', description: 'CI' });
    expect(off.body).not.toContain(key.accessKeySecret);
    const renamed = await request(admin, 'PATCH', `/api/v1/me/access-keys/${key.id}`, { state: 'active', description: 'CI pipeline' });
    expect(renamed.json()).toMatchObject({ state: 'active', description: 'CI pipeline' });

    await accessTokenFor(t, key);
    const listed = (await request(admin, 'GET', '/api/v1/me/access-keys')).json().items.find((item: { id: string }) => item.id === key.id);
    expect(listed.lastUsedAt).toBe(t.clock.now().toISOString());
    expect(listed.lastUsedIp).toBe('127.0.0.1');

    const deleted = await request(admin, 'DELETE', `/api/v1/me/access-keys/${key.id}`);
    expect(deleted.statusCode).toBe(204);
    expect((await request(admin, 'GET', '/api/v1/me/access-keys')).json().items.map((item: { id: string }) => item.id)).not.toContain(key.id);
    expect((await request(admin, 'DELETE', `/api/v1/me/access-keys/${key.id}`)).json().error.code).toBe('ACCESS_KEY_NOT_FOUND');
  });

  it('refuses empty or unknown changes', async () => {
    const key = await addAccessKey(t, admin);
    for (const payload of [{}, { state: 'paused' }, { state: 'active', secret: 'x' }]) {
      const response = await request(admin, 'PATCH', `/api/v1/me/access-keys/${key.id}`, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect((await request(admin, 'PATCH', '/api/v1/me/access-keys/not-a-uuid', { state: 'inactive' })).json().error.code).toBe('VALIDATION_FAILED');
    await request(admin, 'DELETE', `/api/v1/me/access-keys/${key.id}`);
  });

  it("cannot see or change another user's key through My Profile", async () => {
    const key = await addAccessKey(t, admin);
    for (const [method, payload] of [['PATCH', { state: 'inactive' }], ['DELETE', undefined]] as const) {
      const response = await request(supervisor, method, `/api/v1/me/access-keys/${key.id}`, payload);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('ACCESS_KEY_NOT_FOUND');
    }
    expect((await request(supervisor, 'GET', '/api/v1/me/access-keys')).body).not.toContain(key.id);
    expect((await exchangeAccessKey(t, key.accessKeyId, key.accessKeySecret)).statusCode).toBe(200);
    await request(admin, 'DELETE', `/api/v1/me/access-keys/${key.id}`);
  });

  it('needs the console origin for cookie-authenticated changes', async () => {
    const key = await addAccessKey(t, admin);
    const response = await t.app.inject({ method: 'PATCH', url: `/api/v1/me/access-keys/${key.id}`, headers: { cookie: admin.cookie, origin: 'https://evil.example' }, payload: { state: 'inactive' } });
    expect(response.json().error.code).toBe('CSRF_REJECTED');
    expect((await request(admin, 'GET', '/api/v1/me/access-keys')).json().items.find((item: { id: string }) => item.id === key.id).state).toBe('active');
    await request(admin, 'DELETE', `/api/v1/me/access-keys/${key.id}`);
  });
});

describe('administration of access keys', () => {
  it("lists every key of the tenant with its owner, and deactivates and deletes any of them", async () => {
    const key = await addAccessKey(t, supervisor, { description: 'to be managed' });
    const list = await request(admin, 'GET', '/api/v1/admin/access-keys');
    expect(list.statusCode).toBe(200);
    const entry = list.json().items.find((item: { id: string }) => item.id === key.id);
    expect(entry).toMatchObject({ accessKeyId: key.accessKeyId, user: { id: supervisor.userId, username: 'matthew.cuthbert' } });
    expect(list.body).not.toContain(key.accessKeySecret);

    const off = await request(admin, 'PATCH', `/api/v1/admin/access-keys/${key.id}`, { state: 'inactive' });
    expect(off.json().state).toBe('inactive');
    expect((await exchangeAccessKey(t, key.accessKeyId, key.accessKeySecret)).json().error.code).toBe('ACCESS_KEY_INVALID_CREDENTIALS');
    expect((await request(admin, 'DELETE', `/api/v1/admin/access-keys/${key.id}`)).statusCode).toBe(204);
  });

  it('needs accessKeys.manage', async () => {
    const response = await request(supervisor, 'GET', '/api/v1/admin/access-keys');
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('PERMISSION_DENIED');
  });

  it("keeps tenants apart: another tenant's administrator can neither see nor change a key (404)", async () => {
    const key = await addAccessKey(t, supervisor);
    expect((await request(otherAdmin, 'GET', '/api/v1/admin/access-keys')).body).not.toContain(key.id);
    for (const [method, payload] of [['PATCH', { state: 'inactive' }], ['DELETE', undefined]] as const) {
      const response = await request(otherAdmin, method, `/api/v1/admin/access-keys/${key.id}`, payload);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('ACCESS_KEY_NOT_FOUND');
    }
    const stored = (await keyRows()).find((row) => row.id === key.id);
    expect(stored?.state).toBe('active');
    expect((await exchangeAccessKey(t, key.accessKeyId, key.accessKeySecret)).statusCode).toBe(200);
  });

  it('a tenant setting changes the limit', async () => {
    await t.deps.db.updateTable('tenants').set({ settings: JSON.stringify({ accessKeys: { maxPerUser: 1 } }) }).where('id', '=', otherAdmin.tenant.id).execute();
    expect((await request(otherAdmin, 'POST', '/api/v1/me/access-keys', {})).statusCode).toBe(201);
    const refused = await request(otherAdmin, 'POST', '/api/v1/me/access-keys', {});
    expect(refused.json().error).toMatchObject({ code: 'ACCESS_KEY_LIMIT_REACHED', details: { limit: 1 } });
    expect((await request(otherAdmin, 'GET', '/api/v1/me/access-keys')).json().limit).toBe(1);
  });
});

describe('bearer tokens on the API', () => {
  it('manage keys with the same permission checks as the console', async () => {
    const key = await addAccessKey(t, supervisor);
    const token = await accessTokenFor(t, key);
    const bearer = { authorization: `Bearer ${token}`, origin: testOrigin };
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/me/access-keys', headers: bearer });
    expect(list.statusCode).toBe(200);
    // A supervisor has no accessKeys.manage, with a token or without.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/admin/access-keys', headers: bearer })).json().error.code).toBe('PERMISSION_DENIED');
  });
});

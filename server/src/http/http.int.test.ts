import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, signedInUser, tokenFromLink } from '../testing/journeys.ts';
import { createTestApp, strongPassword, testOrigin, type TestApp } from '../testing/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('operations endpoints', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });

  it('exposes Prometheus metrics with request durations by route', async () => {
    await t.app.inject({ method: 'GET', url: '/healthz' });
    const response = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toMatch(/lanyard_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(response.body).toContain('lanyard_process_cpu_seconds_total');
  });

  it('serves an OpenAPI 3.1 document with the fixed contract and a browsable reference', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    for (const path of ['/api/v1/invitations/{token}', '/api/v1/invitations/{token}/accept', '/api/v1/auth/login', '/api/v1/auth/logout', '/api/v1/me']) {
      expect(Object.keys(document.paths), path).toContain(path);
    }
    expect(document.paths['/api/v1/auth/login'].post.requestBody.content['application/json'].schema.required).toEqual(['username', 'password']);
    const reference = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(reference.statusCode).toBe(200);
    expect(reference.body).toContain('swagger');
  });
});

describe('error answers', () => {
  it('answers unknown routes with ROUTE_NOT_FOUND in the documented shape', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(response.statusCode).toBe(404);
    const body = response.json();
    expect(body.error.code).toBe('ROUTE_NOT_FOUND');
    expect(typeof body.error.message).toBe('string');
    expect(body.error.requestId).toBe(response.headers['x-request-id']);
  });

  it('sets protective headers and keeps API answers out of caches', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/me' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['cache-control']).toBe('no-store');
  });
});

describe('logs', () => {
  it('never contain passwords, session cookies or link tokens', async () => {
    const user = await signedInUser(t, { tenantName: 'Log Tenant', username: 'log.user' });
    const cookie = await login(t, 'log.user');
    await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: testOrigin }, payload: { username: 'log.user', password: 'Canary-Wrong-Password-1' } });
    const agent = await t.deps.roles.getRoleByName(user.tenant.id, 'Agent');
    const issued = await t.deps.invitations.inviteUser(user.tenant.id, { username: 'log.invitee', email: 'li@example.test', firstName: 'L', lastName: 'I', roleId: agent.id });
    const token = tokenFromLink(issued.url);
    await t.app.inject({ method: 'GET', url: `/api/v1/invitations/${token}` });
    await t.app.inject({ method: 'POST', url: `/api/v1/invitations/${token}/accept`, headers: { origin: testOrigin }, payload: { password: 'short' } });
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie, origin: testOrigin } });

    const log = t.logLines().join('\n');
    expect(log).toContain('/api/v1/invitations/[redacted]');
    for (const secret of [strongPassword, 'Canary-Wrong-Password-1', cookie.split('=')[1] ?? 'missing', token]) {
      expect(log).not.toContain(secret);
    }
  });
});

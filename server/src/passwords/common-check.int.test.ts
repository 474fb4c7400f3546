import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECOND } from '../kernel/clock.ts';
import { signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, testOrigin, type TestApp } from '../testing/test-app.ts';

/**
 * `POST /api/v1/passwords/common-check`: the console's live check of the common-password rule, used
 * signed in (Change Password) and signed out (first access, reset). Only the console's origin may ask,
 * each client network a limited number of times a minute, and the password is never written anywhere.
 */

const limit = 5;
let t: TestApp;
let member: SignedInUser;

beforeAll(async () => {
  t = await createTestApp({ LANYARD_PASSWORD_CHECK_RATE_LIMIT: String(limit) });
  member = await signedInUser(t, { tenantName: 'Check Tenant', username: 'check.admin' });
});
afterAll(async () => t.close());

let network = 0;
/** A client network of its own, so each test starts with a fresh allowance. */
function freshAddress(): string {
  network += 1;
  return `198.51.100.${network}`;
}

const check = (password: unknown, options: { remoteAddress: string; headers?: Record<string, string> }) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/passwords/common-check',
    headers: options.headers ?? { origin: testOrigin },
    remoteAddress: options.remoteAddress,
    payload: { password },
  });

describe('POST /api/v1/passwords/common-check', () => {
  it('answers whether a password is common, ignoring case and after NFKC normalisation, signed out and signed in', async () => {
    const remoteAddress = freshAddress();
    const common = await check('Password1234', { remoteAddress });
    expect(common.statusCode).toBe(200);
    expect(common.json()).toEqual({ common: true });
    expect(common.headers['cache-control']).toBe('no-store');
    // Fullwidth letters normalise (NFKC) to the same common password.
    expect((await check('Ｐａｓｓｗｏｒｄ1234', { remoteAddress })).json()).toEqual({ common: true });
    expect((await check('Harbour-Lantern-2048', { remoteAddress })).json()).toEqual({ common: false });

    const signedIn = await check('qwerty123456', { remoteAddress: freshAddress(), headers: { ...member.headers } });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json()).toEqual({ common: true });
  });

  it('refuses bodies that are not one password with VALIDATION_FAILED', async () => {
    const remoteAddress = freshAddress();
    for (const payload of ['', 42, 'x'.repeat(5000)]) {
      const refused = await check(payload, { remoteAddress });
      expect(refused.statusCode, JSON.stringify(payload).slice(0, 20)).toBe(400);
      expect(refused.json().error.code).toBe('VALIDATION_FAILED');
    }
    const extra = await t.app.inject({
      method: 'POST',
      url: '/api/v1/passwords/common-check',
      headers: { origin: testOrigin },
      remoteAddress,
      payload: { password: 'Password1234', username: 'someone' },
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('answers only the console: another origin, or no origin at all, is CSRF_REJECTED', async () => {
    const remoteAddress = freshAddress();
    const foreign = await check('Password1234', { remoteAddress, headers: { origin: 'https://elsewhere.example' } });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('CSRF_REJECTED');
    const headerless = await check('Password1234', { remoteAddress, headers: {} });
    expect(headerless.statusCode).toBe(403);
    expect(headerless.json().error.code).toBe('CSRF_REJECTED');
    const byReferer = await check('Password1234', { remoteAddress, headers: { referer: `${testOrigin}/login` } });
    expect(byReferer.statusCode).toBe(403);
    expect(byReferer.json().error.code).toBe('CSRF_REJECTED');
  });

  it('limits each client network and answers 429 RATE_LIMITED with Retry-After', async () => {
    const remoteAddress = freshAddress();
    for (let index = 0; index < limit; index += 1) expect((await check(`Limit-check-${index}`, { remoteAddress })).statusCode).toBe(200);
    const refused = await check('Limit-check-over', { remoteAddress });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Another network has its own allowance; the limit is the check's own, not the sign-in one.
    expect((await check('Limit-check-other', { remoteAddress: freshAddress() })).statusCode).toBe(200);
    t.clock.advance(61 * SECOND);
    expect((await check('Limit-check-later', { remoteAddress })).statusCode).toBe(200);
  });

  it('is described in the OpenAPI document with its body and answer', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const operation = document.paths['/api/v1/passwords/common-check'].post;
    expect(operation.requestBody.content['application/json'].schema.required).toEqual(['password']);
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '403', '429']));
  });

  it('never writes the password to the log, to the audit log or to the database', async () => {
    const secret = 'Unmistakable-Probe-7731';
    const remoteAddress = freshAddress();
    const before = t.logLines().length;
    expect((await check(secret, { remoteAddress })).statusCode).toBe(200);
    expect((await check(secret, { remoteAddress, headers: { origin: 'https://elsewhere.example' } })).statusCode).toBe(403);
    expect((await check(`${secret}${'x'.repeat(5000)}`, { remoteAddress })).statusCode).toBe(400);
    const lines = t.logLines().slice(before);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((line) => line.includes('/api/v1/passwords/common-check'))).toBe(true);
    for (const line of lines) expect(line).not.toContain(secret);
    const events = await t.app.inject({ method: 'GET', url: '/api/v1/admin/audit-events', headers: member.headers });
    expect(JSON.stringify(events.json())).not.toContain(secret);
  });
});

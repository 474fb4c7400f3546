import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR } from '../kernel/clock.ts';
import { signedInUser } from '../testing/journeys.ts';
import { createTestApp, strongPassword, testOrigin, type TestApp } from '../testing/test-app.ts';

/**
 * The session hint: a readable `lanyard_signed_in=1` cookie set beside the HttpOnly session cookie and
 * cleared with it, so the console asks GET /api/v1/me only when there may be a session.
 */

let t: TestApp;
let counter = 0;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function freshUser() {
  counter += 1;
  return signedInUser(t, { tenantName: `Hint Tenant ${counter}`, username: `hint.${counter}` });
}

const signIn = (username: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: testOrigin }, payload: { username, password: strongPassword } });

/** The cookies an answer sets or clears (an empty value with a past expiry clears). */
function cookiesOf(response: Awaited<ReturnType<typeof signIn>>) {
  return new Map(response.cookies.map((cookie) => [cookie.name, cookie]));
}

function isCleared(cookie: { value: string; expires?: Date | undefined; maxAge?: number | undefined } | undefined): boolean {
  return cookie !== undefined && cookie.value === '' && ((cookie.expires !== undefined && cookie.expires.getTime() <= Date.now()) || cookie.maxAge === 0);
}

describe('the session hint cookie', () => {
  it('is set readable, without a secret, beside the HttpOnly session cookie at sign-in', async () => {
    const user = await freshUser();
    const cookies = cookiesOf(await signIn(user.username));
    const session = cookies.get('lanyard_session');
    const hint = cookies.get('lanyard_signed_in');
    expect(session?.httpOnly).toBe(true);
    expect(hint).toMatchObject({ value: '1', path: '/', sameSite: 'Lax' });
    expect(hint?.httpOnly).not.toBe(true);
  });

  it('is cleared with the session cookie at sign-out', async () => {
    const user = await freshUser();
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: user.headers });
    expect(response.statusCode).toBe(204);
    const cookies = cookiesOf(response);
    expect(isCleared(cookies.get('lanyard_session'))).toBe(true);
    expect(isCleared(cookies.get('lanyard_signed_in'))).toBe(true);
  });

  it('is cleared at the first request that finds the session gone', async () => {
    const user = await freshUser();
    t.clock.advance(13 * HOUR);
    const expired = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `${user.cookie}; lanyard_signed_in=1` } });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('AUTH_SESSION_EXPIRED');
    expect(isCleared(cookiesOf(expired).get('lanyard_signed_in'))).toBe(true);
  });

  it('is cleared when it comes without a session cookie, and nothing is set without one', async () => {
    const alone = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: 'lanyard_signed_in=1' } });
    expect(alone.statusCode).toBe(401);
    expect(alone.json().error.code).toBe('AUTH_REQUIRED');
    expect(isCleared(cookiesOf(alone).get('lanyard_signed_in'))).toBe(true);
    const stranger = await t.app.inject({ method: 'GET', url: '/api/v1/me' });
    expect(stranger.statusCode).toBe(401);
    expect(stranger.cookies).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, strongPassword, testOrigin, type TestApp } from '../testing/test-app.ts';

/** SPEC §3.2 and §4b "Sessions": a user lists their sessions and signs any of them out, at once on every instance. */
let t: TestApp;
let user: SignedInUser;
let stranger: SignedInUser;
const chromeOnWindows = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const safariOnIos = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

beforeAll(async () => {
  t = await createTestApp();
  user = await signedInUser(t, { tenantName: 'Session List Tenant', username: 'diana.barry', role: 'Agent' });
  stranger = await signedInUser(t, { tenantName: 'Other Session Tenant', username: 'josie.pye', role: 'Agent' });
});
afterAll(async () => t.close());

/** Signs in from a device; answers the cookie header value. */
async function signInFrom(userAgent: string, remoteAddress: string): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { origin: testOrigin, 'user-agent': userAgent },
    remoteAddress,
    payload: { username: 'diana.barry', password: strongPassword },
  });
  expect(response.statusCode).toBe(200);
  const cookie = response.cookies.find((entry) => entry.name === 'lanyard_session');
  if (cookie === undefined) throw new Error('no cookie');
  return `lanyard_session=${cookie.value}`;
}

const list = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/v1/me/sessions', headers: { cookie } });
const end = (cookie: string, id: string) => t.app.inject({ method: 'DELETE', url: `/api/v1/me/sessions/${id}`, headers: { cookie, origin: testOrigin } });

interface Item {
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
  device: string | null;
}

describe('my sessions', () => {
  it('lists every session with its device, address and times; marks the current one; never shows a cookie value', async () => {
    const desktop = await signInFrom(chromeOnWindows, '192.0.2.10');
    t.clock.advance(60_000);
    const phone = await signInFrom(safariOnIos, '198.51.100.7');
    const response = await list(phone);
    expect(response.statusCode).toBe(200);
    const items: Item[] = response.json().items;
    const mine = await t.deps.db.selectFrom('sessions').select('id').where('user_id', '=', user.userId).execute();
    expect(items.map((item) => item.id).sort()).toEqual(mine.map((row) => row.id).sort());
    expect(items[0]).toEqual({ id: expect.any(String), current: true, createdAt: t.clock.now().toISOString(), lastSeenAt: t.clock.now().toISOString(), ip: '198.51.100.7', userAgent: safariOnIos, device: 'Safari on iOS' });
    expect(items[1]).toMatchObject({ current: false, ip: '192.0.2.10', device: 'Chrome on Windows' });
    expect(items.filter((item) => item.current)).toHaveLength(1);
    for (const cookie of [desktop, phone, user.cookie]) expect(response.body).not.toContain(cookie.split('=')[1]);
    expect((await list(desktop)).json().items.find((item: Item) => item.current)?.device).toBe('Chrome on Windows');
  });

  it('signs out another session at once, on this instance and on another one', async () => {
    const other = await t.secondInstance();
    try {
      const desktop = await signInFrom(chromeOnWindows, '192.0.2.11');
      const phone = await signInFrom(safariOnIos, '198.51.100.8');
      expect((await other.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: desktop } })).statusCode).toBe(200);
      const target = (await list(desktop)).json().items.find((item: Item) => item.current) as Item;
      const ended = await end(phone, target.id);
      expect(ended.statusCode).toBe(204);
      const here = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: desktop } });
      expect(here.statusCode).toBe(401);
      expect(here.json().error.code).toBe('AUTH_REQUIRED');
      expect((await other.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: desktop } })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: phone } })).statusCode).toBe(200);
      expect((await list(phone)).json().items.map((item: Item) => item.id)).not.toContain(target.id);
      const audit = await t.deps.db.selectFrom('audit_events').select(['actor_user_id', 'result']).where('action', '=', 'session.ended').where('target_id', '=', target.id).execute();
      expect(audit).toEqual([{ actor_user_id: user.userId, result: 'success' }]);
    } finally {
      await other.close();
    }
  });

  it('signs out the current session too, clearing its cookie', async () => {
    const phone = await signInFrom(safariOnIos, '198.51.100.9');
    const current = (await list(phone)).json().items.find((item: Item) => item.current) as Item;
    const ended = await end(phone, current.id);
    expect(ended.statusCode).toBe(204);
    expect(ended.cookies.find((cookie) => cookie.name === 'lanyard_session')?.value).toBe('');
    expect((await list(phone)).statusCode).toBe(401);
  });

  it('answers 404 for another user’s session or an unknown one, and ends nothing', async () => {
    const strangers = (await list(stranger.cookie)).json().items as Item[];
    const target = strangers[0];
    if (target === undefined) throw new Error('the stranger has no session');
    const refused = await end(user.cookie, target.id);
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.code).toBe('SESSION_NOT_FOUND');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: stranger.cookie } })).statusCode).toBe(200);
    expect((await end(user.cookie, '00000000-0000-7000-8000-000000000000')).json().error.code).toBe('SESSION_NOT_FOUND');
    expect((await end(user.cookie, 'not-an-id')).json().error.code).toBe('VALIDATION_FAILED');
  });

  it('needs a signed-in user', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me/sessions' })).json().error.code).toBe('AUTH_REQUIRED');
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SECOND } from '../kernel/clock.ts';
import { accessTokenFor, addAccessKey, exchangeAccessKey, signedInUser, type CreatedKey, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, uniqueInvalidationChannel, type TestApp } from '../testing/test-app.ts';

// Redis runs beside PostgreSQL in CI; the tests use the default local address unless told otherwise.
// eslint-disable-next-line no-restricted-properties -- test-only address of the shared Redis
const redisUrl = process.env.LANYARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Two instances on one database with LANYARD_REDIS_URL set: Redis pub/sub, not LISTEN/NOTIFY, tells the
 * other instance that a key changed. On PGlite the second instance shares the database handle but has no
 * other way to hear of a change; on PostgreSQL no instance LISTENs once Redis is configured.
 */
let t: TestApp;
let peer: Awaited<ReturnType<TestApp['secondInstance']>>;
let admin: SignedInUser;
let supervisor: SignedInUser;

beforeAll(async () => {
  t = await createTestApp({ LANYARD_REDIS_URL: redisUrl });
  admin = await signedInUser(t, { tenantName: 'Redis Tenant', username: 'diana.barry' });
  supervisor = await signedInUser(t, { tenant: admin.tenant, username: 'jane.andrews', role: 'Supervisor' });
  peer = await t.secondInstance();
});
afterAll(async () => {
  await peer?.close();
  await t?.close();
});

const me = (token: string, app = t.app) => app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
const setState = (key: CreatedKey, state: 'active' | 'inactive') =>
  t.app.inject({ method: 'PATCH', url: `/api/v1/me/access-keys/${key.id}`, headers: supervisor.headers, payload: { state } });

describe('cache invalidation through Redis between two instances', () => {
  it('a key deactivated on one instance stops an already-issued token on the other within a second', async () => {
    const key = await addAccessKey(t, supervisor);
    const token = await accessTokenFor(peer, key);
    expect((await me(token, peer.app)).statusCode).toBe(200);

    expect((await setState(key, 'inactive')).statusCode).toBe(200);
    // The test clock does not move, so the peer's cached key never ages: only the Redis message can do it.
    await vi.waitFor(async () => expect((await me(token, peer.app)).json().error?.code).toBe('TOKEN_INVALID'), { timeout: 1000, interval: 10 });
    expect((await exchangeAccessKey(peer, key.accessKeyId, key.accessKeySecret)).json().error.code).toBe('ACCESS_KEY_INVALID_CREDENTIALS');

    // Reactivated: the peer exchanges the key again, and the token from before stays dead.
    expect((await setState(key, 'active')).statusCode).toBe(200);
    await vi.waitFor(async () => expect((await exchangeAccessKey(peer, key.accessKeyId, key.accessKeySecret)).statusCode).toBe(200), { timeout: 1000, interval: 10 });
    expect((await me(token, peer.app)).json().error.code).toBe('TOKEN_INVALID');
  });

  it('an instance listening on another Redis channel keeps its cached key: Redis, not the database, carries the change', async () => {
    const stranger = await t.secondInstance({ invalidationChannel: uniqueInvalidationChannel() });
    try {
      const key = await addAccessKey(t, supervisor);
      const token = await accessTokenFor(peer, key);
      expect((await me(token, peer.app)).statusCode).toBe(200);
      expect((await me(token, stranger.app)).statusCode).toBe(200);

      expect((await setState(key, 'inactive')).statusCode).toBe(200);
      await vi.waitFor(async () => expect((await me(token, peer.app)).json().error?.code).toBe('TOKEN_INVALID'), { timeout: 1000, interval: 10 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await me(token, stranger.app)).statusCode).toBe(200);

      // Without the message, only the cache's one-second limit ends it.
      t.clock.advance(SECOND);
      expect((await me(token, stranger.app)).json().error.code).toBe('TOKEN_INVALID');
    } finally {
      await stranger.close();
    }
  });

  it('a key blocked for failures on one instance is refused on the other before its secret is checked', async () => {
    const key = await addAccessKey(t, supervisor);
    const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    for (let attempt = 1; attempt <= 10; attempt += 1) expect((await exchangeAccessKey(t, key.accessKeyId, 'wrong-secret', ip)).statusCode).toBe(401);
    expect((await exchangeAccessKey(t, key.accessKeyId, 'wrong-secret', ip)).json().error.code).toBe('RATE_LIMITED');
    // The peer has seen no failure of its own; the block reaches it through Redis, and the right secret is refused.
    await vi.waitFor(
      async () => {
        const blocked = await exchangeAccessKey(peer, key.accessKeyId, key.accessKeySecret, '192.0.2.200');
        expect(blocked.statusCode).toBe(429);
        expect(blocked.json().error.code).toBe('RATE_LIMITED');
      },
      { timeout: 1000, interval: 10 },
    );
    const audited = await t.deps.db.selectFrom('audit_events').select('id').where('action', '=', 'token.issue').where('result', '=', 'success').where('target_id', '=', key.accessKeyId).execute();
    expect(audited).toHaveLength(0);
  });
});

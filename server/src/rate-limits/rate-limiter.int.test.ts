import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TestClock, SECOND } from '../kernel/clock.ts';
import { clientNetwork, createMemoryRateLimiter, createRedisRateLimiter } from './rate-limiter.ts';

// Redis runs beside PostgreSQL in CI; the tests use the default local address unless told otherwise.
// eslint-disable-next-line no-restricted-properties -- test-only address of the shared Redis
const redisUrl = process.env.LANYARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('rate limiters', () => {
  it('count per key in fixed windows (memory)', async () => {
    const clock = new TestClock();
    const limiter = createMemoryRateLimiter(clock);
    for (let hit = 0; hit < 3; hit += 1) expect((await limiter.hit('a', 3, 60 * SECOND)).allowed).toBe(true);
    expect(await limiter.hit('a', 3, 60 * SECOND)).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect((await limiter.hit('b', 3, 60 * SECOND)).allowed).toBe(true);
    clock.advance(45 * SECOND);
    expect(await limiter.hit('a', 3, 60 * SECOND)).toEqual({ allowed: false, retryAfterSeconds: 15 });
    clock.advance(15 * SECOND);
    expect((await limiter.hit('a', 3, 60 * SECOND)).allowed).toBe(true);
  });

  it('share one count across instances through Redis', async () => {
    const first = createRedisRateLimiter(redisUrl);
    const second = createRedisRateLimiter(redisUrl);
    try {
      const key = `test|${randomBytes(8).toString('hex')}`;
      const decisions = [];
      for (let hit = 0; hit < 4; hit += 1) decisions.push(await (hit % 2 === 0 ? first : second).hit(key, 3, 60 * SECOND));
      expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, false]);
      expect(decisions[3]?.retryAfterSeconds).toBeGreaterThan(0);
      expect(decisions[3]?.retryAfterSeconds).toBeLessThanOrEqual(60);
      // Concurrent hits are counted exactly (INCR is atomic): 10 parallel hits, limit 5 → 5 allowed.
      const burstKey = `test|${randomBytes(8).toString('hex')}`;
      const burst = await Promise.all(Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? first : second).hit(burstKey, 5, 60 * SECOND)));
      expect(burst.filter((decision) => decision.allowed)).toHaveLength(5);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe('clientNetwork', () => {
  it('keeps IPv4 addresses, unwraps IPv4-mapped IPv6, and groups IPv6 by /64', () => {
    expect(clientNetwork('192.0.2.7')).toBe('192.0.2.7');
    expect(clientNetwork('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(clientNetwork('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientNetwork('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(clientNetwork('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientNetwork('::1')).toBe('0:0:0:0::/64');
  });
});

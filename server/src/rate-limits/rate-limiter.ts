import { Redis } from 'ioredis';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';

export interface RateLimitDecision {
  allowed: boolean;
  /** Whole seconds until the window resets; 0 when allowed. */
  retryAfterSeconds: number;
}

/** Counts hits per key in fixed windows. */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

/** One process: counters in memory, swept as windows end. */
export function createMemoryRateLimiter(clock: Clock): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let lastSweep = 0;
  return {
    async hit(key, limit, windowMs) {
      const now = clock.now().getTime();
      if (now - lastSweep > 60_000) {
        for (const [entryKey, entry] of windows) if (entry.resetAt <= now) windows.delete(entryKey);
        lastSweep = now;
      }
      let entry = windows.get(key);
      if (entry === undefined || entry.resetAt <= now) {
        entry = { count: 0, resetAt: now + windowMs };
        windows.set(key, entry);
      }
      entry.count += 1;
      const allowed = entry.count <= limit;
      return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((entry.resetAt - now) / 1000)) };
    },
    async close() {
      windows.clear();
    },
  };
}

const hitScript = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}
`;

/**
 * Shared by every instance: one Redis counter per key and window, created with its expiry atomically. While
 * Redis cannot be reached, a hit answers SERVICE_NOT_READY (the client reconnects by itself).
 */
export function createRedisRateLimiter(url: string, onProblem: (error: Error) => void = () => undefined): RateLimiter {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  redis.on('error', onProblem);
  return {
    async hit(key, limit, windowMs) {
      const [count, ttl] = (await redis.eval(hitScript, 1, `lanyard:rl:${key}`, windowMs).catch((error: unknown) => {
        throw new AppError('SERVICE_NOT_READY', { cause: error, headers: { 'retry-after': '1' } });
      })) as [number, number];
      const allowed = count <= limit;
      return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(Math.max(ttl, 0) / 1000)) };
    },
    async close() {
      // QUIT would wait for a Redis that is not there.
      if (redis.status === 'ready') await redis.quit();
      else redis.disconnect();
    },
  };
}

/**
 * The part of a client address a limit applies to: an IPv4 address, or the /64 network of an IPv6 address
 * (one host usually controls a whole /64). IPv4-mapped IPv6 addresses count as IPv4.
 */
export function clientNetwork(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1] !== undefined) return mapped[1];
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::', 2);
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = ip.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = ip.includes('::') ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups] : headGroups;
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

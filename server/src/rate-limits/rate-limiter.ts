import type { Clock } from '../kernel/clock.ts';

/**
 * Placeholder with the interface of the shared rate limiter (issue 3, landing on main): a fixed window
 * counter per key, in memory.
 */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
}

export function createMemoryRateLimiter(clock: Clock): RateLimiter {
  const windows = new Map<string, { startedAt: number; count: number }>();
  return {
    async hit(key, limit, windowMs) {
      const now = clock.now().getTime();
      let window = windows.get(key);
      if (window === undefined || now - window.startedAt >= windowMs) {
        if (windows.size > 100_000) windows.clear();
        window = { startedAt: now, count: 0 };
        windows.set(key, window);
      }
      window.count += 1;
      const retryAfterSeconds = Math.max(1, Math.ceil((window.startedAt + windowMs - now) / 1000));
      return { allowed: window.count <= limit, retryAfterSeconds };
    },
  };
}

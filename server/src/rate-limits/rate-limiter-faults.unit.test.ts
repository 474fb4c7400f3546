import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors/app-error.ts';
import { createRedisRateLimiter } from './rate-limiter.ts';

describe('Redis rate limiter without Redis', () => {
  it('answers SERVICE_NOT_READY with Retry-After, and reports the lost connection instead of crashing', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const problems: Error[] = [];
    const limiter = createRedisRateLimiter(`redis://127.0.0.1:${port}`, (error) => problems.push(error));
    const refused = await limiter.hit('login:127.0.0.1', 10, 60_000).catch((error: unknown) => error);
    expect(isAppError(refused, 'SERVICE_NOT_READY')).toBe(true);
    expect(isAppError(refused) ? refused.headers : undefined).toEqual({ 'retry-after': '1' });
    expect(problems.length).toBeGreaterThan(0);
    await limiter.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testOrigin, type TestApp } from '../testing/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({}, { hasher: { size: 2, maxQueue: 4 } });
});
afterAll(async () => t.close());

describe('admission to password-hashing routes', () => {
  it('sheds sign-ins beyond the hash pool capacity with 503 + Retry-After before doing any work', async () => {
    const capacity = t.deps.hashingCapacity;
    const attempts = Array.from({ length: capacity + 10 }, (_, index) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: testOrigin }, remoteAddress: `10.9.0.${index}`, payload: { username: 'nobody', password: 'Whatever-123' } }),
    );
    const before = t.deps.hasherStats().verifications;
    const responses = await Promise.all(attempts);
    const shed = responses.filter((response) => response.statusCode === 503);
    expect(responses.filter((response) => response.statusCode === 401)).toHaveLength(capacity);
    expect(shed).toHaveLength(10);
    for (const response of shed) {
      expect(response.json().error.code).toBe('SERVICE_OVERLOADED');
      expect(response.headers['retry-after']).toBe('1');
    }
    // Only admitted requests spent argon2 work.
    expect(t.deps.hasherStats().verifications - before).toBe(capacity);
    // The gate reopens once the admitted requests are answered.
    const after = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: testOrigin }, payload: { username: 'nobody', password: 'Whatever-123' } });
    expect(after.statusCode).toBe(401);
  });
});

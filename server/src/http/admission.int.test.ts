import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
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

  it('keeps the slot of a client that hung up until its work is done', async () => {
    // Slow hashes (~0.2 s each), so the abandoned sign-ins are still at work when the next one comes.
    const t = await createTestApp({}, { hasher: { size: 2, maxQueue: 4, parameters: { memoryCost: 65536, timeCost: 6, parallelism: 1 } } });
    onTestFinished(() => t.close());
    const admitted = async () => Number(/^lanyard_password_requests_admitted (\S+)$/m.exec((await t.app.inject({ method: 'GET', url: '/metrics' })).body)?.[1]);
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const capacity = t.deps.hashingCapacity;
    const rejectedBefore = t.deps.hasherStats().rejected;
    const body = JSON.stringify({ username: 'nobody', password: 'Whatever-123' });
    const abandoned = Array.from({ length: capacity }, () => {
      const outgoing = httpRequest(`${address}/api/v1/auth/login`, { method: 'POST', headers: { origin: testOrigin, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
      outgoing.on('error', () => undefined);
      outgoing.end(body);
      return outgoing;
    });
    await vi.waitFor(async () => expect(await admitted()).toBe(capacity), { timeout: 30_000, interval: 5 });
    for (const outgoing of abandoned) outgoing.destroy();

    // Their hashes still fill the pool: a new sign-in is shed at the gate, never refused by a full queue.
    const meanwhile = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: testOrigin }, payload: { username: 'nobody', password: 'Whatever-123' } });
    expect(meanwhile.json().error.code).toBe('SERVICE_OVERLOADED');
    // Generous waits: these are the slow hashes of a busy machine (two test files run at once), not a budget.
    await vi.waitFor(async () => expect(await admitted()).toBe(0), { timeout: 60_000, interval: 10 });
    const after = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: testOrigin }, payload: { username: 'nobody', password: 'Whatever-123' } });
    expect(after.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(t.deps.hasherStats().rejected).toBe(rejectedBefore);
  }, 120_000);
});

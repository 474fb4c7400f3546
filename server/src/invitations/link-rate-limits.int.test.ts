import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECOND } from '../kernel/clock.ts';
import { createTestApp, testOrigin, type TestApp } from '../testing/test-app.ts';

/** The emailed links' look-ups and submits are rate limited per client network, like sign-in. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ LANYARD_AUTH_RATE_LIMIT: '3' });
});
afterAll(async () => t.close());

const unknownToken = 'A'.repeat(43);
const requests = {
  'invitation look-up': (remoteAddress: string) => t.app.inject({ method: 'GET', url: `/api/v1/invitations/${unknownToken}`, remoteAddress }),
  'invitation accept': (remoteAddress: string) =>
    t.app.inject({ method: 'POST', url: `/api/v1/invitations/${unknownToken}/accept`, headers: { origin: testOrigin }, remoteAddress, payload: { password: 'Some-Passw0rd-123' } }),
  'reset look-up': (remoteAddress: string) => t.app.inject({ method: 'GET', url: `/api/v1/auth/password/reset/${unknownToken}`, remoteAddress }),
};

describe('link rate limits', () => {
  for (const [name, send] of Object.entries(requests)) {
    it(`limit the ${name} per client network, with Retry-After`, async () => {
      const address = `192.0.2.${Object.keys(requests).indexOf(name) + 20}`;
      for (let index = 0; index < 3; index += 1) expect((await send(address)).statusCode).toBe(404);
      const refused = await send(address);
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error.code).toBe('RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await send('192.0.2.99')).statusCode).toBe(404);
      t.clock.advance(61 * SECOND);
      expect((await send(address)).statusCode).toBe(404);
    });
  }
});

import { describe, expect, it } from 'vitest';
import { createTestApp, testOrigin } from '../testing/test-app.ts';

describe('graceful shutdown', () => {
  it('finishes a running request before close returns, so tearing down storage afterwards is safe', async () => {
    const t = await createTestApp();
    try {
      const running = t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: testOrigin }, payload: { username: 'nobody', password: 'Whatever-123' } });
      // Let the request reach its handler (it then waits on argon2 in a worker, and writes an audit row after).
      await new Promise((resolve) => setTimeout(resolve, 20));
      // What main.ts does on SIGTERM: close the app, then the database and the hash pool.
      await t.app.close();
      await t.deps.close();
      const response = await running;
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
    } finally {
      await t.close().catch(() => undefined);
    }
  });
});

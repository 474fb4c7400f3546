import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { createMetricsServer, newMetricsRegistry } from './metrics.ts';

/** @see issue 21, item 12: /metrics answered anyone. With LANYARD_METRICS_TOKEN it answers only that bearer token. */
const token = 'm3tr1cs-t0ken-for-the-scraper-0123456789abcdef';
let open: TestApp;
let guarded: TestApp;

beforeAll(async () => {
  open = await createTestApp();
  guarded = await createTestApp({ LANYARD_METRICS_TOKEN: token });
});
afterAll(async () => {
  await open.close();
  await guarded.close();
});

const scrape = (t: TestApp, authorization?: string) => t.app.inject({ method: 'GET', url: '/metrics', headers: authorization === undefined ? {} : { authorization } });

describe('/metrics', () => {
  it('without LANYARD_METRICS_TOKEN: answers anyone, as before', async () => {
    const response = await scrape(open);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('lanyard_http_request_duration_seconds');
  });

  it.each([
    ['no Authorization header', undefined],
    ['another token', `Bearer ${token.slice(0, -1)}x`],
    ['a longer token', `Bearer ${token}x`],
    ['a prefix of it', `Bearer ${token.slice(0, 10)}`],
    ['an empty bearer', 'Bearer '],
    ['the token as Basic', `Basic ${Buffer.from(`metrics:${token}`).toString('base64')}`],
    ['the token without a scheme', token],
  ])('with LANYARD_METRICS_TOKEN: %s → 401 AUTH_REQUIRED, no metrics', async (_name, authorization) => {
    const response = await scrape(guarded, authorization);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('AUTH_REQUIRED');
    expect(response.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(response.body).not.toContain('lanyard_');
  });

  it('with LANYARD_METRICS_TOKEN: the bearer token gets the metrics (the scheme in any case)', async () => {
    for (const scheme of ['Bearer', 'bearer']) {
      const response = await scrape(guarded, `${scheme} ${token}`);
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('lanyard_http_request_duration_seconds');
    }
  });

  it('the token guards only /metrics: health checks stay open', async () => {
    expect((await guarded.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('LANYARD_METRICS_PORT: a listener of its own', () => {
  it('the API port no longer serves /metrics; the metrics listener does, behind the token', async () => {
    const separate = await createTestApp({ LANYARD_METRICS_PORT: '9464', LANYARD_METRICS_TOKEN: token });
    const registry = newMetricsRegistry();
    // The app as main.ts builds it, with the registry the metrics listener serves.
    const app = await buildApp(separate.deps, { metricsRegistry: registry });
    const server = createMetricsServer(registry, { token: separate.config.metricsToken });
    try {
      const onApi = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
      expect(onApi.statusCode).toBe(404);
      expect(onApi.json().error.code).toBe('ROUTE_NOT_FOUND');
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const scraped = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(scraped.status).toBe(200);
      const body = await scraped.text();
      // The API's requests are counted in the registry the listener serves.
      expect(body).toMatch(/lanyard_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1/);
      const refused = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong' } });
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('AUTH_REQUIRED');
      const elsewhere = await fetch(`${base}/api/v1/me`);
      expect(elsewhere.status).toBe(404);
      expect(((await elsewhere.json()) as { error: { code: string } }).error.code).toBe('ROUTE_NOT_FOUND');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
      await separate.close();
    }
  });
});

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import type { App } from './fastify-types.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let app: App;
let directory: string;

beforeAll(async () => {
  t = await createTestApp();
  directory = await mkdtemp(path.join(tmpdir(), 'lanyard-console-'));
  await mkdir(path.join(directory, 'assets'));
  await writeFile(path.join(directory, 'index.html'), '<!doctype html><title>console</title>');
  await writeFile(path.join(directory, 'assets', 'app-1234.js'), 'console.log(1)');
  app = await buildApp(t.deps, { consoleDir: `${directory}/` });
});
afterAll(async () => {
  await app.close();
  await t.close();
  await rm(directory, { recursive: true, force: true });
});

const html = { accept: 'text/html,application/xhtml+xml' };

describe('serving the console', () => {
  it('serves index.html at / and at every client-side route, with a strict CSP', async () => {
    for (const url of ['/', '/login', '/profile/general', '/first-access/abc']) {
      const response = await app.inject({ method: 'GET', url, headers: html });
      expect(response.statusCode, url).toBe(200);
      expect(response.body).toContain('<title>console</title>');
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
    expect((await app.inject({ method: 'HEAD', url: '/profile/general', headers: html })).statusCode).toBe(200);
  });

  it('caches hashed assets for good', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/app-1234.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toContain('immutable');
  });

  it('never answers an API path with the console', async () => {
    for (const url of ['/api/v1/unknown', '/oauth/unknown', '/.well-known/unknown']) {
      const response = await app.inject({ method: 'GET', url, headers: html });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe('ROUTE_NOT_FOUND');
    }
  });
});

/** One concrete path for each console route pattern of SPEC §4a. */
const consoleRoutes = [
  '/login',
  '/first-access/abc123',
  '/reset-password/abc123',
  '/confirm-email/abc123',
  '/accessibility-statement',
  ...['general', 'account', 'password', 'security', 'access-keys', 'accessibility', 'downloads'].map((tab) => `/profile/${tab}`),
  '/my-account/details',
  '/my-account/access-keys',
  ...['users', 'roles', 'teams', 'security', 'identity-providers', 'presence-reason-lists', 'downloads', 'audit', 'accessibility-feedback'].map(
    (page) => `/admin/${page}`,
  ),
];
const acceptValues: (string | undefined)[] = [undefined, '*/*', 'application/json', 'text/html'];

describe('console routes whatever the Accept header', () => {
  it('answers every SPEC §4a console route with the console for any Accept value (curl, fetch, browsers)', async () => {
    for (const url of consoleRoutes) {
      for (const accept of acceptValues) {
        const response = await app.inject({ method: 'GET', url, headers: accept === undefined ? {} : { accept } });
        expect(response.statusCode, `${url} with Accept ${accept ?? '(none)'}`).toBe(200);
        expect(response.headers['content-type']).toMatch(/^text\/html/);
        expect(response.body).toContain('<title>console</title>');
      }
    }
    expect((await app.inject({ method: 'HEAD', url: '/login' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/login?next=%2Fprofile%2Fgeneral', headers: { accept: 'application/json' } })).statusCode).toBe(200);
  });

  it('keeps unknown /api/ paths, and unknown paths not asking for HTML, a JSON 404', async () => {
    for (const url of ['/api/v1/unknown', '/api/v1/my-account/details', '/api/login', '/api/']) {
      for (const accept of acceptValues) {
        const response = await app.inject({ method: 'GET', url, headers: accept === undefined ? {} : { accept } });
        expect(response.statusCode, `${url} with Accept ${accept ?? '(none)'}`).toBe(404);
        expect(response.json().error.code).toBe('ROUTE_NOT_FOUND');
      }
    }
    for (const url of ['/nowhere', '/profile/unknown-tab', '/my-account/unknown', '/login/extra']) {
      const response = await app.inject({ method: 'GET', url, headers: { accept: 'application/json' } });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe('ROUTE_NOT_FOUND');
    }
  });

  it('does not answer a console route to a state-changing method', async () => {
    const response = await app.inject({ method: 'POST', url: '/login', headers: { accept: '*/*', 'content-type': 'application/json' }, payload: '{}' });
    expect(response.statusCode).not.toBe(200);
  });
});

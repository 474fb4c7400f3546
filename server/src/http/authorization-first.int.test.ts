import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

/**
 * @see issue 21, item 11: an Agent calling an administration route with an empty body got 400 before 403,
 * so it learned the route's shape. Authentication and the permission come first on every route: walked
 * here over every operation of the served OpenAPI document, with bodies and queries that fail validation.
 */

interface Operation {
  security?: unknown[];
  requestBody?: { content: Record<string, unknown> };
}

let t: TestApp;
let agent: SignedInUser;
let operations: { method: string; path: string; operation: Operation }[];

beforeAll(async () => {
  t = await createTestApp();
  agent = await signedInUser(t, { tenantName: 'Guards first', username: 'guards.agent', role: 'Agent' });
  const document = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, Record<string, Operation>> }>();
  operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })));
});
afterAll(async () => t.close());

/** Path parameters that are no ids, an out-of-range query and, where the route takes a body, ones that fail any schema. */
function invalidRequests(method: string, path: string) {
  const url = `${path.replaceAll(/\{\w+\}/g, 'not-an-id')}?limit=-1&cursor=%00`;
  const bodies: { name: string; headers: Record<string, string>; payload?: string }[] = [{ name: 'no body', headers: {} }];
  if (method !== 'GET' && method !== 'HEAD' && method !== 'DELETE') {
    bodies.push({ name: 'empty JSON object', headers: { 'content-type': 'application/json' }, payload: '{}' });
    bodies.push({ name: 'wrong JSON', headers: { 'content-type': 'application/json' }, payload: '{"name":[1],"unexpected":true}' });
    bodies.push({ name: 'empty JSON body', headers: { 'content-type': 'application/json' }, payload: '' });
    bodies.push({ name: 'an unknown media type', headers: { 'content-type': 'application/x-unknown' }, payload: 'x' });
  }
  return bodies.map((body) => ({ ...body, url }));
}

async function answers(method: string, path: string, headers: Record<string, string>) {
  const seen: { request: string; status: number; code: string | undefined }[] = [];
  for (const request of invalidRequests(method, path)) {
    const response = await t.app.inject({ method: method as 'GET', url: request.url, headers: { ...headers, ...request.headers }, ...(request.payload === undefined ? {} : { payload: request.payload }) });
    seen.push({ request: `${method} ${path} (${request.name})`, status: response.statusCode, code: response.json<{ error?: { code: string } }>().error?.code });
  }
  return seen;
}

describe('authorization before validation', () => {
  it('every administration route answers an Agent 403 PERMISSION_DENIED, whatever the request looks like', async () => {
    const admin = operations.filter(({ path }) => path.startsWith('/api/v1/admin/'));
    expect(admin.length).toBeGreaterThan(40);
    const wrong = [];
    for (const { method, path } of admin) {
      for (const seen of await answers(method, path, agent.headers)) if (seen.status !== 403 || seen.code !== 'PERMISSION_DENIED') wrong.push(seen);
    }
    expect(wrong).toEqual([]);
  });

  it('every route that needs a sign-in answers 401 AUTH_REQUIRED without one, before looking at the request', async () => {
    const guarded = operations.filter(({ operation }) => (operation.security ?? []).length > 0);
    expect(guarded.length).toBeGreaterThan(60);
    const wrong = [];
    for (const { method, path } of guarded) {
      for (const seen of await answers(method, path, { origin: t.config.publicUrl.origin })) if (seen.status !== 401 || seen.code !== 'AUTH_REQUIRED') wrong.push(seen);
    }
    expect(wrong).toEqual([]);
  });

  it('a permitted caller still gets its validation answer', async () => {
    const admin = await signedInUser(t, { tenant: agent.tenant, username: 'guards.admin' });
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/admin/teams', headers: admin.headers, payload: {} });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
  });
});

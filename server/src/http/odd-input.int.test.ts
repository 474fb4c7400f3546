import { createHash, randomUUID } from 'node:crypto';
import { errorCodes } from '@lanyard/contracts/error-codes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFor, addAccessKey, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

/**
 * The odd-string corpus, sent to every operation of the OpenAPI document the app serves: every path
 * parameter, query parameter, JSON body string and form field in turn, as an administrator with every
 * permission (so guarded routes reach their validation) and with a bearer token where the route takes one.
 * No answer may be a 5xx; every error is from the catalogue with a request id; a refused request stores
 * nothing.
 */

interface JsonSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  minLength?: number;
}
interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  schema?: JsonSchema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  security?: Record<string, string[]>[];
}

/** Strings as they reach a handler (JSON bodies). */
const stringCorpus: Record<string, string> = {
  'lone high surrogate': 'a\ud800b',
  'lone low surrogate': '\udc00',
  NUL: 'a\u0000b',
  'C1 NEL': 'a\u0085b',
  'C1 CSI': '\u009b31m',
  'bidi RLO': 'abc\u202edef',
  'zero-width space': 'ad\u200bmin',
  overlong: 'a'.repeat(10_001),
};

/** The same, and broken encodings, as they travel in a URL or a form (already percent-encoded). */
const encodedCorpus: Record<string, string> = {
  'lone surrogate (CESU-8)': 'a%ED%A0%80b',
  NUL: 'a%00b',
  'C1 NEL': 'a%C2%85b',
  'C1 CSI': '%C2%9B31m',
  'bidi RLO': 'abc%E2%80%AEdef',
  'zero-width space': 'ad%E2%80%8Bmin',
  overlong: 'a'.repeat(10_001),
  'invalid UTF-8': '%FF%FE',
  'truncated sequence': '%E0%A4%A',
  'bare NUL': '%00',
};

/** Odd values no string anywhere may hold, passwords included. */
const refusedEverywhere = new Set(['lone high surrogate', 'lone low surrogate', 'lone surrogate (CESU-8)', 'NUL', 'bare NUL', 'invalid UTF-8', 'truncated sequence']);

/** The parts of stored state a request may change; what is expected to move on a refusal is left out. */
const fingerprintedTables = [
  'tenants',
  'roles',
  'teams',
  'users',
  'memberships',
  'single_use_links',
  'sessions',
  'outbox_messages',
  'access_keys',
  'signing_keys',
  'password_history',
] as const;

let t: TestApp;
let admin: SignedInUser;
let bearer: string;
let document: { paths: Record<string, Record<string, Operation>> };

/**
 * Moves on a refusal by design, so not part of the comparison: sessions are touched, keys record their last
 * use, and every password attempt (a wrong current password included) is counted toward the lockout.
 */
const volatileColumns = new Set(['last_seen_at', 'last_used_at', 'last_used_ip', 'failed_login_count', 'locked_until']);

async function fingerprint(): Promise<Record<string, string>> {
  const digest: Record<string, string> = {};
  for (const table of fingerprintedTables) {
    const rows = await t.deps.db.selectFrom(table).selectAll().execute();
    const stable = rows.map((row) => JSON.stringify(Object.entries(row).filter(([column]) => !volatileColumns.has(column))));
    digest[table] = createHash('sha256').update(stable.sort().join('\n')).digest('hex');
  }
  return digest;
}

/** A plausible value for a schema, so the field under test is the only odd one. */
function sample(schema: JsonSchema | undefined, name = ''): unknown {
  if (schema === undefined) return 'sample';
  if (schema.const !== undefined) return schema.const;
  if (schema.enum !== undefined) return schema.enum[0];
  const alternative = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (alternative !== undefined) return sample(alternative.find((entry) => entry.type !== 'null') ?? alternative[0], name);
  const type = Array.isArray(schema.type) ? schema.type.find((entry) => entry !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(schema.properties ?? {})) value[key] = sample(property, key);
      return value;
    }
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return false;
    default:
      if (schema.format === 'uuid') return randomUUID();
      if (schema.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
      if (schema.format === 'email' || name === 'email') return 'odd@example.test';
      if (name === 'accessKeyId') return `LAK${'A'.repeat(20)}`;
      if (name === 'grant_type') return 'client_credentials';
      return 'a'.repeat(Math.max(schema.minLength ?? 0, 24));
  }
}

/** Every path (JSON-pointer segments) to a string in a sample body, nested objects included. */
function stringPaths(schema: JsonSchema | undefined, prefix: string[] = []): string[][] {
  if (schema === undefined) return [];
  const alternative = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (alternative !== undefined) return stringPaths(alternative.find((entry) => entry.type !== 'null') ?? alternative[0], prefix);
  const type = Array.isArray(schema.type) ? schema.type.find((entry) => entry !== 'null') : schema.type;
  if (type === 'object') return Object.entries(schema.properties ?? {}).flatMap(([key, property]) => stringPaths(property, [...prefix, key]));
  // Numbers and booleans too: a string where one is expected must be refused as well.
  return prefix.length === 0 ? [] : [prefix];
}

function withValue(body: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[path.at(-1) as string] = value;
  return copy;
}

function formOf(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

interface Probe {
  label: string;
  /** The odd value is one no input may hold anywhere (NUL, a lone surrogate, bytes that are not UTF-8), in an input the route reads. */
  mustRefuse: boolean;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

function probesFor(path: string, method: string, operation: Operation, auth: { name: string; headers: Record<string, string> }): Probe[] {
  const parameters = operation.parameters ?? [];
  const pathParameters = parameters.filter((parameter) => parameter.in === 'path');
  const queryParameters = parameters.filter((parameter) => parameter.in === 'query');
  const urlWith = (replacements: Record<string, string>, query = '') =>
    path.replaceAll(/\{(\w+)\}/g, (_match, name: string) => replacements[name] ?? encodeURIComponent(String(sample(pathParameters.find((parameter) => parameter.name === name)?.schema, name)))) +
    (query === '' ? '' : `?${query}`);
  const label = (where: string, odd: string) => `${auth.name} ${method.toUpperCase()} ${path} ${where} ${odd}`;
  const json = operation.requestBody?.content['application/json']?.schema;
  const form = operation.requestBody?.content['application/x-www-form-urlencoded']?.schema;
  const baseBody = json === undefined ? undefined : JSON.stringify(sample(json));
  const baseForm = form === undefined ? undefined : (sample(form) as Record<string, string>);
  const bodyHeaders = json !== undefined ? { 'content-type': 'application/json' } : form !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
  const basePayload = baseBody ?? (baseForm === undefined ? undefined : formOf(Object.fromEntries(Object.entries(baseForm).map(([key, value]) => [key, encodeURIComponent(value)]))));
  const request = (where: string, odd: string, url: string, payload = basePayload): Probe => ({
    label: label(where, odd),
    mustRefuse: refusedEverywhere.has(odd) && !where.startsWith('query:undeclared') && !where.startsWith('query:name'),
    method: method.toUpperCase(),
    url,
    headers: { ...auth.headers, ...(payload === undefined ? {} : bodyHeaders) },
    ...(payload === undefined ? {} : { payload }),
  });

  const probes: Probe[] = [];
  for (const [odd, encoded] of Object.entries(encodedCorpus)) {
    for (const parameter of pathParameters) probes.push(request(`path:${parameter.name}`, odd, urlWith({ [parameter.name]: encoded })));
    for (const parameter of queryParameters) probes.push(request(`query:${parameter.name}`, odd, urlWith({}, `${parameter.name}=${encoded}`)));
    // A query parameter no route declares, and an odd parameter name.
    probes.push(request('query:undeclared', odd, urlWith({}, `odd=${encoded}`)));
    probes.push(request('query:name', odd, urlWith({}, `${encoded}=1`)));
    if (baseForm !== undefined) {
      for (const field of Object.keys(baseForm)) {
        const values = Object.fromEntries(Object.entries(baseForm).map(([key, value]) => [key, key === field ? encoded : encodeURIComponent(value)]));
        probes.push(request(`form:${field}`, odd, urlWith({}), formOf(values)));
      }
    }
  }
  if (json !== undefined) {
    const body = sample(json);
    for (const [odd, value] of Object.entries(stringCorpus)) {
      for (const fieldPath of stringPaths(json)) probes.push(request(`body:${fieldPath.join('.')}`, odd, urlWith({}), JSON.stringify(withValue(body, fieldPath, value))));
      // An odd key, too.
      probes.push(request('body:key', odd, urlWith({}), JSON.stringify({ ...(body as object), [value.slice(0, 32)]: 'x' })));
    }
  }
  return probes;
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await signedInUser(t, { username: 'odd-admin', tenantName: 'Odd tenant' });
  const key = await addAccessKey(t, admin, { description: 'odd input' });
  bearer = await accessTokenFor(t, key);
  document = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
}, 120_000);
afterAll(async () => t.close());

describe('the odd-string corpus against every operation', () => {
  it(
    'never answers 5xx, answers every error from the catalogue with a request id, and stores nothing it refused',
    async () => {
      const problems: string[] = [];
      let sent = 0;
      let refused = 0;
      let before = await fingerprint();
      for (const [path, operations] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          // Signing out would end the session the other probes use; it takes no input to probe.
          if (path === '/api/v1/auth/logout') continue;
          const takesBearer = operation.security?.some((entry) => 'bearer' in entry) ?? false;
          const auths = [
            { name: 'admin', headers: { cookie: admin.cookie, origin: t.config.publicUrl.origin } },
            ...(takesBearer ? [{ name: 'bearer', headers: { authorization: `Bearer ${bearer}` } }] : []),
          ];
          for (const auth of auths) {
            for (const probe of probesFor(path, method, operation, auth)) {
              const response = await t.app.inject({ method: probe.method as 'GET', url: probe.url, headers: probe.headers, ...(probe.payload === undefined ? {} : { payload: probe.payload }) });
              sent += 1;
              const requestId = response.headers['x-request-id'];
              if (probe.mustRefuse && response.statusCode < 400) problems.push(`${probe.label}: accepted (${response.statusCode})`);
              if (response.statusCode >= 500) problems.push(`${probe.label}: ${response.statusCode} ${response.body.slice(0, 200)}`);
              if (typeof requestId !== 'string' || requestId === '') problems.push(`${probe.label}: no x-request-id`);
              if (response.statusCode >= 400) {
                refused += 1;
                const body = response.json<{ error: unknown }>();
                if (path.startsWith('/oauth/')) {
                  // RFC 6749 §5.2 errors (the fixed contract of these endpoints).
                  if (typeof body.error !== 'string') problems.push(`${probe.label}: not an OAuth error ${response.body.slice(0, 200)}`);
                } else {
                  const error = body.error as { code?: string; requestId?: string } | undefined;
                  if (error?.code === undefined || !Object.hasOwn(errorCodes, error.code)) problems.push(`${probe.label}: code ${String(error?.code)}`);
                  if (error?.requestId !== requestId) problems.push(`${probe.label}: requestId ${String(error?.requestId)} vs header ${String(requestId)}`);
                }
                const after = await fingerprint();
                for (const [table, digest] of Object.entries(after)) {
                  if (before[table] !== digest) problems.push(`${probe.label}: refused (${response.statusCode}) but ${table} changed`);
                }
                before = after;
              } else {
                before = await fingerprint();
              }
            }
          }
        }
      }
      expect(problems).toEqual([]);
      // The corpus reached every operation: thousands of probes, most of them refused.
      expect(sent).toBeGreaterThan(1000);
      expect(refused / sent).toBeGreaterThan(0.7);
      // The session and the token still work: nothing above signed the administrator out.
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: admin.cookie } })).statusCode).toBe(200);
    },
    600_000,
  );
});

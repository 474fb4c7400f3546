import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureLimits } from '../access-keys/access-keys-service.ts';
import { newId } from '../kernel/ids.ts';
import { addAccessKey, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

/** Issue 9: one edge for strings, framework errors in the catalogue, charsets, security headers. */

let t: TestApp;
let admin: SignedInUser;

beforeAll(async () => {
  t = await createTestApp();
  admin = await signedInUser(t, { username: 'edge-admin', tenantName: 'Edge tenant' });
});
afterAll(async () => t.close());

const auditRows = (action: string) => t.deps.db.selectFrom('audit_events').selectAll().where('action', '=', action).orderBy('id').execute();

function expectCatalogued(response: { statusCode: number; headers: Record<string, unknown>; json: () => unknown }, code: string, status: number): void {
  expect(response.statusCode).toBe(status);
  const body = response.json() as { error: { code: string; requestId: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(response.headers['x-request-id']).toBe(body.error.requestId);
}

/** Sends raw bytes to a listening copy of the app and returns the whole answer (the server closes the connection). */
async function rawExchange(app: TestApp['app'], request: string | Buffer): Promise<string> {
  const { port } = app.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.end(request);
  });
}

describe('sign-in with input the edge refuses', () => {
  it('answers VALIDATION_FAILED (not 500), and audits it as auth.login.failed with reason invalid-input', async () => {
    const before = (await auditRows('auth.login.failed')).length;
    for (const username of ['\ud800', 'a\u0000b', 'x\u0085y', 'a\udc00']) {
      const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: t.config.publicUrl.origin }, payload: { username, password: 'x' } });
      expectCatalogued(response, 'VALIDATION_FAILED', 400);
    }
    const body = '{"username":"\\ud800","password":"pass\\u0000"}';
    const raw = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: t.config.publicUrl.origin, 'content-type': 'application/json' }, payload: body });
    expectCatalogued(raw, 'VALIDATION_FAILED', 400);
    const rows = (await auditRows('auth.login.failed')).slice(before);
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      expect(row.result).toBe('failure');
      expect(row.details).toMatchObject({ reason: 'invalid-input' });
      // The attempted username is kept, made printable.
      expect(JSON.stringify(row.details)).not.toMatch(/\\u0000|\\ud[89a-f]/);
    }
    expect(rows.map((row) => (row.details as { username?: string }).username)).toEqual(['\ufffd', 'a\ufffdb', 'x\ufffdy', 'a\ufffd', '\ufffd']);
  });

  it('counts refused sign-ins against the sign-in rate limit', async () => {
    const limited = await createTestApp({ LANYARD_AUTH_RATE_LIMIT: '3' });
    try {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 4; attempt += 1) {
        const response = await limited.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: limited.config.publicUrl.origin }, payload: { username: '\ud800', password: 'x' } });
        statuses.push(response.statusCode);
      }
      expect(statuses).toEqual([400, 400, 400, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('access-key exchanges with input the edge refuses', () => {
  it('answers a coded 400 on all three endpoints, audits each as a refused grant and counts it toward the failure limit', async () => {
    const before = (await auditRows('token.issue')).length;
    const remoteAddress = '198.51.100.7';
    const jsonExchange = (accessKeyId: string) =>
      t.app.inject({ method: 'POST', url: '/authentication/v1/token/access-key', remoteAddress, payload: { accessKeyId, accessKeySecret: 'secret' } });
    const form = (url: string, payload: string) => t.app.inject({ method: 'POST', url, remoteAddress, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload });

    expectCatalogued(await jsonExchange('LAK\u0000'), 'VALIDATION_FAILED', 400);
    expectCatalogued(await jsonExchange('\ud800'), 'VALIDATION_FAILED', 400);
    for (const [url, payload] of [
      ['/oauth/token', 'grant_type=client_credentials&client_id=a%00b&client_secret=x'],
      ['/oauth/token', 'grant_type=client_credentials&client_id=a%FF%FEb&client_secret=x'],
      ['/oauth/introspect', 'token=t&client_id=a%00b&client_secret=x'],
      ['/oauth/introspect', 'token=t&client_id=ab&client_secret=%E0%A4%A'],
    ] as const) {
      const response = await form(url, payload);
      expect(response.statusCode, payload).toBe(400);
      expect(response.json()).toMatchObject({ error: 'invalid_request' });
    }
    const basic = `Basic ${Buffer.from('LAK\u0000:secret').toString('base64')}`;
    const viaHeader = await t.app.inject({ method: 'POST', url: '/oauth/token', remoteAddress, headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic }, payload: 'grant_type=client_credentials' });
    expect(viaHeader.statusCode).toBe(400);

    const rows = (await auditRows('token.issue')).slice(before);
    expect(rows).toHaveLength(7);
    for (const row of rows) {
      expect(row.result).toBe('failure');
      expect(row.details).toEqual({ reason: 'invalid-input' });
      expect(row.ip).toBe(remoteAddress);
    }

    // Each of those was a failure from this address: the per-address limit is reached like any other.
    let last = await jsonExchange('LAK\u0000');
    for (let attempt = 8; attempt < failureLimits.perIp.limit && last.statusCode === 400; attempt += 1) last = await jsonExchange(`LAK\u0000${attempt}`);
    last = await jsonExchange('LAK\u0000again');
    expectCatalogued(last, 'RATE_LIMITED', 429);
    expect(last.headers['retry-after']).toBeDefined();
  });

  it('also audits and counts what the OAuth endpoints refuse before or around the credentials: a charset, bad UTF-8 in Basic, credentials twice', async () => {
    const before = (await auditRows('token.issue')).length;
    const remoteAddress = '198.51.100.8';
    const basic = (raw: Buffer) => `Basic ${raw.toString('base64')}`;
    const attempts = [
      // an unsupported charset: refused by the body parser before the route runs
      { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=latin1' }, payload: 'grant_type=client_credentials&client_id=a&client_secret=b', status: 415 },
      // the Basic credentials are not UTF-8
      { headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(Buffer.from([0x61, 0xff, 0x3a, 0x62])) }, payload: 'grant_type=client_credentials', status: 400 },
      // authenticated twice: Basic and a client_secret in the body
      { headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(Buffer.from('a:b')) }, payload: 'grant_type=client_credentials&client_secret=b', status: 400 },
    ];
    for (const attempt of attempts) {
      const response = await t.app.inject({ method: 'POST', url: '/oauth/token', remoteAddress, headers: attempt.headers, payload: attempt.payload });
      expect(response.statusCode, attempt.payload).toBe(attempt.status);
    }
    const rows = (await auditRows('token.issue')).slice(before);
    expect(rows).toHaveLength(attempts.length);
    for (const row of rows) {
      expect(row.result).toBe('failure');
      expect(row.ip).toBe(remoteAddress);
    }

    // They count toward this address's failure limit like any other refused exchange.
    let last = attempts.length;
    let answer = 0;
    while (last < failureLimits.perIp.limit + 1 && answer !== 429) {
      const attempt = attempts[last % attempts.length];
      if (attempt === undefined) break;
      answer = (await t.app.inject({ method: 'POST', url: '/oauth/token', remoteAddress, headers: attempt.headers, payload: attempt.payload })).statusCode;
      last += 1;
    }
    expect(answer).toBe(429);
  });
});

describe('display names', () => {
  it('are NFC-normalised and refuse bidi controls and invisible characters; nothing refused is stored', async () => {
    const teams = () => t.deps.db.selectFrom('teams').select('name').execute();
    const before = await teams();
    for (const name of ['Support\u202e', 'Sup\u200bport', 'Sup\u2066port', '\u200dSupport', 'Sup\u00adport', 'Sup\ud800port']) {
      const response = await t.app.inject({ method: 'POST', url: '/api/v1/admin/teams', headers: admin.headers, payload: { name } });
      expectCatalogued(response, 'VALIDATION_FAILED', 400);
    }
    expect(await teams()).toEqual(before);
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/admin/teams', headers: admin.headers, payload: { name: 'Cafe\u0301 کار\u200cگاه' } });
    expect(created.statusCode).toBe(201);
    expect(created.json<{ name: string }>().name).toBe('Caf\u00e9 کار\u200cگاه');

    const key = await t.app.inject({ method: 'POST', url: '/api/v1/me/access-keys', headers: admin.headers, payload: { description: 'ci \u202egnp' } });
    expectCatalogued(key, 'VALIDATION_FAILED', 400);
    const invite = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users',
      headers: admin.headers,
      payload: { username: 'rtl', email: 'rtl@example.test', firstName: 'An\u200fne', lastName: 'Shirley', roleId: newId(Date.now()) },
    });
    expectCatalogued(invite, 'VALIDATION_FAILED', 400);
  });

  it('passwords keep every character but NUL and lone surrogates', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: t.config.publicUrl.origin }, payload: { username: 'edge-admin', password: 'pa\ud800ss' } });
    expectCatalogued(response, 'VALIDATION_FAILED', 400);
    const tabbed = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: t.config.publicUrl.origin }, payload: { username: 'nobody', password: ' pa\tss\u202e ' } });
    expectCatalogued(tabbed, 'AUTH_INVALID_CREDENTIALS', 401);
  });

  it('object keys are held to the edge rule too', async () => {
    const response = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/security/password-policy',
      headers: { ...admin.headers, 'content-type': 'application/json' },
      payload: '{"passwordPolicy":{"\\ud800":1}}',
    });
    expectCatalogued(response, 'VALIDATION_FAILED', 400);
  });
});

describe('JSON bodies that are not UTF-8', () => {
  /** A JSON body whose string holds bytes that are not UTF-8 (a lone continuation byte, an overlong form, a truncated sequence). */
  const notUtf8 = (field: string, value: Record<string, unknown> = {}) =>
    Buffer.concat([Buffer.from(`{${Object.entries(value).map(([key, each]) => `${JSON.stringify(key)}:${JSON.stringify(each)},`).join('')}"${field}":"a`), Buffer.from([0xff, 0xc0, 0xaf, 0xe2, 0x82]), Buffer.from('b"}')]);
  const sendRaw = (method: 'POST' | 'PATCH' | 'PUT', url: string, payload: Buffer) =>
    t.app.inject({ method, url, headers: { ...admin.headers, 'content-type': 'application/json' }, payload });

  /** @see issue 21, item 8: such bytes were stored as U+FFFD by 13 operations instead of being refused. */
  it('are refused with 400 MALFORMED_JSON, and nothing is stored', async () => {
    const teams = () => t.deps.db.selectFrom('teams').select('name').orderBy('id').execute();
    const downloads = () => t.deps.db.selectFrom('downloads').selectAll().execute();
    const account = () => t.deps.db.selectFrom('users').select(['first_name', 'last_name']).where('id', '=', admin.userId).executeTakeFirstOrThrow();
    const feedback = () => t.deps.db.selectFrom('accessibility_feedback').selectAll().execute();
    const before = { teams: await teams(), downloads: await downloads(), account: await account(), feedback: await feedback() };

    expectCatalogued(await sendRaw('POST', '/api/v1/admin/teams', notUtf8('name')), 'MALFORMED_JSON', 400);
    expectCatalogued(await sendRaw('PATCH', '/api/v1/me/account', notUtf8('firstName')), 'MALFORMED_JSON', 400);
    expectCatalogued(await sendRaw('POST', '/api/v1/admin/downloads', notUtf8('fileName', { name: 'Softphone', version: '1.0', platform: 'Windows' })), 'MALFORMED_JSON', 400);
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/v1/accessibility-feedback', headers: { 'content-type': 'application/json' }, payload: notUtf8('message') });
    expectCatalogued(anonymous, 'MALFORMED_JSON', 400);
    expect(anonymous.json().error.details).toEqual({ reason: 'not-utf-8' });

    expect({ teams: await teams(), downloads: await downloads(), account: await account(), feedback: await feedback() }).toEqual(before);
  });

  it('are refused by every operation that takes JSON, before it does anything', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> }>();
    const wrong: string[] = [];
    let checked = 0;
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        if (operation.requestBody?.content['application/json'] === undefined) continue;
        const url = path.replaceAll(/\{\w+\}/g, newId(Date.now()));
        const response = await sendRaw(method.toUpperCase() as 'POST', url, notUtf8('name'));
        checked += 1;
        if (response.statusCode !== 400 || response.json().error.code !== 'MALFORMED_JSON') wrong.push(`${method} ${path}: ${response.statusCode} ${response.body}`);
      }
    }
    expect(checked).toBeGreaterThan(40);
    expect(wrong).toEqual([]);
  });

  it('well-formed UTF-8 is read as before, astral characters included', async () => {
    const response = await sendRaw('POST', '/api/v1/admin/teams', Buffer.from(JSON.stringify({ name: 'Équipe 😀 کار' }), 'utf8'));
    expect(response.statusCode).toBe(201);
    expect(response.json().name).toBe('Équipe 😀 کار');
  });
});

describe('the audit writer', () => {
  it('stores whatever it is given: lone surrogates, NUL and huge strings become valid text', async () => {
    const huge = 'x'.repeat(200_000);
    await t.deps.audit.record(t.deps.db, {
      tenantId: null,
      actorUserId: null,
      action: 'edge.test\u0000',
      result: 'failure',
      targetType: 'user\ud800',
      targetId: huge,
      ip: '\udc00',
      details: { lone: '\ud800', nul: 'a\u0000b', huge, nested: { ['k\u0000']: ['\udfff', 1, true, null] }, big: 10n, date: new Date(0) },
    });
    const [row] = await t.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'edge.test\ufffd').execute();
    expect(row?.target_type).toBe('user\ufffd');
    expect(row?.ip).toBe('\ufffd');
    expect(row?.target_id?.length).toBeLessThan(2000);
    expect(row?.details).toMatchObject({ lone: '\ufffd', nul: 'a\ufffdb', nested: { 'k\ufffd': ['\ufffd', 1, true, null] }, big: '10', date: '1970-01-01T00:00:00.000Z' });
    expect((row?.details as { huge: string }).huge.length).toBeLessThan(2000);

    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(t.deps.audit.record(t.deps.db, { tenantId: null, actorUserId: null, action: 'edge.circular', result: 'failure', details: circular })).resolves.toBeUndefined();
  });
});

describe('framework errors answer from the catalogue with a request id', () => {
  it('a path parameter over the length limit: 414 URI_TOO_LONG', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/api/v1/invitations/${'a'.repeat(300)}` });
    expectCatalogued(response, 'URI_TOO_LONG', 414);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it.each(['%FF%FE', '%E0%A4%A', '%ED%A0%80'])('invalid percent-encoding in a path parameter (%s): 400 MALFORMED_URL', async (encoded) => {
    const response = await t.app.inject({ method: 'GET', url: `/api/v1/invitations/${encoded}` });
    expectCatalogued(response, 'MALFORMED_URL', 400);
  });

  it('oversized headers (refused by the HTTP parser): 431 HEADERS_TOO_LARGE as JSON, then the connection closes', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    {
      const answer = await rawExchange(t.app, `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 431 /);
      expect(head.toLowerCase()).toContain('connection: close');
      const parsed = JSON.parse(body) as { error: { code: string; requestId: string } };
      expect(parsed.error.code).toBe('HEADERS_TOO_LARGE');
      expect(head.toLowerCase()).toContain(`x-request-id: ${parsed.error.requestId}`);

      const garbage = await rawExchange(t.app, 'NOT HTTP AT ALL\r\n\r\n');
      expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
      expect(JSON.parse(garbage.split('\r\n\r\n')[1] ?? '')).toMatchObject({ error: { code: 'MALFORMED_REQUEST' } });
    }
  });
});

describe('charsets', () => {
  const login = (contentType: string, payload: string | Buffer) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: t.config.publicUrl.origin, 'content-type': contentType }, payload });

  it.each(['application/json; charset=latin1', 'application/json; charset=utf-16', 'application/json;charset="ISO-8859-1"', 'application/json; charset=UTF-16LE'])(
    'refuses a JSON body in another charset (%s): 415 UNSUPPORTED_MEDIA_TYPE',
    async (contentType) => {
      const before = (await auditRows('auth.login.failed')).length;
      expectCatalogued(await login(contentType, '{"username":"nobody","password":"x"}'), 'UNSUPPORTED_MEDIA_TYPE', 415);
      expect(await auditRows('auth.login.failed')).toHaveLength(before);
    },
  );

  it.each(['application/json', 'application/json; charset=utf-8', 'application/json; charset=UTF-8', 'application/json; charset="utf-8"'])('reads UTF-8 (%s)', async (contentType) => {
    expectCatalogued(await login(contentType, '{"username":"nobody","password":"x"}'), 'AUTH_INVALID_CREDENTIALS', 401);
  });

  it('refuses a form in another charset on the OAuth endpoints', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=iso-8859-1' },
      payload: 'grant_type=client_credentials&client_id=x&client_secret=y',
    });
    expect(response.statusCode).toBe(415);
  });
});

describe('security headers', () => {
  it('sends no Strict-Transport-Security over http', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it('sends Strict-Transport-Security on every answer when the public URL is https', async () => {
    const secure = await createTestApp({ LANYARD_PUBLIC_URL: 'https://lanyard.test' });
    try {
      const answers = await Promise.all([
        secure.app.inject({ method: 'GET', url: '/healthz' }),
        secure.app.inject({ method: 'GET', url: '/api/v1/me' }),
        secure.app.inject({ method: 'GET', url: '/no/such/route' }),
        secure.app.inject({ method: 'GET', url: '/api/docs/' }),
        secure.app.inject({ method: 'GET', url: `/api/v1/invitations/${'a'.repeat(300)}` }),
        secure.app.inject({ method: 'GET', url: '/api/v1/invitations/%FF' }),
        secure.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'x=1' }),
      ]);
      for (const answer of answers) expect(answer.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await secure.close();
    }
  });

  it('gives the API reference a strict Content-Security-Policy', async () => {
    for (const url of ['/api/docs/', '/api/docs/static/index.html', '/api/docs/static/swagger-initializer.js']) {
      const response = await t.app.inject({ method: 'GET', url });
      const policy = String(response.headers['content-security-policy']);
      expect(policy, url).toContain("default-src 'none'");
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).not.toContain('unsafe-eval');
    }
  });
});

describe('access keys are usable after all of this', () => {
  it('a valid exchange still works', async () => {
    const key = await addAccessKey(t, admin, { description: 'Café 👩\u200d💻' });
    const response = await t.app.inject({ method: 'POST', url: '/authentication/v1/token/access-key', payload: { accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret } });
    expect(response.statusCode).toBe(200);
  });
});

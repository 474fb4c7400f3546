import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MINUTE, SECOND } from '../kernel/clock.ts';
import { signJwtSync } from '../kernel/jwt.ts';
import { accessTokenFor, addAccessKey, exchangeAccessKey, login, signedInUser, type CreatedKey, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, testOrigin, type TestApp } from '../testing/test-app.ts';
import { testStorageKind } from '../testing/test-database.ts';

let t: TestApp;
let admin: SignedInUser;
let supervisor: SignedInUser;
let other: SignedInUser;

beforeAll(async () => {
  t = await createTestApp();
  admin = await signedInUser(t, { tenantName: 'Token Tenant', username: 'anne.shirley' });
  supervisor = await signedInUser(t, { tenant: admin.tenant, username: 'gilbert.blythe', role: 'Supervisor' });
  other = await signedInUser(t, { tenantName: 'Other Token Tenant', username: 'ruby.gillis' });
  // Many keys per user in this file; the limit itself is tested with access keys.
  await t.deps.db.updateTable('tenants').set({ settings: JSON.stringify({ accessKeys: { maxPerUser: 100 } }) }).execute();
});
afterAll(async () => t.close());

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

const me = (token: string, app = t.app) => app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
const introspect = (client: CreatedKey, token: string, app = t.app) =>
  app.inject({ method: 'POST', url: '/oauth/introspect', headers: { ...formHeaders, authorization: basic(client.accessKeyId, client.accessKeySecret) }, payload: form({ token }) });
const setState = (user: SignedInUser, key: CreatedKey, state: 'active' | 'inactive') =>
  t.app.inject({ method: 'PATCH', url: `/api/v1/me/access-keys/${key.id}`, headers: user.headers, payload: { state } });

function decode(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [header = '', claims = ''] = token.split('.');
  return { header: JSON.parse(Buffer.from(header, 'base64url').toString()), claims: JSON.parse(Buffer.from(claims, 'base64url').toString()) };
}

/** Without a body's per-request id, so two refusals can be compared. */
const withoutRequestId = (body: { error: Record<string, unknown> }) => ({ ...body, error: { ...body.error, requestId: undefined } });

describe('exchanging an access key for a token', () => {
  let key: CreatedKey;
  beforeAll(async () => {
    key = await addAccessKey(t, supervisor, { description: 'exchange' });
  });

  it('answers an ES256 JWT with the documented claims on the JSON endpoint', async () => {
    const response = await exchangeAccessKey(t, key.accessKeyId, key.accessKeySecret);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
    const { header, claims } = decode(body.access_token);
    const jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: jwks.keys[0].kid });
    const now = Math.floor(t.clock.now().getTime() / 1000);
    expect(claims).toEqual({
      iss: testOrigin,
      aud: `${testOrigin}/api`,
      sub: supervisor.userId,
      tid: admin.tenant.id,
      akid: key.accessKeyId,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      iat: now,
      exp: now + 900,
      scope: 'accessKeys.own.create presence.use profile.edit profile.wfmNotifications support.downloads.view users.view',
      akv: 0,
    });
  });

  it('answers the same on /oauth/token with client_secret_basic and with client_secret_post', async () => {
    for (const [headers, payload] of [
      [{ ...formHeaders, authorization: basic(key.accessKeyId, key.accessKeySecret) }, form({ grant_type: 'client_credentials' })],
      [formHeaders, form({ grant_type: 'client_credentials', client_id: key.accessKeyId, client_secret: key.accessKeySecret })],
    ] as const) {
      const response = await t.app.inject({ method: 'POST', url: '/oauth/token', headers, payload });
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers.pragma).toBe('no-cache');
      expect(response.json()).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
      expect((await me(response.json().access_token)).statusCode).toBe(200);
    }
  });

  it('refuses malformed OAuth requests with RFC 6749 errors', async () => {
    const cases: [Record<string, string>, string, number, string][] = [
      [formHeaders, form({ grant_type: 'password', client_id: key.accessKeyId, client_secret: key.accessKeySecret }), 400, 'unsupported_grant_type'],
      [formHeaders, form({ client_id: key.accessKeyId, client_secret: key.accessKeySecret }), 400, 'invalid_request'],
      [formHeaders, `grant_type=client_credentials&grant_type=client_credentials&client_id=${key.accessKeyId}&client_secret=${key.accessKeySecret}`, 400, 'invalid_request'],
      [{ ...formHeaders, authorization: basic(key.accessKeyId, key.accessKeySecret) }, form({ grant_type: 'client_credentials', client_secret: key.accessKeySecret }), 400, 'invalid_request'],
      [formHeaders, form({ grant_type: 'client_credentials' }), 401, 'invalid_client'],
      [{ ...formHeaders, authorization: 'Basic !!!' }, form({ grant_type: 'client_credentials' }), 401, 'invalid_client'],
    ];
    for (const [headers, payload, status, error] of cases) {
      const response = await t.app.inject({ method: 'POST', url: '/oauth/token', headers, payload });
      expect(response.statusCode, payload).toBe(status);
      expect(response.json().error).toBe(error);
      expect(response.headers['cache-control']).toBe('no-store');
    }
    const json = await t.app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials' } });
    expect(json.statusCode).toBe(401);
    for (const payload of [{}, { accessKeyId: key.accessKeyId }, { accessKeyId: key.accessKeyId, accessKeySecret: 'x'.repeat(300) }]) {
      const response = await t.app.inject({ method: 'POST', url: '/authentication/v1/token/access-key', payload });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('answers an unknown key and a wrong secret identically, after the same HMAC work', async () => {
    const attempts = [
      [key.accessKeyId, `${key.accessKeySecret}x`],
      ['LAKAAAAAAAAAAAAAAAAAAAA', key.accessKeySecret],
      ['not-even-a-key-id', key.accessKeySecret],
    ] as const;
    const jsonBodies: unknown[] = [];
    const oauthBodies: unknown[] = [];
    for (const [id, secret] of attempts) {
      const before = t.deps.accessKeys.stats().secretVerifications;
      const json = await exchangeAccessKey(t, id, secret);
      expect(t.deps.accessKeys.stats().secretVerifications - before).toBe(1);
      expect(json.statusCode).toBe(401);
      jsonBodies.push(withoutRequestId(json.json()));
      const oauth = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { ...formHeaders, authorization: basic(id, secret) }, payload: form({ grant_type: 'client_credentials' }) });
      expect(t.deps.accessKeys.stats().secretVerifications - before).toBe(2);
      expect(oauth.statusCode).toBe(401);
      expect(oauth.headers['www-authenticate']).toMatch(/^Basic /);
      oauthBodies.push(oauth.json());
    }
    expect((jsonBodies[0] as { error: { code: string } }).error.code).toBe('ACCESS_KEY_INVALID_CREDENTIALS');
    expect(jsonBodies[1]).toEqual(jsonBodies[0]);
    expect(jsonBodies[2]).toEqual(jsonBodies[0]);
    expect((oauthBodies[0] as { error: string }).error).toBe('invalid_client');
    expect(oauthBodies[1]).toEqual(oauthBodies[0]);
    expect(oauthBodies[2]).toEqual(oauthBodies[0]);
  });

  it('audits failed exchanges, naming the key but never the secret', async () => {
    const wrong = `${key.accessKeySecret.slice(0, 40)}zzz`;
    await exchangeAccessKey(t, key.accessKeyId, wrong);
    const events = await t.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'token.issue')
      .where('target_id', '=', key.accessKeyId)
      .orderBy('id', 'desc')
      .execute();
    expect(events[0]).toMatchObject({ result: 'failure', tenant_id: admin.tenant.id, actor_user_id: supervisor.userId, ip: '127.0.0.1', details: { reason: 'wrong-secret' } });
    const unknown = await t.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'token.issue').where('target_id', '=', 'LAKAAAAAAAAAAAAAAAAAAAA').execute();
    expect(unknown[0]).toMatchObject({ result: 'failure', tenant_id: null, details: { reason: 'unknown-key' } });
    const everything = JSON.stringify(await t.deps.db.selectFrom('audit_events').selectAll().execute());
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(key.accessKeySecret);
    for (const line of t.logLines()) {
      expect(line).not.toContain(wrong);
      expect(line).not.toContain(key.accessKeySecret);
    }
  });

  it('limits failed exchanges per key, and then refuses even the right secret until the window ends', async () => {
    const limited = await addAccessKey(t, admin, { description: 'rate limited' });
    const ip = '203.0.113.7';
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      expect((await exchangeAccessKey(t, limited.accessKeyId, 'wrong-secret', ip)).statusCode).toBe(401);
    }
    const eleventh = await exchangeAccessKey(t, limited.accessKeyId, 'wrong-secret', ip);
    expect(eleventh.statusCode).toBe(429);
    expect(eleventh.json().error.code).toBe('RATE_LIMITED');
    expect(Number(eleventh.headers['retry-after'])).toBeGreaterThan(0);
    const blocked = await exchangeAccessKey(t, limited.accessKeyId, limited.accessKeySecret, ip);
    expect(blocked.statusCode).toBe(429);
    const oauth = await t.app.inject({ method: 'POST', url: '/oauth/token', remoteAddress: ip, headers: { ...formHeaders, authorization: basic(limited.accessKeyId, limited.accessKeySecret) }, payload: form({ grant_type: 'client_credentials' }) });
    expect(oauth.statusCode).toBe(429);
    expect(oauth.json().error).toBe('temporarily_unavailable');
    t.clock.advance(61 * SECOND);
    expect((await exchangeAccessKey(t, limited.accessKeyId, limited.accessKeySecret, ip)).statusCode).toBe(200);
  });
});

describe('bearer tokens and revocation', () => {
  it('authenticate /api/v1 with the same answer as the session', async () => {
    const key = await addAccessKey(t, supervisor);
    const token = await accessTokenFor(t, key);
    const byToken = await me(token);
    expect(byToken.statusCode).toBe(200);
    supervisor.cookie = await login(t, supervisor.username);
    supervisor.headers.cookie = supervisor.cookie;
    const bySession = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: supervisor.cookie } });
    expect(byToken.json()).toEqual(bySession.json());
    // Bearer requests need no Origin: they carry no ambient authority.
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/me/access-keys', headers: { authorization: `Bearer ${token}` }, payload: {} });
    expect(created.statusCode).toBe(201);
  });

  it('a deactivated key stops its exchange and every token already issued, on the API and in introspection, at once', async () => {
    const key = await addAccessKey(t, supervisor);
    const resourceServer = await addAccessKey(t, admin, { description: 'resource server' });
    const token = await accessTokenFor(t, key);
    expect((await me(token)).statusCode).toBe(200);
    expect((await introspect(resourceServer, token)).json()).toMatchObject({ active: true, sub: supervisor.userId, akid: key.accessKeyId, client_id: key.accessKeyId });

    expect((await setState(supervisor, key, 'inactive')).statusCode).toBe(200);
    const refused = await me(token);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('TOKEN_INVALID');
    expect(refused.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect((await introspect(resourceServer, token)).json()).toEqual({ active: false });
    expect((await exchangeAccessKey(t, key.accessKeyId, key.accessKeySecret)).json().error.code).toBe('ACCESS_KEY_INVALID_CREDENTIALS');

    expect((await setState(supervisor, key, 'active')).statusCode).toBe(200);
    const fresh = await accessTokenFor(t, key);
    expect((await me(fresh)).statusCode).toBe(200);

    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/me/access-keys/${key.id}`, headers: supervisor.headers })).statusCode).toBe(204);
    expect((await me(fresh)).json().error.code).toBe('TOKEN_INVALID');
    expect((await introspect(resourceServer, fresh)).json()).toEqual({ active: false });
  });

  /** @see a deactivation is how an owner kills a leaked token; turning the key back on must not revive it */
  it('tokens issued before a deactivation stay refused after the key is active again; new ones work', async () => {
    const key = await addAccessKey(t, supervisor);
    const resourceServer = await addAccessKey(t, admin, { description: 'resource server after reactivation' });
    const leaked = await accessTokenFor(t, key);
    expect(decode(leaked).claims.akv).toBe(0);
    expect((await setState(supervisor, key, 'inactive')).statusCode).toBe(200);
    expect((await setState(supervisor, key, 'active')).statusCode).toBe(200);

    expect((await me(leaked)).json().error.code).toBe('TOKEN_INVALID');
    expect((await introspect(resourceServer, leaked)).json()).toEqual({ active: false });
    const fresh = await accessTokenFor(t, key);
    expect(decode(fresh).claims.akv).toBe(1);
    expect((await me(fresh)).statusCode).toBe(200);
    expect((await introspect(resourceServer, fresh)).json()).toMatchObject({ active: true, akid: key.accessKeyId });

    // Changing only the description keeps the key's tokens working.
    const described = await t.app.inject({ method: 'PATCH', url: `/api/v1/me/access-keys/${key.id}`, headers: supervisor.headers, payload: { description: 'renamed' } });
    expect(described.statusCode).toBe(200);
    expect((await me(fresh)).statusCode).toBe(200);
  });

  it('a disabled user, or a role that loses the permission, stops keys and tokens within a second', async () => {
    const member = await signedInUser(t, { tenant: admin.tenant, username: 'jane.andrews', role: 'Supervisor' });
    const key = await addAccessKey(t, member);
    const token = await accessTokenFor(t, key);
    expect((await me(token)).statusCode).toBe(200);

    // Another domain (user administration) disables the account; the cached state is at most a second old.
    await t.deps.db.updateTable('users').set({ status: 'disabled' }).where('id', '=', member.userId).execute();
    t.clock.advance(SECOND);
    expect((await me(token)).json().error.code).toBe('TOKEN_INVALID');
    expect((await exchangeAccessKey(t, key.accessKeyId, key.accessKeySecret)).statusCode).toBe(401);
    await t.deps.db.updateTable('users').set({ status: 'active' }).where('id', '=', member.userId).execute();
    t.clock.advance(SECOND);
    expect((await me(token)).statusCode).toBe(200);

    // The Supervisor role loses accessKeys.own.create.
    const role = await t.deps.roles.getRoleByName(admin.tenant.id, 'Supervisor');
    await t.deps.db.updateTable('roles').set({ permissions: role.permissions.filter((permission) => permission !== 'accessKeys.own.create') }).where('id', '=', role.id).execute();
    t.clock.advance(SECOND);
    expect((await me(token)).json().error.code).toBe('TOKEN_INVALID');
    expect((await exchangeAccessKey(t, key.accessKeyId, key.accessKeySecret)).statusCode).toBe(401);
    await t.deps.db.updateTable('roles').set({ permissions: role.permissions }).where('id', '=', role.id).execute();
    t.clock.advance(SECOND);
    expect((await me(token)).statusCode).toBe(200);
  });

  it('narrows a token to the permissions the user still holds', async () => {
    const key = await addAccessKey(t, supervisor);
    const token = await accessTokenFor(t, key);
    const role = await t.deps.roles.getRoleByName(admin.tenant.id, 'Supervisor');
    await t.deps.db.updateTable('roles').set({ permissions: role.permissions.filter((permission) => permission !== 'users.view') }).where('id', '=', role.id).execute();
    t.clock.advance(SECOND);
    expect((await me(token)).json().permissions).not.toContain('users.view');
    await t.deps.db.updateTable('roles').set({ permissions: role.permissions }).where('id', '=', role.id).execute();
    t.clock.advance(SECOND);
  });

  it('expire after their lifetime', async () => {
    const key = await addAccessKey(t, supervisor);
    const token = await accessTokenFor(t, key);
    t.clock.advance(15 * MINUTE - SECOND);
    expect((await me(token)).statusCode).toBe(200);
    t.clock.advance(SECOND);
    expect((await me(token)).json().error.code).toBe('TOKEN_INVALID');
  });

  it('introspection tells a resource server about its own tenant only, and needs a valid key', async () => {
    const key = await addAccessKey(t, supervisor);
    const token = await accessTokenFor(t, key);
    const foreign = await addAccessKey(t, other);
    expect((await introspect(foreign, token)).json()).toEqual({ active: false });
    const post = await t.app.inject({ method: 'POST', url: '/oauth/introspect', headers: formHeaders, payload: form({ token, client_id: key.accessKeyId, client_secret: key.accessKeySecret }) });
    expect(post.json()).toMatchObject({ active: true, tid: admin.tenant.id, scope: expect.stringContaining('accessKeys.own.create') });
    const unauthenticated = await t.app.inject({ method: 'POST', url: '/oauth/introspect', headers: formHeaders, payload: form({ token }) });
    expect(unauthenticated.statusCode).toBe(401);
    expect(unauthenticated.json().error).toBe('invalid_client');
    const wrong = await introspect({ ...key, accessKeySecret: 'nope' }, token);
    expect(wrong.statusCode).toBe(401);
    expect((await introspect(key, 'not-a-token')).json()).toEqual({ active: false });
  });
});

/** The other valid ECDSA encoding of a P-256 signature: (r, n − s). */
function highSTwin(signaturePart: string): string {
  const order = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
  const signature = Buffer.from(signaturePart, 'base64url');
  const s = BigInt(`0x${signature.subarray(32).toString('hex')}`);
  return Buffer.concat([signature.subarray(0, 32), Buffer.from((order - s).toString(16).padStart(64, '0'), 'hex')]).toString('base64url');
}

describe('forged tokens', () => {
  it('are all refused by the API and by introspection', async () => {
    const key = await addAccessKey(t, supervisor);
    const resourceServer = await addAccessKey(t, admin);
    const genuine = await accessTokenFor(t, key);
    const { header, claims } = decode(genuine);
    const realSigner = await t.deps.signingKeys.signer();
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const publicPem = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json().keys[0];
    const [h, c, s] = genuine.split('.') as [string, string, string];
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const otherKey = await addAccessKey(t, other);
    const otherClaims = decode(await accessTokenFor(t, otherKey)).claims;

    const hs256Input = `${b64({ ...header, alg: 'HS256' })}.${c}`;
    const forged: Record<string, string> = {
      'alg none': `${b64({ ...header, alg: 'none' })}.${c}.`,
      'HS256 keyed with the public key': `${hs256Input}.${createHmac('sha256', JSON.stringify(publicPem)).update(hs256Input).digest('base64url')}`,
      'unknown kid': signJwtSync(claims, { kid: 'no-such-kid', privateKey: attacker }),
      'real kid, attacker key': signJwtSync(claims, { kid: realSigner.kid, privateKey: attacker }),
      'wrong issuer': signJwtSync({ ...claims, iss: 'https://evil.example' }, realSigner),
      'wrong audience': signJwtSync({ ...claims, aud: 'https://evil.example/api' }, realSigner),
      expired: signJwtSync({ ...claims, iat: now - 3600, exp: now - 1 }, realSigner),
      'issued in the future': signJwtSync({ ...claims, iat: now + 3600, exp: now + 7200 }, realSigner),
      'other tenant': signJwtSync({ ...claims, tid: other.tenant.id }, realSigner),
      "another tenant's key under this user": signJwtSync({ ...claims, akid: otherClaims.akid }, realSigner),
      'another user': signJwtSync({ ...claims, sub: admin.userId, scope: otherClaims.scope }, realSigner),
      'tampered payload': `${h}.${b64({ ...claims, scope: `${String(claims.scope)} accessKeys.manage` })}.${s}`,
      'missing claims': signJwtSync({ iss: claims.iss, aud: claims.aud, exp: now + 60 }, realSigner),
      'DER signature': `${h}.${c}.${sign('sha256', Buffer.from(`${h}.${c}`), realSigner.privateKey).toString('base64url')}`,
      'extra segment': `${genuine}.e30`,
      garbage: 'Zm9v.YmFy.YmF6',
      'typ JWT (not an access token)': signJwtSync(claims, realSigner, 'JWT'),
      'no typ': `${b64({ alg: header.alg, kid: header.kid })}.${c}.${s}`,
      'high-S twin of the genuine signature': `${h}.${c}.${highSTwin(s)}`,
    };
    expect((await me(genuine)).statusCode).toBe(200);
    for (const [name, token] of Object.entries(forged)) {
      const response = await me(token);
      expect(response.statusCode, name).toBe(401);
      expect(response.json().error.code, name).toBe('TOKEN_INVALID');
      expect((await introspect(resourceServer, token)).json(), name).toEqual({ active: false });
    }
    for (const authorization of ['Bearer', 'Bearer a b', `Bearer ${genuine}\u0000`]) {
      const response = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization } });
      expect(response.statusCode, authorization).toBe(401);
    }
  });
});

describe('signing keys', () => {
  it('publishes the JWKS and the authorization-server metadata with caching headers', async () => {
    const jwks = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(jwks.statusCode).toBe(200);
    expect(jwks.headers['cache-control']).toBe('public, max-age=300');
    for (const jwk of jwks.json().keys) {
      expect(Object.keys(jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    }
    const metadata = await t.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' });
    expect(metadata.json()).toMatchObject({
      issuer: testOrigin,
      token_endpoint: `${testOrigin}/oauth/token`,
      jwks_uri: `${testOrigin}/.well-known/jwks.json`,
      introspection_endpoint: `${testOrigin}/oauth/introspect`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    });
  });

  it('stores private keys encrypted, never as plain PKCS#8', async () => {
    const rows = await t.deps.db.selectFrom('signing_keys').selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    const signer = await t.deps.signingKeys.signer();
    const der = signer.privateKey.export({ format: 'der', type: 'pkcs8' });
    for (const row of rows) expect(Buffer.from(row.private_key_encrypted).includes(der.subarray(-32))).toBe(false);
  });

  it('rotates with overlap: the new key signs, the old one verifies until its tokens have expired', async () => {
    const key = await addAccessKey(t, supervisor);
    const before = await accessTokenFor(t, key);
    const oldKid = decode(before).header.kid;
    const rotated = await t.deps.signingKeys.rotate();
    expect(rotated.previous).toEqual([oldKid]);
    const after = await accessTokenFor(t, key);
    expect(decode(after).header.kid).toBe(rotated.kid);
    expect((await me(before)).statusCode).toBe(200);
    expect((await me(after)).statusCode).toBe(200);
    const kids = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json().keys.map((jwk: { kid: string }) => jwk.kid);
    expect(kids.sort()).toEqual([oldKid, rotated.kid].sort());

    t.clock.advance(65 * MINUTE + SECOND);
    const later = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json().keys.map((jwk: { kid: string }) => jwk.kid);
    expect(later).toEqual([rotated.kid]);
  });
});

describe.runIf(testStorageKind() === 'postgres')('two instances on one PostgreSQL database', () => {
  let peer: Awaited<ReturnType<TestApp['secondInstance']>>;
  beforeAll(async () => {
    peer = await t.secondInstance();
  });
  afterAll(async () => peer?.close());

  it('a key deactivated on one instance stops tokens on the other (LISTEN/NOTIFY), without waiting for the cache to age', async () => {
    // Earlier tests moved the clock past the console's idle timeout.
    for (const user of [admin, supervisor]) {
      user.cookie = await login(t, user.username);
      user.headers.cookie = user.cookie;
    }
    const key = await addAccessKey(t, supervisor);
    const resourceServer = await addAccessKey(t, admin);
    const token = await accessTokenFor(peer, key);
    expect((await me(token, peer.app)).statusCode).toBe(200);
    expect((await introspect(resourceServer, token, peer.app)).json().active).toBe(true);

    expect((await setState(supervisor, key, 'inactive')).statusCode).toBe(200);
    // The test clock does not move: only the notification can make the peer forget the cached key.
    await vi.waitFor(async () => expect((await me(token, peer.app)).json().error?.code).toBe('TOKEN_INVALID'), { timeout: 5000, interval: 20 });
    expect((await introspect(resourceServer, token, peer.app)).json()).toEqual({ active: false });
    expect((await exchangeAccessKey(peer, key.accessKeyId, key.accessKeySecret)).statusCode).toBe(401);

    // Reactivated: the peer exchanges the key again, and the token from before stays dead.
    expect((await setState(supervisor, key, 'active')).statusCode).toBe(200);
    await vi.waitFor(async () => expect((await exchangeAccessKey(peer, key.accessKeyId, key.accessKeySecret)).statusCode).toBe(200), { timeout: 5000, interval: 20 });
    expect((await me(token, peer.app)).json().error.code).toBe('TOKEN_INVALID');
  });

  it('a token signed after a rotation on one instance verifies on the other', async () => {
    const key = await addAccessKey(t, supervisor);
    await t.deps.signingKeys.rotate();
    const token = await accessTokenFor(t, key);
    expect((await me(token, peer.app)).statusCode).toBe(200);
    await vi.waitFor(async () => expect(decode(await accessTokenFor(peer, key)).header.kid).toBe(decode(token).header.kid), { timeout: 5000, interval: 20 });
  });
});

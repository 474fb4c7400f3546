import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../kernel/clock.ts';
import { login, roleNamed, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { startTestOidcProvider, type TestOidcProvider } from '../testing/oidc-test-provider.ts';
import { createTestApp, strongPassword, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let op: TestOidcProvider;
let second: TestOidcProvider;
let admin: SignedInUser;
let providerId: string;
let secondProviderId: string;
const callbackUri = 'http://lanyard.test/api/v1/auth/sso/callback';

beforeAll(async () => {
  t = await createTestApp();
  // The provider stamps its ID tokens with the real time; Lanyard judges them by its own clock, so the two start together.
  t.clock.set(new Date());
  op = await startTestOidcProvider({ redirectUris: [callbackUri], idTokenTtlSeconds: 120 });
  second = await startTestOidcProvider({ redirectUris: [callbackUri] });
  admin = await signedInUser(t, { tenantName: 'Avonlea', username: 'marilla' });
  providerId = (await createProvider(admin, { name: 'Avonlea IdP', issuer: op.issuer, clientId: op.clientId, clientSecret: op.clientSecret, emailDomains: ['example.test'], isDefault: true })).id;
  secondProviderId = (await createProvider(admin, { name: 'Second IdP', issuer: second.issuer, clientId: second.clientId, clientSecret: second.clientSecret })).id;
});

afterAll(async () => {
  await op.close();
  await second.close();
  await t.close();
});

async function createProvider(user: SignedInUser, body: Record<string, unknown>): Promise<{ id: string } & Record<string, unknown>> {
  const response = await t.app.inject({ method: 'POST', url: '/api/v1/admin/identity-providers', headers: user.headers, payload: body });
  if (response.statusCode !== 201) throw new Error(`create provider: ${response.statusCode} ${response.body}`);
  return response.json();
}

const flowCookieOf = (setCookie: string | string[] | undefined): string => {
  const cookies = Array.isArray(setCookie) ? setCookie : setCookie === undefined ? [] : [setCookie];
  const found = cookies.find((cookie) => cookie.startsWith('lanyard_sso='));
  if (found === undefined) throw new Error('no flow cookie');
  return found.split(';')[0] ?? '';
};

async function startSignIn(username: string): Promise<{ authorizationUrl: string; flowCookie: string }> {
  const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sso/start', headers: { origin: t.config.publicUrl.origin }, payload: { username } });
  if (response.statusCode !== 200) throw new Error(`start: ${response.statusCode} ${response.body}`);
  const cookie = response.headers['set-cookie'];
  expect(String(cookie)).toMatch(/HttpOnly/i);
  return { authorizationUrl: response.json<{ authorizationUrl: string }>().authorizationUrl, flowCookie: flowCookieOf(cookie) };
}

async function callback(url: URL, flowCookie: string | undefined, extraCookie = '') {
  const cookie = [flowCookie, extraCookie].filter((value) => value !== undefined && value !== '').join('; ');
  return t.app.inject({ method: 'GET', url: `${url.pathname}${url.search}`, headers: { accept: 'text/html,application/xhtml+xml', ...(cookie === '' ? {} : { cookie }) } });
}

/** The whole sign-in: start, the provider, the callback. */
async function ssoSignIn(username: string, subject: string, claims: Record<string, unknown>, provider = op) {
  provider.signInAs(subject, claims);
  const { authorizationUrl, flowCookie } = await startSignIn(username);
  const back = await provider.authorize(authorizationUrl);
  return callback(back, flowCookie);
}

const lastFailure = async () =>
  (await t.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'auth.login.failed').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()).details;

async function inviteSsoOnly(username: string) {
  const agent = await roleNamed(t, admin.tenant.id, 'Agent');
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/admin/users',
    headers: admin.headers,
    payload: { username, email: `${username}@example.test`, firstName: 'Ruby', lastName: 'Gillis', roleId: agent.id, ssoOnly: true },
  });
  expect(response.statusCode).toBe(201);
  return response.json<{ user: { id: string; status: string } }>().user;
}

describe('identity providers (Administration)', () => {
  it('never answers, logs or stores the client secret in the clear', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/admin/identity-providers', headers: admin.headers });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(op.clientSecret);
    expect(list.json().items[0]).toMatchObject({ name: 'Avonlea IdP', issuer: op.issuer, clientSecretSet: true, redirectUri: callbackUri, scopes: ['openid', 'email', 'profile'] });
    const rows = await t.deps.db.selectFrom('identity_providers').selectAll().execute();
    for (const row of rows) expect(Buffer.from(row.client_secret_sealed).toString('latin1')).not.toContain('test-client-secret');
    expect(JSON.stringify(await t.deps.db.selectFrom('audit_events').selectAll().execute())).not.toContain(op.clientSecret);
    expect(t.logLines().join('\n')).not.toContain(op.clientSecret);
  });

  it('refuses an http issuer that is not loopback, and bad input, with coded 4xx and nothing stored', async () => {
    const before = await t.deps.db.selectFrom('identity_providers').select('id').execute();
    for (const issuer of ['http://idp.example.test', 'ftp://127.0.0.1', 'https://a@idp.example.test', 'not a url']) {
      const response = await t.app.inject({ method: 'POST', url: '/api/v1/admin/identity-providers', headers: admin.headers, payload: { name: 'X', issuer, clientId: 'x', clientSecret: 'y' } });
      expect(response.statusCode, issuer).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
    const taken = await t.app.inject({ method: 'POST', url: '/api/v1/admin/identity-providers', headers: admin.headers, payload: { name: 'X', issuer: 'https://idp.example.test', clientId: 'x', clientSecret: 'y', emailDomains: ['example.test'] } });
    expect(taken.statusCode).toBe(422);
    expect(taken.json().error.code).toBe('IDENTITY_PROVIDER_INVALID');
    expect(await t.deps.db.selectFrom('identity_providers').select('id').execute()).toEqual(before);
  });

  it('tests the connection: discovery found, issuer matches, endpoints and algorithms reported', async () => {
    const response = await t.app.inject({ method: 'POST', url: `/api/v1/admin/identity-providers/${providerId}/test`, headers: admin.headers });
    expect(response.statusCode).toBe(200);
    const result = response.json<{ ok: boolean; checks: { check: string; ok: boolean }[] }>();
    expect(result.ok).toBe(true);
    expect(result.checks.map((check) => check.check)).toEqual(['discovery', 'issuer', 'authorizationEndpoint', 'tokenEndpoint', 'jwks', 'codeFlow', 'pkceS256', 'signingAlgorithms']);
  });

  it('reports a provider that is down as coded checks, never a 5xx', async () => {
    const down = await createProvider(admin, { name: 'Down', issuer: 'http://127.0.0.1:9', clientId: 'x', clientSecret: 'y' });
    const response = await t.app.inject({ method: 'POST', url: `/api/v1/admin/identity-providers/${down.id}/test`, headers: admin.headers });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ ok: false, checks: [{ check: 'discovery', ok: false, reason: 'unreachable' }] });
    await t.app.inject({ method: 'DELETE', url: `/api/v1/admin/identity-providers/${down.id}`, headers: admin.headers });
  });

  it('keeps providers to their tenant: an admin of another tenant can neither see nor use them', async () => {
    const other = await signedInUser(t, { tenantName: 'White Sands', username: 'josie' });
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/admin/identity-providers', headers: other.headers });
    expect(list.json().items).toEqual([]);
    for (const [method, url, payload] of [
      ['PATCH', `/api/v1/admin/identity-providers/${providerId}`, { name: 'Mine now' }],
      ['DELETE', `/api/v1/admin/identity-providers/${providerId}`, undefined],
      ['POST', `/api/v1/admin/identity-providers/${providerId}/test`, undefined],
      ['POST', '/api/v1/me/identity-links', { providerId }],
    ] as const) {
      const response = await t.app.inject({ method, url, headers: other.headers, ...(payload === undefined ? {} : { payload }) });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe('IDENTITY_PROVIDER_NOT_FOUND');
    }
    expect((await t.deps.identityProviders.get(admin.tenant.id, providerId)).name).toBe('Avonlea IdP');
  });

  it('needs identityProviders.manage', async () => {
    const agent = await signedInUser(t, { tenant: admin.tenant, username: 'moody', role: 'Agent' });
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/admin/identity-providers', headers: agent.headers });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('PERMISSION_DENIED');
  });
});

describe('sign-in with SSO', () => {
  it('signs in an SSO-only invited user end to end, linking the identity at the first sign-in (verified email)', async () => {
    const user = await inviteSsoOnly('ruby.gillis');
    expect(user.status).toBe('sso_only');
    const mail = (await t.mailbox()).filter((email) => email.to === 'ruby.gillis@example.test');
    expect(mail.map((email) => email.subject)).toEqual(['Your Avonlea account is ready']);
    const response = await ssoSignIn('ruby.gillis', 'sub-ruby', { email: 'ruby.gillis@example.test', email_verified: true });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.body).toContain('lanyard:sso');
    expect(response.body).toContain('"origin":"http://lanyard.test"');
    const session = String(response.headers['set-cookie']).match(/lanyard_session=([^;]+)/)?.[1];
    expect(session).toBeDefined();
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `lanyard_session=${session}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ tenant: { id: admin.tenant.id } });
    // Lanyard's own second factor was not asked: a switch into a tenant that requires one asks a code first (tenancy-mfa).
    expect(await t.deps.db.selectFrom('sessions').select('second_factor').where('user_id', '=', user.id).execute()).toEqual([{ second_factor: false }]);
    const links = await t.deps.db.selectFrom('identity_links').selectAll().where('user_id', '=', user.id).execute();
    expect(links).toMatchObject([{ issuer: op.issuer, subject: 'sub-ruby', provider_id: providerId }]);
    expect((await t.mailbox()).filter((email) => email.to === 'ruby.gillis@example.test').map((email) => email.subject)).toContain('An identity provider was linked to your Lanyard account');
    // The second sign-in finds the link by (issuer, subject), whatever the email says now.
    const again = await ssoSignIn('ruby.gillis', 'sub-ruby', { email: 'changed@elsewhere.test', email_verified: false });
    expect(again.statusCode).toBe(200);
  });

  it('refuses a password for an SSO-only user exactly like a wrong password', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: t.config.publicUrl.origin }, payload: { username: 'ruby.gillis', password: strongPassword } });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
  });

  it('does not link when email_verified is false, absent, or not in the same payload', async () => {
    for (const [index, claims] of [{ email: 'jane.andrews@example.test', email_verified: false }, { email: 'jane.andrews@example.test' }, { email_verified: true }, { email: 'jane.andrews@example.test', email_verified: 'true' }].entries()) {
      if (index === 0) await inviteSsoOnly('jane.andrews');
      const response = await ssoSignIn('jane.andrews', `sub-jane-${index}`, claims);
      expect(response.statusCode, JSON.stringify(claims)).toBe(401);
      expect(response.body).toContain('SSO_FAILED');
    }
    expect(await t.deps.db.selectFrom('identity_links').selectAll().where('subject', 'like', 'sub-jane-%').execute()).toEqual([]);
  });

  it('links a password user automatically only where the tenant turned it on (and the emails are verified)', async () => {
    await signedInUser(t, { tenant: admin.tenant, username: 'diana', role: 'Agent' });
    const refused = await ssoSignIn('diana', 'sub-diana', { email: 'diana@example.test', email_verified: true });
    expect(refused.statusCode).toBe(401);
    expect(await lastFailure()).toMatchObject({ method: 'sso', reason: 'no-linked-account' });
    await t.app.inject({ method: 'PATCH', url: `/api/v1/admin/identity-providers/${providerId}`, headers: admin.headers, payload: { autoLinkVerifiedEmail: true } });
    const linked = await ssoSignIn('diana', 'sub-diana', { email: 'diana@example.test', email_verified: true });
    expect(linked.statusCode).toBe(200);
    await t.app.inject({ method: 'PATCH', url: `/api/v1/admin/identity-providers/${providerId}`, headers: admin.headers, payload: { autoLinkVerifiedEmail: false } });
  });

  it('keeps two providers asserting the same subject and email as two identities', async () => {
    await t.app.inject({ method: 'PATCH', url: `/api/v1/admin/identity-providers/${secondProviderId}`, headers: admin.headers, payload: { emailDomains: ['second.test'] } });
    const agent = await roleNamed(t, admin.tenant.id, 'Agent');
    await t.app.inject({ method: 'POST', url: '/api/v1/admin/users', headers: admin.headers, payload: { username: 'tillie@second.test', email: 'tillie@second.test', firstName: 'Tillie', lastName: 'Boulter', roleId: agent.id, ssoOnly: true } });
    // The same subject at the second provider is not Ruby's identity at the first one.
    const response = await ssoSignIn('tillie@second.test', 'sub-ruby', { email: 'tillie@second.test', email_verified: true }, second);
    expect(response.statusCode).toBe(200);
    const rows = await t.deps.db.selectFrom('identity_links').select(['provider_id', 'subject', 'user_id']).where('subject', '=', 'sub-ruby').orderBy('provider_id').execute();
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((row) => row.user_id)).size).toBe(2);
  });

  it('refuses a tampered state, a replayed state and a state from another browser with SSO_FAILED, audited with the reason', async () => {
    op.signInAs('sub-ruby', { email: 'ruby.gillis@example.test', email_verified: true });
    const first = await startSignIn('ruby.gillis');
    const back = await op.authorize(first.authorizationUrl);
    const tampered = new URL(back);
    tampered.searchParams.set('state', `${back.searchParams.get('state') ?? ''}x`);
    const refusedTampered = await callback(tampered, first.flowCookie);
    expect(refusedTampered.statusCode).toBe(401);
    expect(await lastFailure()).toMatchObject({ reason: 'state-mismatch' });
    // The flow was used up by that attempt: the genuine callback now replays a used state.
    const replayed = await callback(back, first.flowCookie);
    expect(replayed.statusCode).toBe(401);
    expect(await lastFailure()).toMatchObject({ reason: 'flow-unknown-used-or-expired' });
    // Another browser: its own flow cookie, someone else's callback.
    const victim = await startSignIn('ruby.gillis');
    const attacker = await startSignIn('ruby.gillis');
    const victimBack = await op.authorize(victim.authorizationUrl);
    const crossed = await callback(victimBack, attacker.flowCookie);
    expect(crossed.statusCode).toBe(401);
    expect(await lastFailure()).toMatchObject({ reason: 'state-mismatch' });
    const noCookie = await callback(victimBack, undefined);
    expect(noCookie.statusCode).toBe(401);
    expect(await lastFailure()).toMatchObject({ reason: 'no-flow-cookie' });
    expect(noCookie.body).toContain('SSO_FAILED');
    expect(noCookie.body).not.toContain('no-flow-cookie');
    // An API client (no text/html) gets the catalogue's JSON error.
    const json = await t.app.inject({ method: 'GET', url: `${victimBack.pathname}${victimBack.search}` });
    expect(json.statusCode).toBe(401);
    expect(json.json().error.code).toBe('SSO_FAILED');
  });

  it('refuses a state from another provider', async () => {
    op.signInAs('sub-ruby', { email: 'ruby.gillis@example.test', email_verified: true });
    second.signInAs('sub-x', { email: 'tillie@second.test', email_verified: true });
    const ours = await startSignIn('ruby.gillis');
    const theirs = await startSignIn('tillie@second.test');
    const theirsBack = await second.authorize(theirs.authorizationUrl);
    const response = await callback(theirsBack, ours.flowCookie);
    expect(response.statusCode).toBe(401);
    expect(await lastFailure()).toMatchObject({ reason: 'state-mismatch' });
  });

  it('refuses a wrong nonce and an expired ID token', async () => {
    op.signInAs('sub-ruby', { email: 'ruby.gillis@example.test', email_verified: true });
    const started = await startSignIn('ruby.gillis');
    const altered = new URL(started.authorizationUrl);
    altered.searchParams.set('nonce', 'not-the-nonce-of-this-flow');
    const back = await op.authorize(altered.href);
    const wrongNonce = await callback(back, started.flowCookie);
    expect(wrongNonce.statusCode).toBe(401);
    expect(String((await lastFailure()).reason)).toMatch(/^id-token-claim:nonce$/);

    const late = await startSignIn('ruby.gillis');
    const lateBack = await op.authorize(late.authorizationUrl);
    t.clock.advance(5 * MINUTE); // the ID token lives 2 minutes at this provider; the flow 10
    const expired = await callback(lateBack, late.flowCookie);
    expect(expired.statusCode).toBe(401);
    expect(String((await lastFailure()).reason)).toMatch(/^id-token-claim:exp$/);
    t.clock.set(new Date());
  });

  it('refuses a wrong issuer (the provider answers as another issuer) with a coded reason', async () => {
    const wrong = await createProvider(admin, { name: 'Wrong issuer', issuer: op.issuer.replace('127.0.0.1', 'localhost'), clientId: op.clientId, clientSecret: op.clientSecret, emailDomains: ['wrong-issuer.test'] });
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sso/start', headers: { origin: t.config.publicUrl.origin }, payload: { username: 'someone@wrong-issuer.test' } });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('SSO_FAILED');
    expect(t.logLines().some((line) => line.includes('discovery:') && line.includes(wrong.id))).toBe(true);
  });

  it('refuses a code issued to another client (wrong audience)', async () => {
    const other = await startTestOidcProvider({ redirectUris: [callbackUri], clients: [{ clientId: 'someone-else', clientSecret: 'someone-else-secret-0123' }] });
    try {
      const p = await createProvider(admin, { name: 'Audience', issuer: other.issuer, clientId: other.clientId, clientSecret: other.clientSecret, emailDomains: ['audience.test'] });
      other.signInAs('sub-aud', { email: 'aud@audience.test', email_verified: true });
      const started = await startSignIn('aud@audience.test');
      const altered = new URL(started.authorizationUrl);
      altered.searchParams.set('client_id', 'someone-else');
      const back = await other.authorize(altered.href);
      const response = await callback(back, started.flowCookie);
      expect(response.statusCode).toBe(401);
      // A conformant provider will not put another audience in a token for this client: it refuses the code instead.
      expect(await lastFailure()).toMatchObject({ method: 'sso', providerId: p.id, reason: 'provider-error:invalid_grant' });
    } finally {
      await other.close();
    }
  });

  it('answers the same way whether or not the account exists', async () => {
    const known = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sso/start', headers: { origin: t.config.publicUrl.origin }, payload: { username: 'ruby.gillis@example.test' } });
    const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sso/start', headers: { origin: t.config.publicUrl.origin }, payload: { username: 'nobody@example.test' } });
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    expect(new URL(known.json().authorizationUrl).origin).toBe(new URL(unknown.json().authorizationUrl).origin);
  });

  it('limits the callback per client network: 429 RATE_LIMITED past the allowance, another network unaffected', async () => {
    // Its own app with a small allowance (the shared one allows 100,000 a minute, for the other tests).
    const limited = await createTestApp({ LANYARD_AUTH_RATE_LIMIT: '5' });
    try {
      const hit = (remoteAddress: string) => limited.app.inject({ method: 'GET', url: '/api/v1/auth/sso/callback?code=x&state=y', remoteAddress });
      for (let index = 0; index < 5; index += 1) expect((await hit('198.51.100.77')).statusCode).toBe(401);
      const refused = await hit('198.51.100.77');
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error.code).toBe('RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await hit('203.0.113.9')).statusCode).toBe(401);
    } finally {
      await limited.close();
    }
  });

  it('refuses a presence.use member without any presence reason list like a password sign-in: 403, no session, no link, audited', async () => {
    const user = await inviteSsoOnly('prissy.andrews');
    const lists = async () => (await t.app.inject({ method: 'GET', url: '/api/v1/admin/presence-reason-lists', headers: admin.headers })).json<{ items: { id: string; isDefault: boolean }[] }>().items;
    const defaultList = (await lists()).find((entry) => entry.isDefault);
    if (defaultList === undefined) throw new Error('no default list');
    const setDefault = async (listId: string | null) =>
      expect((await t.app.inject({ method: 'PUT', url: '/api/v1/admin/presence-reason-lists/default', headers: admin.headers, payload: { listId } })).statusCode).toBe(204);
    await setDefault(null);
    try {
      const claims = { email: 'prissy.andrews@example.test', email_verified: true };
      const refused = await ssoSignIn('prissy.andrews', 'sub-prissy', claims);
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['content-type']).toMatch(/text\/html/);
      expect(refused.body).toContain('"code":"PRESENCE_REASON_LIST_REQUIRED"');
      expect(refused.body).toContain('/login?error=PRESENCE_REASON_LIST_REQUIRED');
      expect(String(refused.headers['set-cookie'] ?? '')).not.toMatch(/lanyard_session=[^;]/);
      expect(await t.deps.db.selectFrom('identity_links').selectAll().where('user_id', '=', user.id).execute()).toEqual([]);
      expect(await t.deps.db.selectFrom('sessions').selectAll().where('user_id', '=', user.id).execute()).toEqual([]);
      expect(await lastFailure()).toMatchObject({ reason: 'no-presence-reason-list', method: 'sso' });
      // An API client gets the catalogue's JSON.
      op.signInAs('sub-prissy', claims);
      const { authorizationUrl, flowCookie } = await startSignIn('prissy.andrews');
      const back = await op.authorize(authorizationUrl);
      const json = await t.app.inject({ method: 'GET', url: `${back.pathname}${back.search}`, headers: { accept: 'application/json', cookie: flowCookie } });
      expect(json.statusCode).toBe(403);
      expect(json.json().error.code).toBe('PRESENCE_REASON_LIST_REQUIRED');
    } finally {
      await setDefault(defaultList.id);
    }
    // With the tenant default again, the same identity signs in (and is linked now).
    const allowed = await ssoSignIn('prissy.andrews', 'sub-prissy', { email: 'prissy.andrews@example.test', email_verified: true });
    expect(allowed.statusCode).toBe(200);
    expect(String(allowed.headers['set-cookie'])).toMatch(/lanyard_session=[^;]+/);
    expect(await t.deps.db.selectFrom('identity_links').select('subject').where('user_id', '=', user.id).execute()).toEqual([{ subject: 'sub-prissy' }]);
  });

  it('redirects to the provider for GET start (pop-up blocked), and refuses a returnTo that is not a console path', async () => {
    const redirect = await t.app.inject({ method: 'GET', url: '/api/v1/auth/sso/start?username=ruby.gillis' });
    expect(redirect.statusCode).toBe(303);
    expect(String(redirect.headers.location)).toMatch(new RegExp(`^${op.issuer}/`));
    for (const returnTo of ['//evil', '/\\evil', 'https://a@b@evil', 'http://localhost.evil.test', '..;/', '/..;/admin', '/%2e%2e/x', '/%2F%2Fevil']) {
      const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sso/start', headers: { origin: t.config.publicUrl.origin }, payload: { username: 'ruby.gillis', returnTo } });
      expect(response.statusCode, returnTo).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('password login methods', () => {
  it('turns password sign-in off for the tenant, with a per-user override, answering like a wrong password', async () => {
    const gilbert = await signedInUser(t, { tenant: admin.tenant, username: 'gilbert', role: 'Agent' });
    const put = await t.app.inject({ method: 'PUT', url: '/api/v1/admin/security/login-methods', headers: admin.headers, payload: { passwordLogin: 'disabled' } });
    expect(put.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/admin/security/login-methods', headers: admin.headers })).json()).toEqual({ passwordLogin: 'disabled' });
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: t.config.publicUrl.origin }, payload: { username: 'gilbert', password: strongPassword } });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await lastFailure()).toMatchObject({ reason: 'password-login-disabled' });
    await t.app.inject({ method: 'PATCH', url: `/api/v1/admin/users/${gilbert.userId}`, headers: admin.headers, payload: { passwordLogin: 'enabled' } });
    expect(await login(t, 'gilbert')).toContain('lanyard_session');
    await t.app.inject({ method: 'PUT', url: '/api/v1/admin/security/login-methods', headers: admin.headers, payload: { passwordLogin: 'enabled' } });
    await t.app.inject({ method: 'PATCH', url: `/api/v1/admin/users/${gilbert.userId}`, headers: admin.headers, payload: { passwordLogin: 'disabled' } });
    const perUser = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: t.config.publicUrl.origin }, payload: { username: 'gilbert', password: strongPassword } });
    expect(perUser.statusCode).toBe(401);
    expect(perUser.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
  });
});

describe('linking in My Account', () => {
  it('lists the providers a Users Edit holder may link to: names and labels only, this tenant’s only', async () => {
    const role = await t.app.inject({ method: 'POST', url: '/api/v1/admin/roles', headers: admin.headers, payload: { name: 'User Editors', permissions: ['users.view', 'users.edit'] } });
    expect(role.statusCode).toBe(201);
    const editor = await signedInUser(t, { tenant: admin.tenant, username: 'gilbert.blythe', role: 'User Editors' });
    const listed = await t.app.inject({ method: 'GET', url: '/api/v1/me/identity-providers', headers: editor.headers });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items).toEqual(
      expect.arrayContaining([
        { id: providerId, name: 'Avonlea IdP', buttonLabel: null },
        { id: secondProviderId, name: 'Second IdP', buttonLabel: null },
      ]),
    );
    for (const item of listed.json().items as object[]) expect(Object.keys(item).sort()).toEqual(['buttonLabel', 'id', 'name']);
    // Without Users Edit: refused; another tenant's member sees none of these.
    const agent = await signedInUser(t, { tenant: admin.tenant, username: 'diana.agent', role: 'Agent' });
    const refused = await t.app.inject({ method: 'GET', url: '/api/v1/me/identity-providers', headers: agent.headers });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('PERMISSION_DENIED');
    const other = await signedInUser(t, { tenantName: 'Carmody', username: 'priscilla.grant' });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me/identity-providers', headers: other.headers })).json().items).toEqual([]);
  });

  it('links and unlinks (with the current password), emails both, and refuses to unlink an SSO-only user’s last link', async () => {
    const anne = await signedInUser(t, { tenant: admin.tenant, username: 'anne', role: 'Administrator' });
    op.signInAs('sub-anne', { email: 'anne@elsewhere.test', email_verified: true });
    const start = await t.app.inject({ method: 'POST', url: '/api/v1/me/identity-links', headers: anne.headers, payload: { providerId } });
    expect(start.statusCode).toBe(200);
    const back = await op.authorize(start.json().authorizationUrl);
    const done = await callback(back, flowCookieOf(start.headers['set-cookie']));
    expect(done.statusCode).toBe(200);
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/me/identity-links', headers: anne.headers });
    expect(list.json().items).toMatchObject([{ providerId, providerName: 'Avonlea IdP', subject: 'sub-anne', email: 'anne@elsewhere.test' }]);
    // She has a password: unlinking asks it.
    expect(list.json().currentPasswordRequired).toBe(true);
    // Her page in Administration lists the link too.
    const detail = await t.app.inject({ method: 'GET', url: `/api/v1/admin/users/${anne.userId}`, headers: admin.headers });
    expect(detail.json().identityLinks).toEqual([{ id: list.json().items[0].id, providerName: 'Avonlea IdP', linkedAt: list.json().items[0].linkedAt }]);
    // The same upstream identity cannot be linked to a second account.
    const marillaStart = await t.app.inject({ method: 'POST', url: '/api/v1/me/identity-links', headers: admin.headers, payload: { providerId } });
    const marillaBack = await op.authorize(marillaStart.json().authorizationUrl);
    expect((await callback(marillaBack, flowCookieOf(marillaStart.headers['set-cookie']))).statusCode).toBe(401);
    expect(await lastFailure()).toMatchObject({ reason: 'identity-linked-to-another-user' });

    const linkId = list.json().items[0].id as string;
    const wrong = await t.app.inject({ method: 'DELETE', url: `/api/v1/me/identity-links/${linkId}`, headers: anne.headers, payload: { currentPassword: 'not-it' } });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('CURRENT_PASSWORD_INCORRECT');
    const unlinked = await t.app.inject({ method: 'DELETE', url: `/api/v1/me/identity-links/${linkId}`, headers: anne.headers, payload: { currentPassword: strongPassword } });
    expect(unlinked.statusCode).toBe(204);
    const subjects = (await t.mailbox()).filter((email) => email.to === 'anne@example.test').map((email) => email.subject);
    expect(subjects).toEqual(expect.arrayContaining(['An identity provider was linked to your Lanyard account', 'An identity provider was unlinked from your Lanyard account']));
    const actions = (await t.deps.db.selectFrom('audit_events').select('action').where('target_id', '=', anne.userId).execute()).map((row) => row.action);
    expect(actions).toEqual(expect.arrayContaining(['identityLink.created', 'identityLink.deleted']));

    // Ruby signs in through SSO only: her one link is her only way in.
    const ruby = await ssoSignIn('ruby.gillis', 'sub-ruby', { email: 'ruby.gillis@example.test', email_verified: true });
    const cookie = `lanyard_session=${String(ruby.headers['set-cookie']).match(/lanyard_session=([^;]+)/)?.[1] ?? ''}`;
    const rubyHeaders = { cookie, origin: t.config.publicUrl.origin };
    const rubyLinks = await t.app.inject({ method: 'GET', url: '/api/v1/me/identity-links', headers: rubyHeaders });
    expect(rubyLinks.json().currentPasswordRequired).toBe(false);
    const last = await t.app.inject({ method: 'DELETE', url: `/api/v1/me/identity-links/${rubyLinks.json().items[0].id as string}`, headers: rubyHeaders, payload: {} });
    expect(last.statusCode).toBe(409);
    expect(last.json().error.code).toBe('IDENTITY_LINK_LAST');
  });
});

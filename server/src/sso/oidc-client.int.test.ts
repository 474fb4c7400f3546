import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../testing/free-port.ts';
import { roleNamed, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { startTestOidcProvider, type TestOidcProvider } from '../testing/oidc-test-provider.ts';
import { watchOutboundConnections } from '../testing/outbound-connections.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

/**
 * The relying party's conversation with a provider (issue 21, items 3, 5 and 10): claims from userinfo when
 * the ID token lacks them, an ID token issued to another client (azp) refused, and no request to an address
 * the deployment does not allow — link-local and cloud metadata never, private and loopback only when
 * LANYARD_SSO_ALLOW_PRIVATE_NETWORKS is on.
 */
const callbackUri = 'http://lanyard.test/api/v1/auth/sso/callback';

let t: TestApp;
let admin: SignedInUser;
/** oidc-provider as it comes (conformIdTokenClaims: email and names in userinfo only). */
let standard: TestOidcProvider;
/** A provider that also serves another application, `wiki`, and puts the claims in the ID token. */
let shared: TestOidcProvider;
let standardProviderId: string;

beforeAll(async () => {
  // The local test providers are on 127.0.0.1: this deployment says it may reach them.
  t = await createTestApp({ LANYARD_SSO_ALLOW_PRIVATE_NETWORKS: 'true' });
  t.clock.set(new Date());
  standard = await startTestOidcProvider({ redirectUris: [callbackUri], conformIdTokenClaims: true, idTokenTtlSeconds: 120 });
  shared = await startTestOidcProvider({ redirectUris: [callbackUri], idTokenTtlSeconds: 120, clients: [{ clientId: 'wiki', clientSecret: 'wiki-client-secret-0123456789' }] });
  admin = await signedInUser(t, { tenantName: 'Green Gables', username: 'matthew' });
  standardProviderId = (await createProvider(t, admin, { name: 'Standard IdP', issuer: standard.issuer, clientId: standard.clientId, clientSecret: standard.clientSecret, emailDomains: ['example.test'], isDefault: true })).id;
  await createProvider(t, admin, { name: 'Shared IdP', issuer: shared.issuer, clientId: shared.clientId, clientSecret: shared.clientSecret, emailDomains: ['shared.test'] });
});

afterAll(async () => {
  await standard.close();
  await shared.close();
  await t.close();
});

async function createProvider(app: TestApp, user: SignedInUser, body: Record<string, unknown>): Promise<{ id: string }> {
  const response = await app.app.inject({ method: 'POST', url: '/api/v1/admin/identity-providers', headers: user.headers, payload: body });
  if (response.statusCode !== 201) throw new Error(`create provider: ${response.statusCode} ${response.body}`);
  return response.json();
}

async function inviteSsoOnly(username: string, email: string): Promise<{ id: string }> {
  const agent = await roleNamed(t, admin.tenant.id, 'Agent');
  const response = await t.app.inject({ method: 'POST', url: '/api/v1/admin/users', headers: admin.headers, payload: { username, email, firstName: 'Anne', lastName: 'Shirley', roleId: agent.id, ssoOnly: true } });
  expect(response.statusCode).toBe(201);
  return response.json<{ user: { id: string } }>().user;
}

/** Start, the provider's interaction, the callback: the whole sign-in as the browser makes it. */
async function ssoSignIn(provider: TestOidcProvider, username: string) {
  const start = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sso/start', headers: { origin: t.config.publicUrl.origin }, payload: { username } });
  expect(start.statusCode).toBe(200);
  const flowCookie = String(start.headers['set-cookie']).match(/lanyard_sso=[^;]+/)?.[0] ?? '';
  const back = await provider.authorize(start.json<{ authorizationUrl: string }>().authorizationUrl);
  return t.app.inject({ method: 'GET', url: `${back.pathname}${back.search}`, headers: { accept: 'text/html', cookie: flowCookie } });
}

const sessionsOf = (userId: string) => t.deps.db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute();
const linksOf = (userId: string) => t.deps.db.selectFrom('identity_links').select(['subject', 'provider_id']).where('user_id', '=', userId).execute();
const lastFailure = async () => (await t.deps.db.selectFrom('audit_events').select('details').where('action', '=', 'auth.login.failed').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()).details;

async function testConnection(app: TestApp, user: SignedInUser, providerId: string) {
  const response = await app.app.inject({ method: 'POST', url: `/api/v1/admin/identity-providers/${providerId}/test`, headers: user.headers });
  expect(response.statusCode).toBe(200);
  return response.json<{ ok: boolean; checks: { check: string; ok: boolean; reason?: string }[] }>();
}

describe('claims from userinfo', () => {
  it('signs in an SSO-only person whose email only userinfo carries (oidc-provider in its default configuration)', async () => {
    const anne = await inviteSsoOnly('anne', 'anne@example.test');
    standard.signInAs('sub-anne', { email: 'anne@example.test', email_verified: true, given_name: 'Anne', family_name: 'Shirley' });
    const response = await ssoSignIn(standard, 'anne');
    expect(response.statusCode).toBe(200);
    expect(String(response.headers['set-cookie'])).toMatch(/lanyard_session=/);
    expect(await sessionsOf(anne.id)).toHaveLength(1);
    expect(await linksOf(anne.id)).toEqual([{ subject: 'sub-anne', provider_id: standardProviderId }]);
  });

  it('refuses a userinfo answer about another subject than the ID token (no session, no link, audited reason)', async () => {
    const gilbert = await inviteSsoOnly('gilbert', 'gilbert@example.test');
    standard.signInAs('sub-gilbert', { email: 'gilbert@example.test', email_verified: true }, { userinfoSubject: 'sub-someone-else' });
    const response = await ssoSignIn(standard, 'gilbert');
    expect(response.statusCode).toBe(401);
    expect(response.body).toContain('SSO_FAILED');
    expect(await sessionsOf(gilbert.id)).toEqual([]);
    expect(await linksOf(gilbert.id)).toEqual([]);
    expect(await lastFailure()).toMatchObject({ method: 'sso', reason: 'userinfo-subject-mismatch' });
  });
});

describe('the authorized party', () => {
  it('refuses a signed ID token whose azp names another client of the provider (no session, no link, audited reason)', async () => {
    const diana = await inviteSsoOnly('diana', 'diana@shared.test');
    // Everything else would let Diana in: an SSO-only person, the invited email, verified, in the ID token.
    shared.signInAs('sub-diana', { email: 'diana@shared.test', email_verified: true, azp: 'wiki' });
    const response = await ssoSignIn(shared, 'diana');
    expect(response.statusCode).toBe(401);
    expect(response.body).toContain('SSO_FAILED');
    expect(await sessionsOf(diana.id)).toEqual([]);
    expect(await linksOf(diana.id)).toEqual([]);
    expect(await lastFailure()).toMatchObject({ method: 'sso', reason: 'id-token-claim:azp' });
  });

  it('accepts an ID token whose azp is Lanyard itself', async () => {
    const ruby = await inviteSsoOnly('ruby', 'ruby@shared.test');
    shared.signInAs('sub-ruby', { email: 'ruby@shared.test', email_verified: true, azp: shared.clientId });
    const response = await ssoSignIn(shared, 'ruby');
    expect(response.statusCode).toBe(200);
    expect(await sessionsOf(ruby.id)).toHaveLength(1);
  });
});

describe('addresses a provider may have', () => {
  it('never contacts link-local or cloud-metadata addresses, even with private networks allowed: a coded check, no connection attempted', async () => {
    const issuers = ['https://169.254.169.254', 'https://[::ffff:169.254.169.254]', 'https://[fd00:ec2::254]', 'https://[fe80::1]'];
    const providers = [];
    for (const [index, issuer] of issuers.entries()) providers.push(await createProvider(t, admin, { name: `Metadata ${index}`, issuer, clientId: 'x', clientSecret: 'y' }));
    const outbound = watchOutboundConnections();
    try {
      for (const [index, provider] of providers.entries()) {
        const result = await testConnection(t, admin, provider.id);
        expect(result, issuers[index]).toEqual({ ok: false, checks: [{ check: 'discovery', ok: false, reason: 'address-not-allowed' }] });
      }
    } finally {
      outbound.stop();
    }
    expect(outbound.attempts).toEqual([]);
    const audited = await t.deps.db.selectFrom('audit_events').select('details').where('action', '=', 'identityProvider.tested').where('target_id', '=', providers[0]?.id ?? '').executeTakeFirstOrThrow();
    expect(audited.details).toMatchObject({ failed: ['discovery:address-not-allowed'] });
  });

  it('passes the loopback provider where the deployment allows private networks', async () => {
    const result = await testConnection(t, admin, standardProviderId);
    expect(result.ok).toBe(true);
  });

  describe('where private networks are not allowed', () => {
    let off: TestApp;
    let offAdmin: SignedInUser;
    let listener: Server;
    let listenerPort: number;
    let accepted = 0;

    beforeAll(async () => {
      off = await createTestApp({ LANYARD_SSO_ALLOW_PRIVATE_NETWORKS: 'false' });
      off.clock.set(new Date());
      offAdmin = await signedInUser(off, { tenantName: 'Carmody', username: 'prissy' });
      listenerPort = await freePort();
      listener = createServer((socket) => {
        accepted += 1;
        socket.destroy();
      });
      await new Promise<void>((resolve) => listener.listen(listenerPort, '127.0.0.1', resolve));
    });

    afterAll(async () => {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
      await off.close();
    });

    it('refuses a loopback provider, by address or by a name that resolves to loopback, before connecting', async () => {
      const byAddress = await createProvider(off, offAdmin, { name: 'Loopback', issuer: `http://127.0.0.1:${listenerPort}`, clientId: 'x', clientSecret: 'y' });
      const byName = await createProvider(off, offAdmin, { name: 'Localhost', issuer: `http://localhost:${listenerPort}`, clientId: 'x', clientSecret: 'y' });
      const outbound = watchOutboundConnections();
      try {
        for (const provider of [byAddress, byName]) {
          expect(await testConnection(off, offAdmin, provider.id)).toEqual({ ok: false, checks: [{ check: 'discovery', ok: false, reason: 'address-not-allowed' }] });
        }
      } finally {
        outbound.stop();
      }
      expect(outbound.attempts.filter((attempt) => attempt.port === listenerPort)).toEqual([]);
      expect(accepted).toBe(0);
    });

    it('refuses single sign-on through a loopback provider: SSO_FAILED at the start, the reason logged, nothing sent to the provider', async () => {
      await createProvider(off, offAdmin, { name: 'Standard IdP', issuer: standard.issuer, clientId: standard.clientId, clientSecret: standard.clientSecret, emailDomains: ['carmody.test'], isDefault: true });
      const before = standard.connectionCount();
      const start = await off.app.inject({ method: 'POST', url: '/api/v1/auth/sso/start', headers: { origin: off.config.publicUrl.origin }, payload: { username: 'someone@carmody.test' } });
      expect(start.statusCode).toBe(401);
      expect(start.json().error.code).toBe('SSO_FAILED');
      expect(standard.connectionCount()).toBe(before);
      const logged = off.logLines().map((line) => JSON.parse(line) as { msg?: string; reason?: string }).filter((line) => line.msg === 'single sign-on could not start');
      expect(logged.map((line) => line.reason)).toEqual(['discovery:address-not-allowed']);
    });
  });
});

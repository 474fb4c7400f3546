import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptInvitation, roleNamed, signedInUser, tokenFromLink, type SignedInUser } from '../testing/journeys.ts';
import { codeFor, enrolTotp, secondStep } from '../testing/mfa-journeys.ts';
import { startTestOidcProvider, type TestOidcProvider } from '../testing/oidc-test-provider.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

/**
 * @see issue 20 items 4 and 5, issue 21 items 2 and 4 (SPEC §3.12 "Identity providers belong to their tenant", "SSO keeps the
 * tenant's second-factor rules"; §4b: the start never reveals whether the account exists).
 * Single sign-on across tenant boundaries, with a real OpenID provider per tenant. Effects are read from the tables: sessions,
 * identity_links, audit_events, identity_provider_domains.
 */

let t: TestApp;
/** The provider an attacking tenant's administrator controls, and one of a tenant that requires MFA. */
let rogue: TestOidcProvider;
let strict: TestOidcProvider;
const callbackUri = 'http://lanyard.test/api/v1/auth/sso/callback';

beforeAll(async () => {
  t = await createTestApp();
  // The provider stamps its ID tokens with the real time; Lanyard judges them by its own clock, so the two start together.
  t.clock.set(new Date());
  rogue = await startTestOidcProvider({ redirectUris: [callbackUri] });
  strict = await startTestOidcProvider({ redirectUris: [callbackUri] });
});

afterAll(async () => {
  await rogue.close();
  await strict.close();
  await t.close();
});

const origin = () => ({ origin: t.config.publicUrl.origin });

async function createProvider(admin: SignedInUser, op: TestOidcProvider, body: Record<string, unknown>) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/admin/identity-providers',
    headers: admin.headers,
    payload: { name: 'IdP', issuer: op.issuer, clientId: op.clientId, clientSecret: op.clientSecret, ...body },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string; mfaAssurance: Record<string, unknown> }>();
}

const flowCookieOf = (setCookie: string | string[] | undefined): string => {
  const cookies = Array.isArray(setCookie) ? setCookie : setCookie === undefined ? [] : [setCookie];
  const found = cookies.find((cookie) => cookie.startsWith('lanyard_sso='));
  if (found === undefined) throw new Error('no flow cookie');
  return found.split(';')[0] ?? '';
};

const start = (username: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/sso/start', headers: origin(), payload: { username } });

/** Start, the provider (signing in `subject` with `claims`), the callback; `accept` picks the browser's page or an API client's JSON. */
async function ssoSignIn(op: TestOidcProvider, username: string, subject: string, claims: Record<string, unknown>, options: { amr?: string[]; acr?: string; accept?: string } = {}) {
  op.signInAs(subject, claims, { ...(options.amr === undefined ? {} : { amr: options.amr }), ...(options.acr === undefined ? {} : { acr: options.acr }) });
  const started = await start(username);
  expect(started.statusCode, started.body).toBe(200);
  const url = new URL(started.json<{ authorizationUrl: string }>().authorizationUrl);
  const back = url.origin === op.issuer ? await op.authorize(url.href) : url;
  return t.app.inject({ method: 'GET', url: `${back.pathname}${back.search}`, headers: { accept: options.accept ?? 'text/html', cookie: flowCookieOf(started.headers['set-cookie']) } });
}

const sessionsOf = (userId: string) => t.deps.db.selectFrom('sessions').select(['id', 'tenant_id', 'second_factor']).where('user_id', '=', userId).orderBy('created_at').execute();
const linksOf = (userId: string) => t.deps.db.selectFrom('identity_links').select(['provider_id', 'tenant_id', 'subject']).where('user_id', '=', userId).execute();
const lastEvent = async (action: string, filter: { tenantId?: string; userId?: string } = {}) => {
  let query = t.deps.db.selectFrom('audit_events').selectAll().where('action', '=', action);
  if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
  if (filter.userId !== undefined) query = query.where('target_id', '=', filter.userId);
  return query.orderBy('id', 'desc').limit(1).executeTakeFirst();
};

/** An existing account joins another tenant directly through the users service (the route will ask the person's consent). */
async function addMembership(tenantId: string, userId: string, role: string) {
  const [user, roleRow] = await Promise.all([t.deps.users.getUser(userId), roleNamed(t, tenantId, role)]);
  await t.deps.db.transaction().execute((trx) => t.deps.users.addMembership(tenantId, user, { roleId: roleRow.id, teamId: null }, trx));
}

/** A person with a password and a chosen email, invited into `tenant` (their home tenant) and through first access. */
async function personWithEmail(tenantId: string, username: string, email: string, role = 'Agent') {
  const roleRow = await roleNamed(t, tenantId, role);
  const issued = await t.deps.invitations.inviteUser(tenantId, { username, email, firstName: 'Diana', lastName: 'Barry', roleId: roleRow.id, teamId: null });
  await acceptInvitation(t, tokenFromLink(issued.url));
  return issued.user.id;
}

async function inviteSsoOnly(admin: SignedInUser, username: string, email: string, role = 'Agent') {
  const roleRow = await roleNamed(t, admin.tenant.id, role);
  const response = await t.app.inject({ method: 'POST', url: '/api/v1/admin/users', headers: admin.headers, payload: { username, email, firstName: 'Ruby', lastName: 'Gillis', roleId: roleRow.id, ssoOnly: true } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ user: { id: string } }>().user.id;
}

describe('identity providers belong to their tenant', () => {
  it('refuses the takeover: another tenant’s administrator, their provider at the victim’s domain with auto-link, the victim’s email asserted verified', async () => {
    // The victim: Administrator of Green Gables, with TOTP, in a tenant that requires MFA of Administrators.
    const victim = await signedInUser(t, { tenantName: 'Green Gables', username: 'victim' });
    await enrolTotp(t, victim);
    const administrators = await roleNamed(t, victim.tenant.id, 'Administrator');
    const policy = await t.app.inject({ method: 'PUT', url: '/api/v1/admin/security/mfa-policy', headers: victim.headers, payload: { mode: 'required', requiredRoleIds: [administrators.id], allowedPeriods: [30] } });
    expect(policy.statusCode, policy.body).toBe(200);
    // The attacker: Administrator of Rogue; adds the victim to Rogue, points their provider at the victim's domain, auto-link on.
    const attacker = await signedInUser(t, { tenantName: 'Rogue', username: 'mallory' });
    await addMembership(attacker.tenant.id, victim.userId, 'Administrator');
    const provider = await createProvider(attacker, rogue, { emailDomains: ['example.test'], autoLinkVerifiedEmail: true });
    const before = await sessionsOf(victim.userId);

    const response = await ssoSignIn(rogue, 'victim', 'attacker-controlled', { email: 'victim@example.test', email_verified: true });

    expect(response.statusCode).toBe(401);
    expect(response.body).toContain('SSO_FAILED');
    expect(String(response.headers['set-cookie'] ?? '')).not.toMatch(/lanyard_session=[^;]/);
    // No session in Green Gables nor in Rogue, no link; the refusal is audited in the provider's tenant with its reason.
    expect(await sessionsOf(victim.userId)).toEqual(before);
    expect(await linksOf(victim.userId)).toEqual([]);
    const refused = await lastEvent('auth.login.failed', { tenantId: attacker.tenant.id });
    expect(refused).toMatchObject({ result: 'failure', target_id: victim.userId, details: { method: 'sso', reason: 'account-homed-elsewhere', providerId: provider.id } });
  });

  it('opens sessions in the provider’s tenant only, never in the default tenant; a disabled membership there is refused', async () => {
    const home = await signedInUser(t, { tenantName: 'Avonlea School', username: 'avonlea.admin' });
    const other = await signedInUser(t, { tenantName: 'Carmody', username: 'carmody.admin' });
    const provider = await createProvider(home, strict, { emailDomains: ['avonlea-school.test'] });
    const userId = await inviteSsoOnly(home, 'josie.pye', 'josie@avonlea-school.test');
    // Josie also belongs to Carmody, and Carmody is where her sign-ins land by default.
    await addMembership(other.tenant.id, userId, 'Agent');
    await t.deps.users.setDefaultTenant(userId, other.tenant.id);

    const first = await ssoSignIn(strict, 'josie.pye', 'sub-josie', { email: 'josie@avonlea-school.test', email_verified: true });
    expect(first.statusCode, first.body).toBe(200);
    expect(await linksOf(userId)).toEqual([{ provider_id: provider.id, tenant_id: home.tenant.id, subject: 'sub-josie' }]);
    // Linked now: the identity signs in again, still into Avonlea School only.
    const again = await ssoSignIn(strict, 'josie.pye', 'sub-josie', { email: 'josie@avonlea-school.test', email_verified: true });
    expect(again.statusCode).toBe(200);
    expect((await sessionsOf(userId)).map((session) => session.tenant_id)).toEqual([home.tenant.id, home.tenant.id]);

    // Her Avonlea School membership disabled on its own: discovery no longer offers its provider, and the linked identity, reached
    // through the domain's provider, is refused at the callback.
    await t.deps.db.updateTable('memberships').set({ disabled: true }).where('tenant_id', '=', home.tenant.id).where('user_id', '=', userId).execute();
    const byName = await ssoSignIn(strict, 'josie.pye', 'sub-josie', { email: 'josie@avonlea-school.test', email_verified: true });
    expect(byName.statusCode).toBe(401);
    expect((await lastEvent('auth.login.failed', { userId }))?.details).toMatchObject({ method: 'sso', reason: 'no-provider' });
    const byDomain = await ssoSignIn(strict, 'someone@avonlea-school.test', 'sub-josie', { email: 'josie@avonlea-school.test', email_verified: true });
    expect(byDomain.statusCode).toBe(401);
    expect((await lastEvent('auth.login.failed', { userId }))?.details).toMatchObject({ method: 'sso', reason: 'membership-disabled' });
    expect(await sessionsOf(userId)).toHaveLength(2);
  });

  it('discovers only providers of tenants the account is an enabled member of: another tenant’s claim on its domain is not used', async () => {
    const claimant = await signedInUser(t, { tenantName: 'Claimant', username: 'claimant.admin' });
    await createProvider(claimant, rogue, { emailDomains: ['white-sands.test'] });
    const outsider = await signedInUser(t, { tenantName: 'White Sands', username: 'white.sands.admin' });
    await personWithEmail(outsider.tenant.id, 'priscilla', 'priscilla@white-sands.test');
    const started = await start('priscilla');
    expect(started.statusCode).toBe(200);
    // Not the claimant's provider: Lanyard's own callback, where the flow fails.
    expect(new URL(started.json<{ authorizationUrl: string }>().authorizationUrl).origin).toBe(t.config.publicUrl.origin);
  });

  it('refuses an email domain another tenant claims with 409 EMAIL_DOMAIN_CLAIMED, on create and on change; the same tenant’s with 422', async () => {
    const first = await signedInUser(t, { tenantName: 'Domain Holder', username: 'holder.admin' });
    const second = await signedInUser(t, { tenantName: 'Domain Taker', username: 'taker.admin' });
    await createProvider(first, strict, { emailDomains: ['held.test'] });
    const create = await t.app.inject({ method: 'POST', url: '/api/v1/admin/identity-providers', headers: second.headers, payload: { name: 'X', issuer: strict.issuer, clientId: 'x', clientSecret: 'y', emailDomains: ['other.test', 'HELD.test'] } });
    expect(create.statusCode).toBe(409);
    expect(create.json().error).toMatchObject({ code: 'EMAIL_DOMAIN_CLAIMED', details: { domains: ['held.test'] } });
    const own = await createProvider(second, strict, { emailDomains: ['taker.test'] });
    const change = await t.app.inject({ method: 'PATCH', url: `/api/v1/admin/identity-providers/${own.id}`, headers: second.headers, payload: { emailDomains: ['taker.test', 'held.test'] } });
    expect(change.statusCode).toBe(409);
    expect(change.json().error.code).toBe('EMAIL_DOMAIN_CLAIMED');
    const sameTenant = await t.app.inject({ method: 'POST', url: '/api/v1/admin/identity-providers', headers: second.headers, payload: { name: 'Y', issuer: strict.issuer, clientId: 'y', clientSecret: 'y', emailDomains: ['taker.test'] } });
    expect(sameTenant.statusCode).toBe(422);
    expect(sameTenant.json().error.code).toBe('IDENTITY_PROVIDER_INVALID');
    const claims = await t.deps.db.selectFrom('identity_provider_domains').select(['domain', 'tenant_id']).where('domain', 'in', ['held.test', 'taker.test', 'other.test']).orderBy('domain').execute();
    expect(claims).toEqual([
      { domain: 'held.test', tenant_id: first.tenant.id },
      { domain: 'taker.test', tenant_id: second.tenant.id },
    ]);
    // A domain let go is free for another tenant.
    const released = await t.app.inject({ method: 'PATCH', url: `/api/v1/admin/identity-providers/${own.id}`, headers: second.headers, payload: { emailDomains: [] } });
    expect(released.statusCode).toBe(200);
    await createProvider(first, strict, { emailDomains: ['taker.test'] });
  });

  it('lets one of two tenants creating providers for the same domain at once win', async () => {
    const admins = await Promise.all([signedInUser(t, { tenantName: 'Racer One', username: 'racer.one' }), signedInUser(t, { tenantName: 'Racer Two', username: 'racer.two' })]);
    const answers = await Promise.all(
      admins.map((admin) =>
        t.app.inject({ method: 'POST', url: '/api/v1/admin/identity-providers', headers: admin.headers, payload: { name: 'Race', issuer: strict.issuer, clientId: 'x', clientSecret: 'y', emailDomains: ['race.test'] } }),
      ),
    );
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 409]);
    expect(answers.find((answer) => answer.statusCode === 409)?.json().error.code).toBe('EMAIL_DOMAIN_CLAIMED');
    const holders = await t.deps.db.selectFrom('identity_providers').select('tenant_id').where('tenant_id', 'in', admins.map((admin) => admin.tenant.id)).execute();
    expect(holders).toHaveLength(1);
    expect(await t.deps.db.selectFrom('identity_provider_domains').select('tenant_id').where('domain', '=', 'race.test').execute()).toEqual(holders);
  });
});

describe('single sign-on keeps the tenant’s second-factor rules', () => {
  let admin: SignedInUser;
  let providerId: string;

  beforeAll(async () => {
    admin = await signedInUser(t, { tenantName: 'Queens Academy', username: 'queens.admin' });
    providerId = (await createProvider(admin, rogue, { emailDomains: ['queens.test'] })).id;
    const agents = await roleNamed(t, admin.tenant.id, 'Agent');
    const policy = await t.app.inject({ method: 'PUT', url: '/api/v1/admin/security/mfa-policy', headers: admin.headers, payload: { mode: 'required', requiredRoleIds: [agents.id], allowedPeriods: [30] } });
    expect(policy.statusCode, policy.body).toBe(200);
  });

  it('asks Lanyard’s own second step when the provider asserted none: enrolment, then the code; no session before', async () => {
    const userId = await inviteSsoOnly(admin, 'stella', 'stella@queens.test');
    const page = await ssoSignIn(rogue, 'stella@queens.test', 'sub-stella', { email: 'stella@queens.test', email_verified: true }, { amr: ['pwd'] });
    expect(page.statusCode).toBe(200);
    expect(String(page.headers['set-cookie'] ?? '')).not.toMatch(/lanyard_session=[^;]/);
    // The browser's page tells the opener, or goes to the login page with the challenge in the fragment (never sent to a server).
    expect(page.body).toContain('"secondStep":{"kind":"enrol"');
    expect(page.body).toContain('"fallback":"/login#sso-second-step=enrol&challenge=');
    expect(await sessionsOf(userId)).toEqual([]);
    expect((await lastEvent('auth.login.secondStep', { userId }))?.details).toMatchObject({ method: 'sso', providerId, next: 'enrolment' });

    // An API client gets the same step as JSON; this challenge is the one completed.
    const json = await ssoSignIn(rogue, 'stella@queens.test', 'sub-stella', { email: 'stella@queens.test', email_verified: true }, { accept: 'application/json' });
    expect(json.statusCode).toBe(200);
    const { secondStep: step } = json.json<{ secondStep: { kind: string; challenge: string; allowedPeriods: number[] } }>();
    expect(step).toMatchObject({ kind: 'enrol', allowedPeriods: [30] });
    expect(await sessionsOf(userId)).toEqual([]);
    const secret = 'JBSWY3DPEHPK3PXP';
    const enrolment = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login/mfa/enrolment', headers: origin(), payload: { challenge: step.challenge, secret } });
    expect(enrolment.statusCode, enrolment.body).toBe(200);
    // A wrong code is refused and counted (an SSO-only account has no password, and still a lockout count).
    const wrong = await secondStep(t, step.challenge, '000000');
    expect(wrong.json().error.code).toBe('MFA_CODE_INVALID');
    expect(await sessionsOf(userId)).toEqual([]);
    const done = await secondStep(t, step.challenge, codeFor(secret, t.clock.now()));
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json<{ recoveryCodes: string[] }>().recoveryCodes).toHaveLength(10);
    t.clock.advance(30_000);
    expect(await sessionsOf(userId)).toMatchObject([{ tenant_id: admin.tenant.id, second_factor: true }]);
    expect((await lastEvent('auth.login.succeeded', { userId }))?.details).toMatchObject({ method: 'sso+totp', enrolled: true });

    // Enrolled now: the next SSO sign-in asks the code. A membership disabled while the challenge waits stops it.
    const next = await ssoSignIn(rogue, 'stella', 'sub-stella', { email: 'stella@queens.test', email_verified: true }, { accept: 'application/json' });
    const codeStep = next.json<{ secondStep: { kind: string; challenge: string } }>().secondStep;
    expect(codeStep.kind).toBe('code');
    expect(await sessionsOf(userId)).toHaveLength(1);
    const membership = t.deps.db.updateTable('memberships').where('tenant_id', '=', admin.tenant.id).where('user_id', '=', userId);
    await membership.set({ disabled: true }).execute();
    const whileDisabled = await secondStep(t, codeStep.challenge, codeFor(secret, t.clock.now()));
    expect(whileDisabled.json().error.code).toBe('MFA_CHALLENGE_INVALID');
    expect((await lastEvent('auth.login.failed', { userId }))?.details).toMatchObject({ reason: 'membership-disabled' });
    expect(await sessionsOf(userId)).toHaveLength(1);
    await membership.set({ disabled: false }).execute();
    const signedIn = await secondStep(t, codeStep.challenge, codeFor(secret, t.clock.now()));
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    t.clock.advance(30_000);
    expect(await sessionsOf(userId)).toHaveLength(2);
  });

  it('opens a session with the second factor recorded when the provider asserted one (amr mfa), or an acr its settings list', async () => {
    const userId = await inviteSsoOnly(admin, 'tillie', 'tillie@queens.test');
    const withAmr = await ssoSignIn(rogue, 'tillie', 'sub-tillie', { email: 'tillie@queens.test', email_verified: true }, { amr: ['pwd', 'mfa'] });
    expect(withAmr.statusCode, withAmr.body).toBe(200);
    expect(String(withAmr.headers['set-cookie'])).toMatch(/lanyard_session=[^;]+/);
    expect(await sessionsOf(userId)).toMatchObject([{ tenant_id: admin.tenant.id, second_factor: true }]);
    expect((await lastEvent('auth.login.succeeded', { userId }))?.details).toMatchObject({ method: 'sso', secondFactor: true });

    // An acr counts only once the provider's settings list it.
    const acr = 'urn:lanyard:test:loa:mfa';
    const unlisted = await ssoSignIn(rogue, 'tillie', 'sub-tillie', { email: 'tillie@queens.test', email_verified: true }, { acr, accept: 'application/json' });
    expect(unlisted.json<{ secondStep: { kind: string } }>().secondStep.kind).toBe('enrol');
    expect(await sessionsOf(userId)).toHaveLength(1);
    const patched = await t.app.inject({ method: 'PATCH', url: `/api/v1/admin/identity-providers/${providerId}`, headers: admin.headers, payload: { mfaAssurance: { acr: [acr] } } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().mfaAssurance).toEqual({ acr: [acr] });
    const listed = await ssoSignIn(rogue, 'tillie', 'sub-tillie', { email: 'tillie@queens.test', email_verified: true }, { acr });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(await sessionsOf(userId)).toMatchObject([{ second_factor: true }, { second_factor: true }]);
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/admin/identity-providers', headers: admin.headers });
    expect(list.json().items[0].mfaAssurance).toEqual({ acr: [acr] });
  });
});

describe('finding the account at the start', () => {
  it('signs in an SSO-only person who types their email instead of their username; an email two accounts share finds none', async () => {
    const admin = await signedInUser(t, { tenantName: 'Spencervale', username: 'spencervale.admin' });
    await createProvider(admin, strict, { emailDomains: ['spencervale.test'] });
    const userId = await inviteSsoOnly(admin, 'ruby.g', 'ruby.gillis@spencervale.test');
    const response = await ssoSignIn(strict, 'Ruby.Gillis@spencervale.test', 'sub-ruby-g', { email: 'ruby.gillis@spencervale.test', email_verified: true });
    expect(response.statusCode, response.body).toBe(200);
    expect(await sessionsOf(userId)).toMatchObject([{ tenant_id: admin.tenant.id }]);
    expect(await linksOf(userId)).toMatchObject([{ subject: 'sub-ruby-g' }]);

    const twinId = await inviteSsoOnly(admin, 'twin.one', 'twins@spencervale.test');
    await inviteSsoOnly(admin, 'twin.two', 'twins@spencervale.test');
    const shared = await ssoSignIn(strict, 'twins@spencervale.test', 'sub-twin', { email: 'twins@spencervale.test', email_verified: true });
    expect(shared.statusCode).toBe(401);
    expect(await linksOf(twinId)).toEqual([]);
  });

  it('answers the start alike for an unknown name and a known one (status, body, cookie), and fails the unknown after the redirect, audited', async () => {
    const admin = await signedInUser(t, { tenantName: 'Lowbridge', username: 'lowbridge.admin' });
    await createProvider(admin, strict, { isDefault: true });
    const known = await start('lowbridge.admin');
    const unknown = await start('nobody.at.all');
    for (const answer of [known, unknown]) {
      expect(answer.statusCode).toBe(200);
      expect(Object.keys(answer.json())).toEqual(['authorizationUrl']);
      expect(flowCookieOf(answer.headers['set-cookie'])).toMatch(/^lanyard_sso=.+/);
      expect(answer.headers['cache-control']).toBe('no-store');
    }
    const redirect = await t.app.inject({ method: 'GET', url: '/api/v1/auth/sso/start?username=nobody.at.all' });
    expect(redirect.statusCode).toBe(303);

    const url = new URL(unknown.json<{ authorizationUrl: string }>().authorizationUrl);
    const failed = await t.app.inject({ method: 'GET', url: `${url.pathname}${url.search}`, headers: { accept: 'application/json', cookie: flowCookieOf(unknown.headers['set-cookie']) } });
    expect(failed.statusCode).toBe(401);
    expect(failed.json().error.code).toBe('SSO_FAILED');
    expect((await lastEvent('auth.login.failed'))?.details).toMatchObject({ method: 'sso', reason: 'no-provider' });
  });
});

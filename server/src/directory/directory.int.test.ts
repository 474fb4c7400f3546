import type { AdminUserSummary } from '@lanyard/contracts/admin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR } from '../kernel/clock.ts';
import { acceptInvitation, addAccessKey, accessTokenFor, login, roleNamed, signedInUser, tokenFromLink, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, strongPassword, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let admin: SignedInUser;
let other: SignedInUser;
let agentRoleId: string;
let supervisorRoleId: string;
let salesTeamId: string;
let nightTeamId: string;

const get = (who: SignedInUser, url: string) => t.app.inject({ method: 'GET', url, headers: who.headers });
const post = (who: SignedInUser, url: string, payload?: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url, headers: who.headers, ...(payload === undefined ? {} : { payload }) });
const patch = (who: SignedInUser, userId: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'PATCH', url: `/api/v1/admin/users/${userId}`, headers: who.headers, payload });

/** Invites a user of the admin's tenant through the API; answers the user id. */
async function invite(
  who: SignedInUser,
  body: { username: string; firstName?: string; lastName?: string; email?: string; roleId?: string; teamId?: string | null; ssoOnly?: boolean },
): Promise<string> {
  const response = await post(who, '/api/v1/admin/users', {
    firstName: 'Test',
    lastName: 'Person',
    email: `${body.username}@example.test`,
    roleId: agentRoleId,
    ...body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().user.id as string;
}

async function list(who: SignedInUser, query: Record<string, string | number> = {}): Promise<{ items: AdminUserSummary[]; nextCursor: string | null }> {
  const params = new URLSearchParams(Object.entries(query).map(([key, value]): [string, string] => [key, String(value)]));
  const response = await get(who, `/api/v1/admin/users?${params.toString()}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

async function usernames(query: Record<string, string | number> = {}): Promise<string[]> {
  return (await list(admin, { limit: 200, ...query })).items.map((item) => item.username);
}

async function allPages(who: SignedInUser, query: Record<string, string | number>, between?: () => Promise<void>): Promise<AdminUserSummary[]> {
  const seen: AdminUserSummary[] = [];
  let cursor: string | null = null;
  do {
    const page = await list(who, { ...query, ...(cursor === null ? {} : { cursor }) });
    seen.push(...page.items);
    cursor = page.nextCursor;
    if (between !== undefined) await between();
  } while (cursor !== null);
  return seen;
}

/** Accepts the newest invitation emailed to an address. */
async function acceptFor(email: string): Promise<void> {
  const message = (await t.mailbox()).filter((candidate) => candidate.to.includes(email)).at(-1);
  const link = message?.links.find((candidate) => candidate.includes('/first-access/')) ?? '';
  await acceptInvitation(t, tokenFromLink(link));
}

async function auditOf(userId: string) {
  return t.deps.db.selectFrom('audit_events').selectAll().where('target_id', '=', userId).orderBy('id').execute();
}

async function membershipRow(userId: string) {
  return t.deps.db.selectFrom('memberships').selectAll().where('user_id', '=', userId).executeTakeFirstOrThrow();
}

const ids = { jose: '', eloise: '', joseUser: '', marta: '', bo: '' };

/** A new session for a user whose session the clock ended (the object is updated in place). */
async function signInAgain(who: SignedInUser): Promise<void> {
  const cookie = await login(t, who.username);
  who.cookie = cookie;
  who.headers.cookie = cookie;
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await signedInUser(t, { tenantName: 'Directory A', username: 'zz.admin' });
  other = await signedInUser(t, { tenantName: 'Directory B', username: 'zz.other.admin' });
  agentRoleId = (await roleNamed(t, admin.tenant.id, 'Agent')).id;
  supervisorRoleId = (await roleNamed(t, admin.tenant.id, 'Supervisor')).id;
  salesTeamId = (await post(admin, '/api/v1/admin/teams', { name: 'Sales' })).json().id;
  nightTeamId = (await post(admin, '/api/v1/admin/teams', { name: 'Night' })).json().id;

  ids.jose = await invite(admin, { username: 'jsilva', firstName: 'José', lastName: 'Silva', teamId: salesTeamId });
  ids.eloise = await invite(admin, { username: 'edupont', firstName: 'Éloïse', lastName: 'Dupont', email: 'eloise.d@example.test', roleId: supervisorRoleId });
  ids.joseUser = await invite(admin, { username: 'jose.alvarez', firstName: 'José', lastName: 'Álvarez', teamId: nightTeamId });
  ids.marta = await invite(admin, { username: 'mkowalska', firstName: 'Marta', lastName: 'Łukasiewicz', email: 'MARTA.K@Example.test', teamId: salesTeamId });
  ids.bo = await invite(admin, { username: 'bo.ng', firstName: 'Bo', lastName: 'Ng', roleId: supervisorRoleId, teamId: nightTeamId });
  // Users of the other tenant, with names that would match every search below.
  await invite(other, { username: 'jose.other', firstName: 'José', lastName: 'Other', roleId: (await roleNamed(t, other.tenant.id, 'Agent')).id });
  await acceptFor('jsilva@example.test');
  await acceptFor('bo.ng@example.test');
});
afterAll(async () => t.close());

describe('search', () => {
  it('is a prefix match on username, email, first or last name, case- and accent-insensitive', async () => {
    // Ordered by the key each user was found by: jsilva by "jose" (first name), then jose.alvarez by its username.
    expect(await usernames({ q: 'jose' })).toEqual(['jsilva', 'jose.alvarez']);
    expect(await usernames({ q: 'JOSÉ' })).toEqual(['jsilva', 'jose.alvarez']);
    expect(await usernames({ q: 'ÉLO' })).toEqual(['edupont']);
    expect(await usernames({ q: 'elo' })).toEqual(['edupont']);
    expect(await usernames({ q: 'eloise.d@' })).toEqual(['edupont']);
    expect(await usernames({ q: 'marta.k@example' })).toEqual(['mkowalska']);
    expect(await usernames({ q: 'lukas' })).toEqual(['mkowalska']);
    expect(await usernames({ q: 'alv' })).toEqual(['jose.alvarez']);
    expect(await usernames({ q: 'MKOW' })).toEqual(['mkowalska']);
    expect(await usernames({ q: 'ilva' })).toEqual([]);
    expect(await usernames({ q: 'nobody' })).toEqual([]);
  });

  it('finds a user once even when several of their fields match', async () => {
    // jose.alvarez matches by username and by first name; jsilva by first name only.
    const found = await list(admin, { q: 'jos', limit: 200 });
    expect(found.items.map((item) => item.id).sort()).toEqual([ids.jose, ids.joseUser].sort());
  });

  it("never shows another tenant's users", async () => {
    expect(await usernames({ q: 'jose.other' })).toEqual([]);
    const all = await usernames();
    expect(all).not.toContain('jose.other');
    expect(all).not.toContain('zz.other.admin');
  });

  it('treats LIKE wildcards and an all-accent query as text', async () => {
    expect(await usernames({ q: '%' })).toEqual([]);
    expect(await usernames({ q: '_o' })).toEqual([]);
    expect((await usernames({ q: '\u0301' })).length).toBe((await usernames()).length);
  });
});

describe('filters', () => {
  it('by role, team and status, each alone', async () => {
    expect(await usernames({ roleId: supervisorRoleId })).toEqual(['bo.ng', 'edupont']);
    expect(await usernames({ teamId: nightTeamId })).toEqual(['bo.ng', 'jose.alvarez']);
    expect(await usernames({ status: 'enabled' })).toEqual(['bo.ng', 'jsilva', 'zz.admin']);
    expect(await usernames({ status: 'invited' })).toEqual(['edupont', 'jose.alvarez', 'mkowalska']);
  });

  it('combined with each other and with the search', async () => {
    expect(await usernames({ roleId: supervisorRoleId, teamId: nightTeamId })).toEqual(['bo.ng']);
    expect(await usernames({ roleId: agentRoleId, status: 'invited' })).toEqual(['jose.alvarez', 'mkowalska']);
    expect(await usernames({ teamId: salesTeamId, status: 'enabled' })).toEqual(['jsilva']);
    expect(await usernames({ q: 'jose', teamId: salesTeamId })).toEqual(['jsilva']);
    expect(await usernames({ q: 'jose', roleId: agentRoleId })).toEqual(['jsilva', 'jose.alvarez']);
    expect(await usernames({ q: 'jose', status: 'invited' })).toEqual(['jose.alvarez']);
    expect(await usernames({ q: 'b', roleId: supervisorRoleId, teamId: nightTeamId, status: 'enabled' })).toEqual(['bo.ng']);
  });

  it("a role or team of another tenant finds nobody", async () => {
    const otherAgent = await roleNamed(t, other.tenant.id, 'Agent');
    expect(await usernames({ roleId: otherAgent.id })).toEqual([]);
  });

  it('answers the summary shape', async () => {
    const [item] = (await list(admin, { q: 'bo.ng' })).items;
    expect(item).toEqual({
      id: ids.bo,
      username: 'bo.ng',
      email: 'bo.ng@example.test',
      firstName: 'Bo',
      lastName: 'Ng',
      role: { id: supervisorRoleId, name: 'Supervisor' },
      team: { id: nightTeamId, name: 'Night' },
      status: 'enabled',
      lockedUntil: null,
    });
  });

  it('refuses bad queries with a code', async () => {
    for (const query of ['status=active', 'limit=0', 'limit=201', 'roleId=nope', 'cursor=not%20base64', 'unknown=1', `q=${'x'.repeat(101)}`]) {
      const response = await get(admin, `/api/v1/admin/users?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
    for (const encoded of ['%FF%FE', 'a%ED%A0%80b']) {
      const malformed = await get(admin, `/api/v1/admin/users?q=${encoded}`);
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json().error.code).toBe('MALFORMED_URL');
    }
    const forged = Buffer.from(JSON.stringify(['x', 'a', 'b'])).toString('base64url');
    const response = await get(admin, `/api/v1/admin/users?cursor=${forged}`);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('USER_CURSOR_INVALID');
    const listCursor = (await list(admin, { limit: 1 })).nextCursor ?? '';
    const mixed = await get(admin, `/api/v1/admin/users?q=jo&cursor=${listCursor}`);
    expect(mixed.json().error.code).toBe('USER_CURSOR_INVALID');
  });

  it('needs users.view', async () => {
    const agent = await signedInUser(t, { tenant: admin.tenant, username: 'zz.agent', role: 'Agent' });
    const response = await get(agent, '/api/v1/admin/users');
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('PERMISSION_DENIED');
  });
});

describe('keyset paging', () => {
  it('pages through everyone exactly once, with and without a search', async () => {
    const everyone = await usernames();
    const paged = await allPages(admin, { limit: 2 });
    expect(paged.map((item) => item.username)).toEqual(everyone);
    const searched = await allPages(admin, { q: 'jo', limit: 1 });
    expect(searched.map((item) => item.username)).toEqual(await usernames({ q: 'jo' }));
    const last = await list(admin, { limit: everyone.length });
    expect(last.nextCursor).toBeNull();
  });

  it('answers every user present from the start exactly once while users are being added', async () => {
    const before = new Set(await usernames());
    let added = 0;
    let round = 0;
    const addBetweenPages = async () => {
      if (added >= 6) return;
      added += 1;
      round += 1;
      // Names that sort before, among and after the ones already listed.
      await invite(admin, { username: `a${round}.early`, firstName: 'Added', lastName: 'Early' });
      await invite(admin, { username: `k${round}.middle`, firstName: 'Added', lastName: 'Middle' });
      await invite(admin, { username: `zzz${round}.late`, firstName: 'Added', lastName: 'Late' });
    };
    const seen = (await allPages(admin, { limit: 2 }, addBetweenPages)).map((item) => item.username);
    expect(new Set(seen).size).toBe(seen.length);
    for (const username of before) expect(seen).toContain(username);
    added = 0;
    const searchedBefore = new Set((await list(admin, { q: 'added', limit: 200 })).items.map((item) => item.id));
    const searched = (await allPages(admin, { q: 'added', limit: 3 }, addBetweenPages)).map((item) => item.id);
    expect(new Set(searched).size).toBe(searched.length);
    for (const id of searchedBefore) expect(searched).toContain(id);
  });
});

describe('lifecycle statuses', () => {
  it('Pending Invite, Invited, Expired Invitation, Enabled, Disabled, SSO Only', async () => {
    // Pending Invite: the account exists, no invitation has been issued yet (as a bulk import leaves it).
    const pending = await t.deps.db.transaction().execute((trx) =>
      t.deps.users.createInvitedUser(
        { tenantId: admin.tenant.id, username: 'st.pending', email: 'st.pending@example.test', firstName: 'P', lastName: 'P', roleId: agentRoleId, teamId: null },
        trx,
      ),
    );
    const invited = await invite(admin, { username: 'st.invited' });
    const sso = await invite(admin, { username: 'st.sso', ssoOnly: true });
    const statusOf = async (userId: string) => (await get(admin, `/api/v1/admin/users/${userId}`)).json().status as string;
    expect(await statusOf(pending.id)).toBe('pending_invite');
    expect(await statusOf(invited)).toBe('invited');
    expect(await statusOf(ids.jose)).toBe('enabled');
    expect(await statusOf(sso)).toBe('sso_only');
    expect(await usernames({ status: 'pending_invite' })).toEqual(['st.pending']);
    expect(await usernames({ status: 'sso_only' })).toEqual(['st.sso']);

    // The invitation expires with the clock, without any job.
    const invitedBefore = await usernames({ status: 'invited' });
    t.clock.advance(24 * HOUR);
    await signInAgain(admin);
    await signInAgain(other);
    expect(await statusOf(invited)).toBe('invitation_expired');
    expect(await usernames({ status: 'invited' })).toEqual([]);
    expect(await usernames({ status: 'invitation_expired' })).toEqual(invitedBefore);
    // Resending makes it Invited again; the resend is audited.
    expect((await post(admin, `/api/v1/admin/users/${invited}/invitation`)).statusCode).toBe(201);
    expect(await statusOf(invited)).toBe('invited');
    expect((await auditOf(invited)).map((event) => event.action)).toContain('invitation.resent');
    // An invitation resent for a Pending Invite user issues the first one.
    expect((await post(admin, `/api/v1/admin/users/${pending.id}/invitation`)).statusCode).toBe(201);
    expect(await statusOf(pending.id)).toBe('invited');

    // Disabled, and back.
    expect((await patch(admin, invited, { status: 'disabled' })).json().status).toBe('disabled');
    expect(await usernames({ status: 'disabled' })).toEqual(['st.invited']);
    expect((await patch(admin, invited, { status: 'enabled' })).json().status).toBe('invited');
    expect((await patch(admin, sso, { status: 'disabled' })).json().status).toBe('disabled');
    expect((await patch(admin, sso, { status: 'enabled' })).json().status).toBe('sso_only');
    // Accepting the invitation: Enabled.
    await acceptFor('st.invited@example.test');
    expect(await statusOf(invited)).toBe('enabled');
  });
});

describe('SSO-only users', () => {
  it('are created without a password or link; the email says to sign in with single sign-on', async () => {
    const response = await post(admin, '/api/v1/admin/users', {
      username: 'sso.person',
      email: 'sso.person@example.test',
      firstName: 'Sam',
      lastName: 'Sso',
      roleId: agentRoleId,
      ssoOnly: true,
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ user: { username: 'sso.person', status: 'sso_only' }, invitation: null });
    const userId = response.json().user.id as string;
    const links = await t.deps.db.selectFrom('single_use_links').select('id').where('user_id', '=', userId).execute();
    expect(links).toEqual([]);
    const email = (await t.mailbox()).find((candidate) => candidate.to.includes('sso.person@example.test'));
    expect(email?.text).toContain('single sign-on');
    expect(email?.links).toContain(`${t.config.publicUrl.origin}/login`);
    expect(email?.links.some((link) => link.includes('first-access'))).toBe(false);
    const detail = (await get(admin, `/api/v1/admin/users/${userId}`)).json();
    expect(detail).toMatchObject({ status: 'sso_only', passwordLogin: 'disabled', invitation: null });
    const signIn = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'sso.person', password: strongPassword } });
    expect(signIn.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
    const userEvents = (await auditOf(userId)).filter((event) => event.action.startsWith('user.'));
    expect(userEvents.map((event) => [event.action, event.actor_user_id, event.details])).toEqual([
      ['user.created', admin.userId, { username: 'sso.person', roleId: agentRoleId, ssoOnly: true }],
    ]);
  });
});

describe('user detail', () => {
  it('answers memberships, MFA, identity links, password login, sessions and invitation', async () => {
    const response = await get(admin, `/api/v1/admin/users/${ids.bo}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: ids.bo,
      username: 'bo.ng',
      status: 'enabled',
      role: { id: supervisorRoleId, name: 'Supervisor' },
      team: { id: nightTeamId, name: 'Night' },
      memberships: [{ tenant: { id: admin.tenant.id, name: 'Directory A' }, role: { id: supervisorRoleId, name: 'Supervisor' }, team: { id: nightTeamId, name: 'Night' }, isDefault: true }],
      mfa: { enabled: false, enrolledAt: null },
      identityLinks: [],
      passwordLogin: 'tenant',
      sessionsCount: 0,
      invitation: null,
      presenceReasonList: null,
    });
    const signedIn = (await get(admin, `/api/v1/admin/users/${admin.userId}`)).json();
    expect(signedIn.sessionsCount).toBe(1);
    const invited = (await get(admin, `/api/v1/admin/users/${ids.marta}`)).json();
    expect(invited.invitation.expiresAt).toEqual(expect.any(String));
  });

  it("answers 404 USER_NOT_FOUND for another tenant's user and an unknown id", async () => {
    for (const userId of [other.userId, '0190a3c4-0000-7000-8000-000000000000']) {
      const response = await get(admin, `/api/v1/admin/users/${userId}`);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('USER_NOT_FOUND');
    }
  });
});

describe('changing a user', () => {
  it('changes the role, audited, and the user holds the new permissions at once', async () => {
    const cookie = await login(t, 'jsilva');
    const response = await patch(admin, ids.jose, { roleId: supervisorRoleId });
    expect(response.statusCode).toBe(200);
    expect(response.json().role).toEqual({ id: supervisorRoleId, name: 'Supervisor' });
    const events = await auditOf(ids.jose);
    expect(events.at(-1)).toMatchObject({ action: 'user.role.changed', actor_user_id: admin.userId, tenant_id: admin.tenant.id, result: 'success' });
    expect(events.at(-1)?.details).toMatchObject({ fromRoleId: agentRoleId, toRoleId: supervisorRoleId });
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    expect(me.json().role.id).toBe(supervisorRoleId);
    // The same role again changes nothing and writes no row.
    const count = events.length;
    expect((await patch(admin, ids.jose, { roleId: supervisorRoleId })).statusCode).toBe(200);
    expect((await auditOf(ids.jose)).length).toBe(count);
  });

  it('changes and clears the team, audited', async () => {
    expect((await patch(admin, ids.jose, { teamId: nightTeamId })).json().team).toEqual({ id: nightTeamId, name: 'Night' });
    expect((await patch(admin, ids.jose, { teamId: null })).json().team).toBeNull();
    const teamEvents = (await auditOf(ids.jose)).filter((event) => event.action === 'user.team.changed');
    expect(teamEvents.map((event) => event.details)).toEqual([
      { fromTeamId: salesTeamId, toTeamId: nightTeamId },
      { fromTeamId: nightTeamId, toTeamId: null },
    ]);
  });

  it('turns password sign-in off for a user: the right password gets the generic refusal; on again, it works', async () => {
    const response = await patch(admin, ids.jose, { passwordLogin: 'disabled' });
    expect(response.json().passwordLogin).toBe('disabled');
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'jsilva', password: strongPassword } });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
    const failed = await t.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'auth.login.failed').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(failed.details).toMatchObject({ reason: 'password-login-disabled' });
    expect((await patch(admin, ids.jose, { passwordLogin: 'tenant' })).json().passwordLogin).toBe('tenant');
    await login(t, 'jsilva');
    const events = (await auditOf(ids.jose)).filter((event) => event.action === 'user.passwordLogin.changed').map((event) => event.details);
    expect(events).toEqual([
      { from: 'tenant', to: 'disabled' },
      { from: 'disabled', to: 'tenant' },
    ]);
  });

  it('disabling ends the sessions and access-key tokens at once, audited; enabling lets them sign in again', async () => {
    const user = await signedInUser(t, { tenant: admin.tenant, username: 'dis.user', role: 'Supervisor' });
    const key = await addAccessKey(t, user);
    const token = await accessTokenFor(t, key);
    const bearer = { authorization: `Bearer ${token}` };
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer })).statusCode).toBe(200);

    const response = await patch(admin, user.userId, { status: 'disabled' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'disabled', sessionsCount: 0 });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: user.cookie } })).statusCode).toBe(401);
    const withToken = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer });
    expect(withToken.statusCode).toBe(401);
    const signIn = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'dis.user', password: strongPassword } });
    expect(signIn.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect((await auditOf(user.userId)).filter((event) => event.action === 'user.disabled').map((event) => event.details)).toEqual([{ sessionsEnded: 1, scope: 'account' }]);

    expect((await patch(admin, user.userId, { status: 'enabled' })).json().status).toBe('enabled');
    expect((await auditOf(user.userId)).at(-1)).toMatchObject({ action: 'user.enabled', actor_user_id: admin.userId });
    await login(t, 'dis.user');
    // The old session stays ended, and so does the token issued before the disable (issue 21 item 6: it used to work again).
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: user.cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer })).statusCode).toBe(401);
    // The key itself still works: a new token from it is accepted.
    const fresh = await accessTokenFor(t, key);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${fresh}` } })).statusCode).toBe(200);
  });

  it('accepts a null presence reason list and refuses an unknown list id, storing nothing', async () => {
    expect((await patch(admin, ids.bo, { presenceReasonListId: null })).statusCode).toBe(200);
    const before = { membership: await membershipRow(ids.bo), audit: (await auditOf(ids.bo)).length };
    const response = await patch(admin, ids.bo, { presenceReasonListId: '0190a3c4-0000-7000-8000-000000000001', roleId: agentRoleId });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('PRESENCE_REASON_LIST_NOT_FOUND');
    expect({ membership: await membershipRow(ids.bo), audit: (await auditOf(ids.bo)).length }).toEqual(before);
  });

  it("answers the user's own presence reason list on their page (null: the tenant default), as named now; another tenant's list is refused", async () => {
    const created = await post(admin, '/api/v1/admin/presence-reason-lists', { name: 'Late shift', reasons: [{ label: 'Break' }] });
    expect(created.statusCode, created.body).toBe(201);
    const listId = created.json().id as string;
    const assigned = await patch(admin, ids.bo, { presenceReasonListId: listId });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json().presenceReasonList).toEqual({ id: listId, name: 'Late shift' });
    expect((await membershipRow(ids.bo)).presence_reason_list_id).toBe(listId);
    const renamed = await t.app.inject({ method: 'PATCH', url: `/api/v1/admin/presence-reason-lists/${listId}`, headers: admin.headers, payload: { name: 'Evening shift' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect((await get(admin, `/api/v1/admin/users/${ids.bo}`)).json().presenceReasonList).toEqual({ id: listId, name: 'Evening shift' });
    // Another user of the tenant keeps the default.
    expect((await get(admin, `/api/v1/admin/users/${ids.jose}`)).json().presenceReasonList).toBeNull();

    const otherList = await post(other, '/api/v1/admin/presence-reason-lists', { name: 'Other shift', reasons: [] });
    expect(otherList.statusCode, otherList.body).toBe(201);
    const before = { membership: await membershipRow(ids.bo), audit: (await auditOf(ids.bo)).length };
    const refused = await patch(admin, ids.bo, { presenceReasonListId: otherList.json().id });
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.code).toBe('PRESENCE_REASON_LIST_NOT_FOUND');
    expect({ membership: await membershipRow(ids.bo), audit: (await auditOf(ids.bo)).length }).toEqual(before);
    expect((await get(admin, `/api/v1/admin/users/${ids.bo}`)).json().presenceReasonList).toEqual({ id: listId, name: 'Evening shift' });

    const cleared = await patch(admin, ids.bo, { presenceReasonListId: null });
    expect(cleared.json().presenceReasonList).toBeNull();
    expect((await membershipRow(ids.bo)).presence_reason_list_id).toBeNull();
  });
});

describe('refused changes store nothing', () => {
  async function expectRefused(who: SignedInUser, userId: string, body: Record<string, unknown>, status: number, code: string) {
    const before = { membership: await membershipRow(userId), user: await t.deps.users.getUser(userId), audit: (await auditOf(userId)).length };
    const response = await patch(who, userId, body);
    expect(response.statusCode, JSON.stringify(body)).toBe(status);
    expect(response.json().error.code).toBe(code);
    expect({ membership: await membershipRow(userId), user: await t.deps.users.getUser(userId), audit: (await auditOf(userId)).length }).toEqual(before);
  }

  it('bad bodies', async () => {
    for (const body of [{}, { status: 'active' }, { roleId: 'x' }, { passwordLogin: 'sometimes' }, { teamId: 5 }, { unknown: true }]) {
      await expectRefused(admin, ids.bo, body, 400, 'VALIDATION_FAILED');
    }
  });

  it("another tenant's user, role or team", async () => {
    await expectRefused(other, ids.bo, { status: 'disabled' }, 404, 'USER_NOT_FOUND');
    await expectRefused(admin, ids.bo, { roleId: (await roleNamed(t, other.tenant.id, 'Agent')).id }, 404, 'ROLE_NOT_FOUND');
    const otherTeam = (await post(other, '/api/v1/admin/teams', { name: 'Other team' })).json().id as string;
    await expectRefused(admin, ids.bo, { teamId: otherTeam, roleId: agentRoleId }, 404, 'TEAM_NOT_FOUND');
  });

  it('a role beyond the caller (ROLE_NOT_GRANTABLE), and a user whose role is beyond the caller (PERMISSION_DENIED: rank)', async () => {
    const supervisor = await signedInUser(t, { tenant: admin.tenant, username: 'zz.supervisor', role: 'Supervisor' });
    const supervisorRole = await roleNamed(t, admin.tenant.id, 'Supervisor');
    // Give the Supervisor role users.edit for this test, through the table (roles are another part's work).
    const permissions = [...new Set([...supervisorRole.permissions, 'users.edit', 'users.view'])];
    await t.deps.db.updateTable('roles').set({ permissions }).where('id', '=', supervisorRoleId).execute();
    const supervisorCookie = await login(t, 'zz.supervisor');
    const asSupervisor = { ...supervisor, cookie: supervisorCookie, headers: { ...supervisor.headers, cookie: supervisorCookie } };
    const administratorRole = await roleNamed(t, admin.tenant.id, 'Administrator');
    await expectRefused(asSupervisor, ids.marta, { roleId: administratorRole.id }, 403, 'ROLE_NOT_GRANTABLE');
    await expectRefused(asSupervisor, admin.userId, { status: 'disabled' }, 403, 'PERMISSION_DENIED');
    // Within their own permissions it works.
    expect((await patch(asSupervisor, ids.marta, { roleId: supervisorRoleId })).statusCode).toBe(200);
  });

  it('disabling yourself (CANNOT_DISABLE_SELF)', async () => {
    await expectRefused(admin, admin.userId, { status: 'disabled' }, 409, 'CANNOT_DISABLE_SELF');
  });

  it('leaving the tenant without an enabled Administrator (LAST_ADMINISTRATOR)', async () => {
    await expectRefused(admin, admin.userId, { roleId: agentRoleId }, 409, 'LAST_ADMINISTRATOR');
    // A second Administrator, invited only, does not count; once enabled, the first may step down, and the last one may not be disabled.
    const second = await invite(admin, { username: 'zz.second.admin', roleId: (await roleNamed(t, admin.tenant.id, 'Administrator')).id });
    await expectRefused(admin, admin.userId, { roleId: agentRoleId }, 409, 'LAST_ADMINISTRATOR');
    await acceptFor('zz.second.admin@example.test');
    const secondCookie = await login(t, 'zz.second.admin');
    const secondAdmin: SignedInUser = { userId: second, username: 'zz.second.admin', tenant: admin.tenant, cookie: secondCookie, headers: { ...admin.headers, cookie: secondCookie } };
    expect((await patch(admin, admin.userId, { roleId: supervisorRoleId })).statusCode).toBe(200);
    await expectRefused(secondAdmin, second, { roleId: agentRoleId }, 409, 'LAST_ADMINISTRATOR');
    // Give the first one the role back, then the second can be disabled by the first but the first not by the second afterwards.
    expect((await patch(secondAdmin, admin.userId, { roleId: (await roleNamed(t, admin.tenant.id, 'Administrator')).id })).statusCode).toBe(200);
    expect((await patch(admin, second, { status: 'disabled' })).statusCode).toBe(200);
    const otherTenantAdmins = await usernames({ status: 'enabled', roleId: (await roleNamed(t, admin.tenant.id, 'Administrator')).id });
    expect(otherTenantAdmins).toEqual(['zz.admin']);
  });
});

describe('existing user actions', () => {
  it('password reset and unlock are audited and refused across tenants', async () => {
    const reset = await post(admin, `/api/v1/admin/users/${ids.bo}/password-reset`);
    expect(reset.statusCode).toBe(202);
    const unlock = await post(admin, `/api/v1/admin/users/${ids.bo}/unlock`);
    expect(unlock.statusCode).toBe(204);
    const actions = (await auditOf(ids.bo)).map((event) => event.action);
    expect(actions).toContain('password.reset.requested');
    expect(actions).toContain('user.unlocked');
    for (const action of ['password-reset', 'unlock', 'invitation']) {
      const response = await post(other, `/api/v1/admin/users/${ids.marta}/${action}`);
      expect(response.statusCode, action).toBe(404);
      expect(response.json().error.code).toBe('USER_NOT_FOUND');
    }
  });
});

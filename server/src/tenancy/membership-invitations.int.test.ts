import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFor, addAccessKey, joinTenant, login, roleNamed, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createMailTestApp, type MailTestApp } from '../testing/mail-test-app.ts';
import type { TestApp } from '../testing/test-app.ts';
import { membershipInvitationLifetimeMs } from './tenancy-service.ts';

/**
 * SPEC §3.12 "Joining another tenant needs the person's consent" (issue 20 item 2): an administrator's Add existing user is an
 * invitation the person accepts or declines, signed in; the answer never tells whether the account exists. Emails go through a real
 * SMTP server and the test follows the link in them.
 */
let mail: MailTestApp;
let t: TestApp;
let home: SignedInUser;
let inviter: SignedInUser;
let people = 0;

type Method = 'GET' | 'POST' | 'DELETE';
const request = (who: Pick<SignedInUser, 'headers'>, method: Method, url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
const invite = (admin: SignedInUser, body: Record<string, unknown>) => request(admin, 'POST', '/api/v1/admin/users/memberships', body);
const pendingOf = async (who: SignedInUser) => (await request(who, 'GET', '/api/v1/me/membership-invitations')).json<{ items: { id: string; tenant: { id: string; name: string }; role: { id: string; name: string }; invitedAt: string; expiresAt: string }[] }>().items;
const answer = (who: Pick<SignedInUser, 'headers'>, id: string, verb: 'accept' | 'decline') => request(who, 'POST', `/api/v1/me/membership-invitations/${id}/${verb}`);
const membershipOf = (tenantId: string, userId: string) =>
  t.deps.db.selectFrom('memberships').select(['role_id', 'team_id']).where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst();
const auditOf = async (tenantId: string, action: string) => (await t.deps.audit.list(tenantId, { limit: 200 })).filter((event) => event.action === action);
/** Everything an invitation could leave behind. */
const stored = async () => ({
  invitations: await t.deps.db.selectFrom('membership_invitations').selectAll().orderBy('id').execute(),
  memberships: await t.deps.db.selectFrom('memberships').select(['tenant_id', 'user_id', 'role_id']).orderBy('tenant_id').orderBy('user_id').execute(),
  users: await t.deps.db.selectFrom('users').select('id').orderBy('id').execute(),
  outbox: await t.deps.db.selectFrom('outbox_messages').select('id').orderBy('id').execute(),
});
/** A fresh person homed in the first tenant, signed in there. */
const person = (role = 'Agent') => signedInUser(t, { tenant: home.tenant, username: `invited.person${++people}`, role });

beforeAll(async () => {
  mail = await createMailTestApp();
  t = mail.t;
  home = await signedInUser(t, { tenantName: 'Home Harbour', username: 'home.admin' });
  inviter = await signedInUser(t, { tenantName: 'Inviting Harbour', username: 'inviting.admin' });
  await mail.deliverAll();
});
afterAll(async () => mail.close());

describe('inviting an existing account', () => {
  it('answers 202 {} and makes no membership: the person cannot switch in, the directory does not list them; the email links to My Profile', async () => {
    const invitee = await person();
    const supervisor = await roleNamed(t, inviter.tenant.id, 'Supervisor');
    await mail.deliverAll();
    const since = mail.smtp.messages.length;
    const invited = await invite(inviter, { user: `${invitee.username}@EXAMPLE.test`, roleId: supervisor.id });
    expect(invited.statusCode, invited.body).toBe(202);
    expect(invited.json()).toEqual({});

    expect(await membershipOf(inviter.tenant.id, invitee.userId)).toBeUndefined();
    const switched = await request(invitee, 'POST', '/api/v1/me/tenant', { tenantId: inviter.tenant.id });
    expect(switched.statusCode).toBe(403);
    expect(switched.json().error.code).toBe('TENANT_MEMBERSHIP_REQUIRED');
    expect((await request(invitee, 'GET', '/api/v1/me/tenants')).json().items.map((item: { id: string }) => item.id)).toEqual([home.tenant.id]);
    const directory = (await request(inviter, 'GET', `/api/v1/admin/users?q=${invitee.username}`)).json().items as unknown[];
    expect(directory).toEqual([]);
    expect((await request(inviter, 'GET', `/api/v1/admin/users/${invitee.userId}`)).json().error.code).toBe('USER_NOT_FOUND');

    const [email, ...more] = await mail.receivedSince(since, `${invitee.username}@example.test`);
    expect(more).toEqual([]);
    expect(email?.subject).toBe('Inviting Harbour invited you to join');
    expect(email?.text).toContain(`username: ${invitee.username}`);
    expect(email?.text).toContain('Supervisor');
    expect(email?.html).toContain('<strong>Supervisor</strong>');
    // The link opens the console's My Profile, where the console lists the invitations (the API below) for the signed-in person.
    const link = new URL(email?.links.find((href) => href.startsWith(t.config.publicUrl.origin)) ?? '');
    expect(`${link.pathname}${link.hash}`).toBe('/profile/general#invitations');
    const [pending, ...others] = await pendingOf(invitee);
    expect(others).toEqual([]);
    expect(pending).toEqual({
      id: expect.any(String),
      tenant: { id: inviter.tenant.id, name: 'Inviting Harbour' },
      role: { id: supervisor.id, name: 'Supervisor' },
      invitedAt: t.clock.now().toISOString(),
      expiresAt: new Date(t.clock.now().getTime() + membershipInvitationLifetimeMs).toISOString(),
    });
    // Audited in the inviting tenant with what the administrator typed, never whom it matched.
    const [event] = await auditOf(inviter.tenant.id, 'user.membership.invited');
    expect(event).toMatchObject({ actorUserId: inviter.userId, targetId: null, details: { user: `${invitee.username}@EXAMPLE.test`, roleId: supervisor.id, teamId: null } });
  });

  it('answers an unknown username or email, an email two accounts share and a member already there alike: 202 {}, nothing stored, no email', async () => {
    const agentRole = await roleNamed(t, inviter.tenant.id, 'Agent');
    for (const username of ['shared.one', 'shared.two']) {
      const role = await roleNamed(t, home.tenant.id, 'Agent');
      await t.deps.invitations.inviteUser(home.tenant.id, { username, email: 'shared.mailbox@example.test', firstName: 'Shared', lastName: 'Mailbox', roleId: role.id, teamId: null });
    }
    const member = await signedInUser(t, { tenant: inviter.tenant, username: 'already.member', role: 'Agent' });
    await mail.deliverAll();
    const before = await stored();
    const auditBefore = (await auditOf(inviter.tenant.id, 'user.membership.invited')).length;
    const since = mail.smtp.messages.length;
    const typed = ['nobody.anywhere', 'nobody@example.test', 'shared.mailbox@example.test', member.username, 'inviting.admin'];
    for (const user of typed) {
      const response = await invite(inviter, { user, roleId: agentRole.id });
      expect(response.statusCode, user).toBe(202);
      expect(response.body, user).toBe('{}');
    }
    expect(await stored()).toEqual(before);
    expect(await mail.receivedSince(since)).toEqual([]);
    // The audit rows have the same shape whatever matched.
    const events = (await auditOf(inviter.tenant.id, 'user.membership.invited')).slice(0, typed.length);
    expect(events).toHaveLength(typed.length);
    expect(auditBefore + typed.length).toBe((await auditOf(inviter.tenant.id, 'user.membership.invited')).length);
    for (const event of events) expect(Object.keys(event.details).sort()).toEqual(['roleId', 'teamId', 'user']);
    expect(events.map((event) => event.targetId)).toEqual(typed.map(() => null));
  });

  it("still refuses a role above the caller's own (ROLE_NOT_GRANTABLE), whoever is named, storing nothing", async () => {
    const inviterRole = await request(inviter, 'POST', '/api/v1/admin/roles', { name: 'Recruiter', permissions: ['users.view', 'users.invite'] });
    expect(inviterRole.statusCode, inviterRole.body).toBe(201);
    const recruiter = await signedInUser(t, { tenant: inviter.tenant, username: 'recruiter.one', role: 'Recruiter' });
    const administrator = await roleNamed(t, inviter.tenant.id, 'Administrator');
    const invitee = await person();
    const before = await stored();
    for (const user of [invitee.username, 'nobody.anywhere']) {
      const response = await invite(recruiter, { user, roleId: administrator.id });
      expect(response.statusCode, user).toBe(403);
      expect(response.json().error.code).toBe('ROLE_NOT_GRANTABLE');
    }
    expect(await stored()).toEqual(before);
  });

  it('replaces the pending invitation with a new one: the id the person saw before no longer answers', async () => {
    const invitee = await person();
    const agentRole = await roleNamed(t, inviter.tenant.id, 'Agent');
    const supervisor = await roleNamed(t, inviter.tenant.id, 'Supervisor');
    expect((await invite(inviter, { user: invitee.username, roleId: agentRole.id })).statusCode).toBe(202);
    const [first] = await pendingOf(invitee);
    t.clock.advance(60_000);
    expect((await invite(inviter, { user: invitee.username, roleId: supervisor.id })).statusCode).toBe(202);
    const pending = await pendingOf(invitee);
    expect(pending.map((item) => item.role.name)).toEqual(['Supervisor']);
    expect(pending[0]?.id).not.toBe(first?.id);
    expect((await answer(invitee, first?.id ?? '', 'accept')).json().error.code).toBe('MEMBERSHIP_INVITATION_NOT_FOUND');
    expect((await answer(invitee, pending[0]?.id ?? '', 'accept')).statusCode).toBe(204);
    expect((await membershipOf(inviter.tenant.id, invitee.userId))?.role_id).toBe(supervisor.id);
  });
});

describe('answering an invitation', () => {
  it('accepting makes the membership active at once: in /me/tenants, switchable, in the directory, audited in the inviting tenant', async () => {
    const invitee = await person();
    const team = await request(inviter, 'POST', '/api/v1/admin/teams', { name: 'Night Watch' });
    expect(team.statusCode, team.body).toBe(201);
    const teamId = team.json().id as string;
    const invitationId = await joinTenant(t, inviter, invitee, 'Supervisor', teamId);
    const supervisor = await roleNamed(t, inviter.tenant.id, 'Supervisor');
    expect(await membershipOf(inviter.tenant.id, invitee.userId)).toEqual({ role_id: supervisor.id, team_id: teamId });
    expect(await pendingOf(invitee)).toEqual([]);
    const tenants = (await request(invitee, 'GET', '/api/v1/me/tenants')).json().items;
    expect(tenants).toContainEqual({ id: inviter.tenant.id, name: 'Inviting Harbour', region: 'local', role: { id: supervisor.id, name: 'Supervisor' }, isDefault: false, current: false });
    expect((await request(invitee, 'POST', '/api/v1/me/tenant', { tenantId: inviter.tenant.id })).statusCode).toBe(200);
    const listed = (await request(inviter, 'GET', `/api/v1/admin/users?q=${invitee.username}`)).json().items as { id: string }[];
    expect(listed.map((item) => item.id)).toEqual([invitee.userId]);
    const [event, ...more] = (await auditOf(inviter.tenant.id, 'user.membership.added')).filter((entry) => entry.targetId === invitee.userId);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ actorUserId: invitee.userId, result: 'success', details: { invitationId, roleId: supervisor.id, teamId, invitedBy: inviter.userId } });
    // Answered once.
    expect((await answer(invitee, invitationId, 'accept')).json().error.code).toBe('MEMBERSHIP_INVITATION_NOT_FOUND');
    expect((await answer(invitee, invitationId, 'decline')).json().error.code).toBe('MEMBERSHIP_INVITATION_NOT_FOUND');
  });

  it('declining closes it: no membership, audited, and it answers no more', async () => {
    const invitee = await person();
    const agentRole = await roleNamed(t, inviter.tenant.id, 'Agent');
    expect((await invite(inviter, { user: invitee.username, roleId: agentRole.id })).statusCode).toBe(202);
    const [pending] = await pendingOf(invitee);
    const declined = await answer(invitee, pending?.id ?? '', 'decline');
    expect(declined.statusCode, declined.body).toBe(204);
    expect(await membershipOf(inviter.tenant.id, invitee.userId)).toBeUndefined();
    expect(await pendingOf(invitee)).toEqual([]);
    const [event] = (await auditOf(inviter.tenant.id, 'user.membership.declined')).filter((entry) => entry.targetId === invitee.userId);
    expect(event).toMatchObject({ actorUserId: invitee.userId, details: { invitationId: pending?.id, roleId: agentRole.id } });
    expect((await answer(invitee, pending?.id ?? '', 'accept')).json().error.code).toBe('MEMBERSHIP_INVITATION_NOT_FOUND');
    // The administrator may invite again; that is a new invitation.
    expect((await invite(inviter, { user: invitee.username, roleId: agentRole.id })).statusCode).toBe(202);
    expect((await pendingOf(invitee)).map((item) => item.id)).not.toContain(pending?.id);
  });

  it('of parallel accepts exactly one wins: one 204, one membership, one audit row', async () => {
    const invitee = await person();
    const agentRole = await roleNamed(t, inviter.tenant.id, 'Agent');
    expect((await invite(inviter, { user: invitee.username, roleId: agentRole.id })).statusCode).toBe(202);
    const [pending] = await pendingOf(invitee);
    const answers = await Promise.all([...Array(6).keys()].map((index) => answer(invitee, pending?.id ?? '', index % 3 === 2 ? 'decline' : 'accept')));
    const statuses = answers.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 204), JSON.stringify(answers.map((response) => response.body))).toHaveLength(1);
    expect(statuses.filter((status) => status === 404)).toHaveLength(5);
    for (const response of answers.filter((entry) => entry.statusCode === 404)) expect(response.json().error.code).toBe('MEMBERSHIP_INVITATION_NOT_FOUND');
    const answered = [...(await auditOf(inviter.tenant.id, 'user.membership.added')), ...(await auditOf(inviter.tenant.id, 'user.membership.declined'))].filter((entry) => entry.targetId === invitee.userId);
    expect(answered).toHaveLength(1);
    const won = answers.findIndex((response) => response.statusCode === 204);
    expect((await membershipOf(inviter.tenant.id, invitee.userId)) !== undefined).toBe(won % 3 !== 2);
  });

  it("another person's invitation is not theirs to see or answer (404), nor an unknown id", async () => {
    const invitee = await person();
    const stranger = await person();
    const agentRole = await roleNamed(t, inviter.tenant.id, 'Agent');
    expect((await invite(inviter, { user: invitee.username, roleId: agentRole.id })).statusCode).toBe(202);
    const [pending] = await pendingOf(invitee);
    expect(await pendingOf(stranger)).toEqual([]);
    for (const id of [pending?.id ?? '', '01890a5d-ac96-774b-bcce-b302099a8057']) {
      for (const verb of ['accept', 'decline'] as const) {
        const response = await answer(stranger, id, verb);
        expect(response.statusCode, `${verb} ${id}`).toBe(404);
        expect(response.json().error.code).toBe('MEMBERSHIP_INVITATION_NOT_FOUND');
      }
    }
    expect((await answer(stranger, 'not-an-id', 'accept')).json().error.code).toBe('VALIDATION_FAILED');
    // The administrator who sent it cannot answer it either.
    expect((await answer(inviter, pending?.id ?? '', 'accept')).json().error.code).toBe('MEMBERSHIP_INVITATION_NOT_FOUND');
    expect(await membershipOf(inviter.tenant.id, stranger.userId)).toBeUndefined();
    expect(await membershipOf(inviter.tenant.id, invitee.userId)).toBeUndefined();
    expect(await pendingOf(invitee)).toHaveLength(1);
  });

  it('an invitation whose role was deleted is gone with it (404)', async () => {
    const invitee = await person();
    const created = await request(inviter, 'POST', '/api/v1/admin/roles', { name: 'Short-lived', permissions: ['support.downloads.view'] });
    expect(created.statusCode, created.body).toBe(201);
    expect((await invite(inviter, { user: invitee.username, roleId: created.json().id })).statusCode).toBe(202);
    const [pending] = await pendingOf(invitee);
    expect(pending?.role.name).toBe('Short-lived');
    expect((await request(inviter, 'DELETE', `/api/v1/admin/roles/${created.json().id}`)).statusCode).toBe(204);
    expect(await pendingOf(invitee)).toEqual([]);
    expect((await answer(invitee, pending?.id ?? '', 'accept')).json().error.code).toBe('MEMBERSHIP_INVITATION_NOT_FOUND');
  });

  it('a bearer token may list the invitations but not answer them', async () => {
    const invitee = await person('Administrator');
    const agentRole = await roleNamed(t, inviter.tenant.id, 'Agent');
    expect((await invite(inviter, { user: invitee.username, roleId: agentRole.id })).statusCode).toBe(202);
    const token = await accessTokenFor(t, await addAccessKey(t, invitee));
    const bearer = { headers: { authorization: `Bearer ${token}` } };
    const listed = await t.app.inject({ method: 'GET', url: '/api/v1/me/membership-invitations', ...bearer });
    expect(listed.statusCode).toBe(200);
    const [pending] = listed.json().items as { id: string }[];
    for (const verb of ['accept', 'decline'] as const) {
      const response = await t.app.inject({ method: 'POST', url: `/api/v1/me/membership-invitations/${pending?.id}/${verb}`, ...bearer });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('PERMISSION_DENIED');
    }
    expect(await pendingOf(invitee)).toHaveLength(1);
    expect(await membershipOf(inviter.tenant.id, invitee.userId)).toBeUndefined();
  });

  // Last: moving the clock a week on ends every session opened before.
  it('an expired invitation is no longer listed and answers 404', async () => {
    const signedUp = await person();
    const agentRole = await roleNamed(t, inviter.tenant.id, 'Agent');
    expect((await invite(inviter, { user: signedUp.username, roleId: agentRole.id })).statusCode).toBe(202);
    const [pending] = await pendingOf(signedUp);
    t.clock.advance(membershipInvitationLifetimeMs - 1000);
    const again = async (who: SignedInUser): Promise<SignedInUser> => {
      const cookie = await login(t, who.username);
      return { ...who, cookie, headers: { cookie, origin: t.config.publicUrl.origin } };
    };
    const invitee = await again(signedUp);
    expect(await pendingOf(invitee)).toHaveLength(1);
    t.clock.advance(1000);
    expect(await pendingOf(invitee)).toEqual([]);
    for (const verb of ['accept', 'decline'] as const) {
      const response = await answer(invitee, pending?.id ?? '', verb);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('MEMBERSHIP_INVITATION_NOT_FOUND');
    }
    expect(await membershipOf(inviter.tenant.id, invitee.userId)).toBeUndefined();
    // Inviting again opens a fresh one in place of the expired row.
    expect((await invite(await again(inviter), { user: invitee.username, roleId: agentRole.id })).statusCode).toBe(202);
    expect(await pendingOf(invitee)).toHaveLength(1);
  });
});

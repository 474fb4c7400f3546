import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptInvitation, roleNamed, signedInUser, tokenFromLink, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let adminA: SignedInUser;
let adminB: SignedInUser;

beforeAll(async () => {
  t = await createTestApp();
  adminA = await signedInUser(t, { tenantName: 'Invite Tenant A', username: 'invite.admin.a' });
  adminB = await signedInUser(t, { tenantName: 'Invite Tenant B', username: 'invite.admin.b' });
});
afterAll(async () => t.close());

const inviteAs = async (admin: SignedInUser, username: string) => {
  const agent = await roleNamed(t, admin.tenant.id, 'Agent');
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/admin/users',
    headers: admin.headers,
    payload: { username, email: `${username}@example.test`, firstName: 'Invited', lastName: 'Person', roleId: agent.id },
  });
  expect(response.statusCode, response.body).toBe(201);
  const email = (await t.mailbox()).filter((candidate) => candidate.to.includes(`${username}@example.test`)).at(-1);
  const link = email?.links.find((candidate) => candidate.includes('/first-access/')) ?? '';
  return { userId: response.json().user.id as string, token: tokenFromLink(link) };
};
const resend = (admin: SignedInUser, userId: string) => t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${userId}/invitation`, headers: admin.headers });
const invitationRows = (userId: string) => t.deps.db.selectFrom('single_use_links').selectAll().where('purpose', '=', 'invitation').where('user_id', '=', userId).orderBy('id').execute();
const outboxRows = () => t.deps.db.selectFrom('outbox_messages').select(['id', 'tenant_id', 'recipient']).orderBy('id').execute();

describe('invitations across tenants', () => {
  it("cannot resend another tenant's pending invitation: 404 USER_NOT_FOUND, the link unchanged and no email", async () => {
    const pending = await inviteAs(adminA, 'pending.of.a');
    const invitationsBefore = await invitationRows(pending.userId);
    const outboxBefore = await outboxRows();
    const refused = await resend(adminB, pending.userId);
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.code).toBe('USER_NOT_FOUND');
    expect(await invitationRows(pending.userId)).toEqual(invitationsBefore);
    expect(await outboxRows()).toEqual(outboxBefore);
    const described = await t.app.inject({ method: 'GET', url: `/api/v1/invitations/${pending.token}` });
    expect(described.statusCode).toBe(200);
    expect(described.json().tenant).toEqual({ id: adminA.tenant.id, name: 'Invite Tenant A' });
  });

  it("does not reveal whether another tenant's user has accepted: 404, never INVITATION_NOT_PENDING", async () => {
    const accepted = await inviteAs(adminA, 'accepted.of.a');
    await acceptInvitation(t, accepted.token);
    expect((await resend(adminA, accepted.userId)).json().error.code).toBe('INVITATION_NOT_PENDING');
    const refused = await resend(adminB, accepted.userId);
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.code).toBe('USER_NOT_FOUND');
  });

  it("makes the invited person a member of the inviter's tenant only", async () => {
    const invited = await inviteAs(adminB, 'member.of.b');
    const described = await t.app.inject({ method: 'GET', url: `/api/v1/invitations/${invited.token}` });
    expect(described.json().tenant).toEqual({ id: adminB.tenant.id, name: 'Invite Tenant B' });
    expect(described.body).not.toContain(adminA.tenant.id);
    await acceptInvitation(t, invited.token);
    const memberships = await t.deps.db.selectFrom('memberships').select(['tenant_id']).where('user_id', '=', invited.userId).execute();
    expect(memberships).toEqual([{ tenant_id: adminB.tenant.id }]);
    const invitations = await invitationRows(invited.userId);
    expect(invitations.map((row) => row.tenant_id)).toEqual([adminB.tenant.id]);
    const outbox = (await outboxRows()).filter((row) => row.recipient === 'member.of.b@example.test');
    expect(outbox.map((row) => row.tenant_id)).toEqual([adminB.tenant.id]);
  });

  it('refuses an invitation naming a tenant, and stores nothing', async () => {
    const agentOfB = await roleNamed(t, adminB.tenant.id, 'Agent');
    const usersBefore = await t.deps.db.selectFrom('users').select('id').orderBy('id').execute();
    for (const extra of [{ tenantId: adminA.tenant.id }, { tenant: 'Invite Tenant A' }]) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/admin/users',
        headers: adminB.headers,
        payload: { username: 'tenant.hopper', email: 'hopper@example.test', firstName: 'T', lastName: 'H', roleId: agentOfB.id, ...extra },
      });
      expect(response.statusCode, JSON.stringify(extra)).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect(await t.deps.db.selectFrom('users').select('id').orderBy('id').execute()).toEqual(usersBefore);
  });
});

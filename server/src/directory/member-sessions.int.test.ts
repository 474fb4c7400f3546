import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinTenant, login, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, strongPassword, type TestApp } from '../testing/test-app.ts';

/**
 * SPEC §4b "Administration, completed": an administrator lists a person's sessions in this tenant and ends one or all of them, at
 * once on every instance, each audited; with the rank rules of every action on a member (docs/tenants.md), and never reaching a
 * session the person has in another tenant.
 */

let t: TestApp;
let adminA: SignedInUser;
let adminB: SignedInUser;
/** An Agent of A (the role holds presence.use, an agent capability that ranks nobody). */
let agentA: SignedInUser;
/** A custom role of A with users.view and users.edit and the Agent's other permissions: outranks the Agent, not the Administrator. */
let deskA: SignedInUser;
/** Homed in B (Supervisor there), an Agent in A. */
let pat: SignedInUser;
/** Pat's session in A (switched there) and in B (the default tenant). */
let patInA: string;
let patInB: string;

interface Item {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
  device: string | null;
  tenantId: string;
}

type Method = 'GET' | 'DELETE';
const call = (who: Pick<SignedInUser, 'headers'>, method: Method, url: string) => t.app.inject({ method, url, headers: who.headers });
const sessionsUrl = (userId: string) => `/api/v1/admin/users/${userId}/sessions`;
const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
const stored = async () => ({
  sessions: await t.deps.db.selectFrom('sessions').select(['id', 'user_id', 'tenant_id']).orderBy('id').execute(),
  ended: (await t.deps.db.selectFrom('audit_events').select('id').where('action', '=', 'session.ended').execute()).length,
});
const sessionIdsOf = async (userId: string, tenantId: string) =>
  (await t.deps.db.selectFrom('sessions').select('id').where('user_id', '=', userId).where('tenant_id', '=', tenantId).orderBy('id').execute()).map((row) => row.id);

async function signInFrom(username: string, userAgent: string, remoteAddress: string): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { origin: t.config.publicUrl.origin, 'user-agent': userAgent },
    remoteAddress,
    payload: { username, password: strongPassword },
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((entry) => entry.name === 'lanyard_session');
  if (cookie === undefined) throw new Error('no session cookie');
  return `${cookie.name}=${cookie.value}`;
}

const chromeOnWindows = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

beforeAll(async () => {
  t = await createTestApp();
  adminA = await signedInUser(t, { tenantName: 'Sessions Admin A', username: 'sessions.admin.a' });
  adminB = await signedInUser(t, { tenantName: 'Sessions Admin B', username: 'sessions.admin.b' });
  agentA = await signedInUser(t, { tenant: adminA.tenant, username: 'sessions.agent.a', role: 'Agent' });
  const desk = await t.app.inject({
    method: 'POST',
    url: '/api/v1/admin/roles',
    headers: adminA.headers,
    payload: { name: 'Session Desk', permissions: ['users.view', 'users.edit', 'support.downloads.view', 'profile.edit', 'profile.wfmNotifications'] },
  });
  if (desk.statusCode !== 201) throw new Error(`role: ${desk.statusCode} ${desk.body}`);
  deskA = await signedInUser(t, { tenant: adminA.tenant, username: 'sessions.desk.a', role: 'Session Desk' });
  pat = await signedInUser(t, { tenant: adminB.tenant, username: 'sessions.pat', role: 'Supervisor' });
  await joinTenant(t, adminA, pat, 'Agent');
  patInB = pat.cookie;
  patInA = await login(t, pat.username);
  const switched = await t.app.inject({ method: 'POST', url: '/api/v1/me/tenant', headers: { cookie: patInA, origin: t.config.publicUrl.origin }, payload: { tenantId: adminA.tenant.id } });
  if (switched.statusCode !== 200) throw new Error(`switch: ${switched.statusCode} ${switched.body}`);
});
afterAll(async () => t.close());

describe('listing a person’s sessions', () => {
  it('lists the live sessions in this tenant only, newest first, with device, IP and times (never a cookie value)', async () => {
    const desktop = await signInFrom(agentA.username, chromeOnWindows, '192.0.2.20');
    const response = await call(adminA, 'GET', sessionsUrl(agentA.userId));
    expect(response.statusCode, response.body).toBe(200);
    const items = response.json().items as Item[];
    expect(items.map((item) => item.id).sort()).toEqual(await sessionIdsOf(agentA.userId, adminA.tenant.id));
    expect(items).toHaveLength(2);
    expect(items[0]).toEqual({
      id: expect.any(String),
      createdAt: t.clock.now().toISOString(),
      lastSeenAt: t.clock.now().toISOString(),
      ip: '192.0.2.20',
      userAgent: chromeOnWindows,
      device: 'Chrome on Windows',
      tenantId: adminA.tenant.id,
    });
    for (const cookie of [desktop, agentA.cookie]) expect(response.body).not.toContain(cookie.split('=')[1]);
  });

  it('never lists the session a two-tenant person has in another tenant', async () => {
    const inA = (await call(adminA, 'GET', sessionsUrl(pat.userId))).json().items as Item[];
    expect(inA.map((item) => item.id)).toEqual(await sessionIdsOf(pat.userId, adminA.tenant.id));
    expect(inA).toHaveLength(1);
    expect(inA.every((item) => item.tenantId === adminA.tenant.id)).toBe(true);
    const inB = (await call(adminB, 'GET', sessionsUrl(pat.userId))).json().items as Item[];
    expect(inB.map((item) => item.id)).toEqual(await sessionIdsOf(pat.userId, adminB.tenant.id));
    expect(inB.map((item) => item.id)).not.toContain(inA[0]?.id);
  });

  it('refuses a person of another tenant (404), one who outranks the caller (403), and a caller without users.view (403)', async () => {
    const elsewhere = await call(adminB, 'GET', sessionsUrl(agentA.userId));
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json().error.code).toBe('USER_NOT_FOUND');
    const outranked = await call(deskA, 'GET', sessionsUrl(adminA.userId));
    expect(outranked.statusCode).toBe(403);
    expect(outranked.json().error.code).toBe('PERMISSION_DENIED');
    // presence.use is no authority: the desk, without it, still manages the Agent.
    expect((await call(deskA, 'GET', sessionsUrl(agentA.userId))).statusCode).toBe(200);
    const agent = await call(agentA, 'GET', sessionsUrl(adminA.userId));
    expect(agent.statusCode).toBe(403);
    expect(agent.json().error.code).toBe('PERMISSION_DENIED');
    expect((await t.app.inject({ method: 'GET', url: sessionsUrl(agentA.userId) })).json().error.code).toBe('AUTH_REQUIRED');
    expect((await call(adminA, 'GET', sessionsUrl('not-an-id'))).json().error.code).toBe('VALIDATION_FAILED');
  });
});

describe('ending a person’s sessions', () => {
  it('ends one session at once, on this instance and on another one, audited with the person as the target', async () => {
    const other = await t.secondInstance();
    try {
      const desktop = await signInFrom(agentA.username, chromeOnWindows, '192.0.2.21');
      expect((await other.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: desktop } })).statusCode).toBe(200);
      const target = ((await call(adminA, 'GET', sessionsUrl(agentA.userId))).json().items as Item[]).find((item) => item.ip === '192.0.2.21');
      if (target === undefined) throw new Error('no such session listed');
      const ended = await call(adminA, 'DELETE', `${sessionsUrl(agentA.userId)}/${target.id}`);
      expect(ended.statusCode, ended.body).toBe(204);
      expect((await me(desktop)).json().error.code).toBe('AUTH_REQUIRED');
      expect((await other.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: desktop } })).statusCode).toBe(401);
      expect((await me(agentA.cookie)).statusCode).toBe(200);
      const audit = await t.deps.db
        .selectFrom('audit_events')
        .select(['tenant_id', 'actor_user_id', 'target_type', 'target_id', 'result', 'details'])
        .where('action', '=', 'session.ended')
        .where('target_id', '=', agentA.userId)
        .execute();
      expect(audit).toEqual([
        {
          tenant_id: adminA.tenant.id,
          actor_user_id: adminA.userId,
          target_type: 'user',
          target_id: agentA.userId,
          result: 'success',
          details: { sessionId: target.id, byAdministrator: true, scope: 'one', current: false },
        },
      ]);
    } finally {
      await other.close();
    }
  });

  it('answers 404 SESSION_NOT_FOUND for another person’s session, the person’s session in another tenant, or an unknown id, ending nothing', async () => {
    const [patSessionInB] = await sessionIdsOf(pat.userId, adminB.tenant.id);
    const [adminSession] = await sessionIdsOf(adminA.userId, adminA.tenant.id);
    if (patSessionInB === undefined || adminSession === undefined) throw new Error('sessions missing');
    const before = await stored();
    for (const [userId, sessionId] of [
      [pat.userId, patSessionInB],
      [agentA.userId, adminSession],
      [agentA.userId, '00000000-0000-7000-8000-000000000000'],
    ] as const) {
      const refused = await call(adminA, 'DELETE', `${sessionsUrl(userId)}/${sessionId}`);
      expect(refused.statusCode, refused.body).toBe(404);
      expect(refused.json().error.code).toBe('SESSION_NOT_FOUND');
    }
    // Another tenant's administrator reaches neither the person nor their session there.
    const [agentSession] = await sessionIdsOf(agentA.userId, adminA.tenant.id);
    expect((await call(adminB, 'DELETE', `${sessionsUrl(agentA.userId)}/${agentSession}`)).json().error.code).toBe('USER_NOT_FOUND');
    expect((await call(adminB, 'DELETE', sessionsUrl(agentA.userId))).json().error.code).toBe('USER_NOT_FOUND');
    expect((await call(adminA, 'DELETE', `${sessionsUrl(agentA.userId)}/not-an-id`)).json().error.code).toBe('VALIDATION_FAILED');
    expect(await stored()).toEqual(before);
    expect((await me(patInB)).statusCode).toBe(200);
    expect((await me(adminA.cookie)).statusCode).toBe(200);
  });

  it('refuses an outranked caller and a caller without users.edit, ending nothing', async () => {
    const [adminSession] = await sessionIdsOf(adminA.userId, adminA.tenant.id);
    const before = await stored();
    for (const url of [sessionsUrl(adminA.userId), `${sessionsUrl(adminA.userId)}/${adminSession}`]) {
      const outranked = await call(deskA, 'DELETE', url);
      expect(outranked.statusCode).toBe(403);
      expect(outranked.json().error.code).toBe('PERMISSION_DENIED');
      expect((await call(agentA, 'DELETE', url)).json().error.code).toBe('PERMISSION_DENIED');
    }
    expect(await stored()).toEqual(before);
  });

  it('ends every session of a two-tenant person in this tenant only, each audited; the other tenant’s session goes on', async () => {
    const second = await signInFrom(pat.username, chromeOnWindows, '192.0.2.22');
    const moved = await t.app.inject({ method: 'POST', url: '/api/v1/me/tenant', headers: { cookie: second, origin: t.config.publicUrl.origin }, payload: { tenantId: adminA.tenant.id } });
    expect(moved.statusCode, moved.body).toBe(200);
    const inA = await sessionIdsOf(pat.userId, adminA.tenant.id);
    expect(inA).toHaveLength(2);
    const ended = await call(adminA, 'DELETE', sessionsUrl(pat.userId));
    expect(ended.statusCode, ended.body).toBe(204);
    expect((await me(patInA)).statusCode).toBe(401);
    expect((await me(second)).statusCode).toBe(401);
    expect((await me(patInB)).statusCode).toBe(200);
    expect(await sessionIdsOf(pat.userId, adminA.tenant.id)).toEqual([]);
    expect(await sessionIdsOf(pat.userId, adminB.tenant.id)).toHaveLength(1);
    const audit = await t.deps.db.selectFrom('audit_events').select(['tenant_id', 'details']).where('action', '=', 'session.ended').where('target_id', '=', pat.userId).execute();
    expect(audit.map((row) => row.tenant_id)).toEqual([adminA.tenant.id, adminA.tenant.id]);
    expect(audit.map((row) => (row.details as { sessionId: string }).sessionId).sort()).toEqual(inA);
    expect(audit.every((row) => (row.details as { scope: string }).scope === 'all')).toBe(true);
    // Nothing left to end: still 204, nothing audited.
    expect((await call(adminA, 'DELETE', sessionsUrl(pat.userId))).statusCode).toBe(204);
    expect(await t.deps.db.selectFrom('audit_events').select('id').where('action', '=', 'session.ended').where('target_id', '=', pat.userId).execute()).toHaveLength(2);
  });
});

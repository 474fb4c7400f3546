import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, strongPassword, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let adminA: SignedInUser;
let adminB: SignedInUser;
let supervisorA: SignedInUser;
let reporterA: SignedInUser;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
const request = (who: SignedInUser, method: Method, url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
interface ListAnswer {
  id: string;
  name: string;
  reasons: { label: string }[];
  isDefault: boolean;
  assignedCount: number;
}
const lists = async (who: SignedInUser) => (await request(who, 'GET', '/api/v1/admin/presence-reason-lists')).json<{ items: ListAnswer[] }>().items;
const createList = async (name: string, reasons: string[], who = adminA): Promise<ListAnswer> => {
  const response = await request(who, 'POST', '/api/v1/admin/presence-reason-lists', { name, reasons: reasons.map((label) => ({ label })) });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<ListAnswer>();
};
const stored = async () => ({
  lists: await t.deps.db.selectFrom('presence_reason_lists').selectAll().orderBy('id').execute(),
  memberships: await t.deps.db.selectFrom('memberships').select(['tenant_id', 'user_id', 'presence_reason_list_id']).orderBy('user_id').execute(),
  audit: Number((await t.deps.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n),
});
const listEvents = async (tenantId: string, targetId: string) =>
  (await t.deps.audit.list(tenantId, { limit: 100 })).filter((event) => event.targetId === targetId).map((event) => [event.action, event.details]);
const signIn = (username: string, password = strongPassword) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: t.config.publicUrl.origin }, payload: { username, password } });

beforeAll(async () => {
  t = await createTestApp();
  adminA = await signedInUser(t, { tenantName: 'Presence A', username: 'anne.presence' });
  adminB = await signedInUser(t, { tenantName: 'Presence B', username: 'diana.presence' });
  supervisorA = await signedInUser(t, { tenant: adminA.tenant, username: 'marilla.presence', role: 'Supervisor' });
  // A role without presence.use (every built-in role but Administrator's has it: it is an agent capability, no authority).
  const role = await request(adminA, 'POST', '/api/v1/admin/roles', { name: 'Reporting', permissions: ['users.view', 'audit.view'] });
  expect(role.statusCode, role.body).toBe(201);
  reporterA = await signedInUser(t, { tenant: adminA.tenant, username: 'rachel.presence', role: 'Reporting' });
});
afterAll(async () => t.close());

describe('presence reason lists', () => {
  it('a new tenant starts with a default list (Break, Lunch, Training, Meeting)', async () => {
    expect(await lists(adminA)).toEqual([
      { id: expect.any(String), name: 'Default', reasons: [{ label: 'Break' }, { label: 'Lunch' }, { label: 'Training' }, { label: 'Meeting' }], isDefault: true, assignedCount: 0 },
    ]);
  });

  it('creates, reads, renames and reorders lists, audited, and keeps tenants apart', async () => {
    const list = await createList(' Day Shift ', ['Break', 'Lunch']);
    expect(list).toEqual({ id: expect.any(String), name: 'Day Shift', reasons: [{ label: 'Break' }, { label: 'Lunch' }], isDefault: false, assignedCount: 0 });
    expect((await request(adminA, 'GET', `/api/v1/admin/presence-reason-lists/${list.id}`)).json()).toEqual(list);

    const changed = await request(adminA, 'PATCH', `/api/v1/admin/presence-reason-lists/${list.id}`, { name: 'Morning Shift', reasons: [{ label: 'Lunch' }, { label: 'Training' }, { label: 'Break' }] });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ name: 'Morning Shift', reasons: [{ label: 'Lunch' }, { label: 'Training' }, { label: 'Break' }] });
    expect(await listEvents(adminA.tenant.id, list.id)).toEqual([
      ['presence.list.updated', { before: { name: 'Day Shift', reasons: ['Break', 'Lunch'] }, after: { name: 'Morning Shift', reasons: ['Lunch', 'Training', 'Break'] } }],
      ['presence.list.created', { name: 'Day Shift', reasons: ['Break', 'Lunch'] }],
    ]);

    // Tenant isolation: B sees only its own default list and cannot read, change, delete or assign A's.
    expect((await lists(adminB)).map((entry) => entry.name)).toEqual(['Default']);
    const before = await stored();
    for (const [method, url, payload] of [
      ['GET', `/api/v1/admin/presence-reason-lists/${list.id}`, undefined],
      ['PATCH', `/api/v1/admin/presence-reason-lists/${list.id}`, { name: 'Stolen' }],
      ['DELETE', `/api/v1/admin/presence-reason-lists/${list.id}`, undefined],
      ['PUT', '/api/v1/admin/presence-reason-lists/default', { listId: list.id }],
      ['PATCH', `/api/v1/admin/users/${adminB.userId}`, { presenceReasonListId: list.id }],
    ] as const) {
      const response = await request(adminB, method, url, payload);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().error.code).toBe('PRESENCE_REASON_LIST_NOT_FOUND');
    }
    expect(await stored()).toEqual(before);
  });

  it('refuses bad input, taken names and missing permissions, storing nothing', async () => {
    const list = (await lists(adminA)).find((entry) => entry.name === 'Morning Shift') as ListAnswer;
    const before = await stored();
    const cases: [SignedInUser, Method, string, unknown, number, string][] = [
      [adminA, 'POST', '/api/v1/admin/presence-reason-lists', { name: 'morning shift', reasons: [] }, 409, 'PRESENCE_REASON_LIST_NAME_TAKEN'],
      [adminA, 'PATCH', `/api/v1/admin/presence-reason-lists/${list.id}`, { name: 'DEFAULT' }, 409, 'PRESENCE_REASON_LIST_NAME_TAKEN'],
      [adminA, 'POST', '/api/v1/admin/presence-reason-lists', { name: '', reasons: [] }, 400, 'VALIDATION_FAILED'],
      [adminA, 'POST', '/api/v1/admin/presence-reason-lists', { name: 'X' }, 400, 'VALIDATION_FAILED'],
      [adminA, 'POST', '/api/v1/admin/presence-reason-lists', { name: 'X', reasons: [{ label: '' }] }, 400, 'VALIDATION_FAILED'],
      [adminA, 'POST', '/api/v1/admin/presence-reason-lists', { name: 'X', reasons: [{ label: 'a\u0000' }] }, 400, 'VALIDATION_FAILED'],
      [adminA, 'POST', '/api/v1/admin/presence-reason-lists', { name: 'X', reasons: Array.from({ length: 51 }, (_, i) => ({ label: `R${i}` })) }, 400, 'VALIDATION_FAILED'],
      [adminA, 'PATCH', `/api/v1/admin/presence-reason-lists/${list.id}`, {}, 400, 'VALIDATION_FAILED'],
      [adminA, 'PATCH', '/api/v1/admin/presence-reason-lists/nope', { name: 'X' }, 400, 'VALIDATION_FAILED'],
      [adminA, 'PATCH', '/api/v1/admin/presence-reason-lists/01890a5d-ac96-774b-bcce-b302099a8057', { name: 'X' }, 404, 'PRESENCE_REASON_LIST_NOT_FOUND'],
      [adminA, 'PUT', '/api/v1/admin/presence-reason-lists/default', { listId: '01890a5d-ac96-774b-bcce-b302099a8057' }, 404, 'PRESENCE_REASON_LIST_NOT_FOUND'],
      [adminA, 'PUT', '/api/v1/admin/presence-reason-lists/default', {}, 400, 'VALIDATION_FAILED'],
      [supervisorA, 'GET', '/api/v1/admin/presence-reason-lists', undefined, 403, 'PERMISSION_DENIED'],
      [supervisorA, 'POST', '/api/v1/admin/presence-reason-lists', { name: 'X', reasons: [] }, 403, 'PERMISSION_DENIED'],
    ];
    for (const [who, method, url, payload, status, code] of cases) {
      const response = await request(who, method, url, payload);
      expect(response.statusCode, `${method} ${url} ${JSON.stringify(payload)}`).toBe(status);
      expect(response.json().error.code).toBe(code);
    }
    expect(await stored()).toEqual(before);
  });

  it('assigns a list per user, refuses to delete it while assigned or default, then deletes it', async () => {
    const list = (await lists(adminA)).find((entry) => entry.name === 'Morning Shift') as ListAnswer;
    const defaultList = (await lists(adminA)).find((entry) => entry.isDefault) as ListAnswer;
    const agent = await signedInUser(t, { tenant: adminA.tenant, username: 'ruby.presence', role: 'Agent' });
    const assigned = await request(adminA, 'PATCH', `/api/v1/admin/users/${agent.userId}`, { presenceReasonListId: list.id });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect((await lists(adminA)).find((entry) => entry.id === list.id)?.assignedCount).toBe(1);
    expect(await listEvents(adminA.tenant.id, agent.userId)).toContainEqual(['user.presenceList.changed', { fromListId: null, toListId: list.id }]);
    const mine = await request(agent, 'GET', '/api/v1/me/presence-reason-list');
    expect(mine.json()).toEqual({ required: true, list: { id: list.id, name: 'Morning Shift', source: 'own' } });

    const before = await stored();
    const inUse = await request(adminA, 'DELETE', `/api/v1/admin/presence-reason-lists/${list.id}`);
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().error).toMatchObject({ code: 'PRESENCE_REASON_LIST_IN_USE', details: { assignedCount: 1 } });
    const isDefault = await request(adminA, 'DELETE', `/api/v1/admin/presence-reason-lists/${defaultList.id}`);
    expect(isDefault.statusCode).toBe(409);
    expect(isDefault.json().error.code).toBe('PRESENCE_REASON_LIST_IS_DEFAULT');
    expect(await stored()).toEqual(before);

    expect((await request(adminA, 'PATCH', `/api/v1/admin/users/${agent.userId}`, { presenceReasonListId: null })).statusCode).toBe(200);
    expect((await request(agent, 'GET', '/api/v1/me/presence-reason-list')).json()).toEqual({ required: true, list: { id: defaultList.id, name: 'Default', source: 'default' } });
    expect((await request(adminA, 'DELETE', `/api/v1/admin/presence-reason-lists/${list.id}`)).statusCode).toBe(204);
    expect((await lists(adminA)).map((entry) => entry.name)).toEqual(['Default']);
    expect(await listEvents(adminA.tenant.id, list.id)).toContainEqual(['presence.list.deleted', { name: 'Morning Shift' }]);
  });
});

describe('the sign-in check', () => {
  it('refuses a presence.use user without any list after the right password: 403, no session, audited, not counted', async () => {
    const agent = await signedInUser(t, { tenant: adminA.tenant, username: 'josie.presence', role: 'Agent' });
    const defaultList = (await lists(adminA)).find((entry) => entry.isDefault) as ListAnswer;
    // With the tenant default: signed in (above). Without any default: refused.
    expect((await request(adminA, 'PUT', '/api/v1/admin/presence-reason-lists/default', { listId: null })).statusCode).toBe(204);
    expect((await lists(adminA)).every((entry) => !entry.isDefault)).toBe(true);

    for (let attempt = 0; attempt < 7; attempt++) {
      const refused = await signIn('josie.presence');
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error).toMatchObject({ code: 'PRESENCE_REASON_LIST_REQUIRED', message: 'You need a Presence Reason list to sign in. Contact your administrator.' });
      expect(refused.cookies.find((cookie) => cookie.name === 'lanyard_session')).toBeUndefined();
    }
    // Seven right passwords never lock the account (the lockout counts 6 failures).
    const row = await t.deps.db.selectFrom('password_credentials').select(['failed_login_count', 'locked_until']).where('user_id', '=', agent.userId).executeTakeFirstOrThrow();
    expect(row).toEqual({ failed_login_count: 0, locked_until: null });
    const failures = (await t.deps.audit.list(adminA.tenant.id, { limit: 100 })).filter((event) => event.action === 'auth.login.failed' && event.targetId === agent.userId);
    expect(failures).toHaveLength(7);
    expect(failures[0]?.details).toEqual({ reason: 'no-presence-reason-list', method: 'password' });
    // A wrong password is still the generic answer.
    expect((await signIn('josie.presence', 'Wrong-Horse-42-battery')).json().error.code).toBe('AUTH_INVALID_CREDENTIALS');

    // Roles without presence.use sign in without a list; the built-in Administrator no longer holds it, so removing the default
    // never locks the administrators out.
    await login(t, 'rachel.presence');
    await login(t, 'anne.presence');
    // A person who holds security.policies.manage is never refused, presence.use or not: they must be able to set a list.
    const floorLead = await request(adminA, 'POST', '/api/v1/admin/roles', { name: 'Floor Lead', permissions: ['presence.use', 'security.policies.manage'] });
    expect(floorLead.statusCode).toBe(201);
    await signedInUser(t, { tenant: adminA.tenant, username: 'lead.presence', role: 'Floor Lead' });
    await login(t, 'lead.presence');
    // A list of their own lets the agent in.
    const own = await createList('Evening', ['Break']);
    expect((await request(adminA, 'PATCH', `/api/v1/admin/users/${agent.userId}`, { presenceReasonListId: own.id })).statusCode).toBe(200);
    await login(t, 'josie.presence');
    // So does the tenant default again.
    expect((await request(adminA, 'PATCH', `/api/v1/admin/users/${agent.userId}`, { presenceReasonListId: null })).statusCode).toBe(200);
    expect((await signIn('josie.presence')).statusCode).toBe(403);
    expect((await request(adminA, 'PUT', '/api/v1/admin/presence-reason-lists/default', { listId: defaultList.id })).statusCode).toBe(204);
    await login(t, 'josie.presence');
    expect(await listEvents(adminA.tenant.id, defaultList.id)).toContainEqual(['presence.list.default.changed', { from: null, to: defaultList.id }]);
  });
});

describe('the microphone outcome', () => {
  it('is asked of presence.use users until allowed, recorded per user, audited', async () => {
    const agent = await signedInUser(t, { tenant: adminA.tenant, username: 'jane.presence', role: 'Agent' });
    const state = async (who: SignedInUser) => (await request(who, 'GET', '/api/v1/me/microphone')).json();
    expect(await state(agent)).toEqual({ outcome: null, recordedAt: null, promptNeeded: true });
    expect(await state(reporterA)).toEqual({ outcome: null, recordedAt: null, promptNeeded: false });
    const blocked = await request(agent, 'PUT', '/api/v1/me/microphone', { outcome: 'blocked' });
    expect(blocked.json()).toEqual({ outcome: 'blocked', recordedAt: t.clock.now().toISOString(), promptNeeded: true });
    expect((await request(agent, 'PUT', '/api/v1/me/microphone', { outcome: 'no-device' })).json()).toMatchObject({ outcome: 'no-device', promptNeeded: true });
    expect((await request(agent, 'PUT', '/api/v1/me/microphone', { outcome: 'allowed' })).json()).toMatchObject({ outcome: 'allowed', promptNeeded: false });
    expect(await state(agent)).toMatchObject({ outcome: 'allowed', promptNeeded: false });
    // Another user's record is their own.
    expect(await state(adminA)).toMatchObject({ outcome: null });
    for (const payload of [{}, { outcome: 'maybe' }, { outcome: 'allowed', extra: 1 }]) {
      const response = await request(agent, 'PUT', '/api/v1/me/microphone', payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect((await state(agent)).outcome).toBe('allowed');
    const events = (await t.deps.audit.list(adminA.tenant.id, { limit: 100 })).filter((event) => event.action === 'user.microphone.recorded' && event.targetId === agent.userId);
    expect(events.map((event) => event.details.outcome)).toEqual(['allowed', 'no-device', 'blocked']);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me/microphone' })).statusCode).toBe(401);
  });
});

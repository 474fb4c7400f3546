import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let adminA: SignedInUser;
let adminB: SignedInUser;
let supervisorA: SignedInUser;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const request = (who: SignedInUser, method: Method, url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
const createTeam = async (name: string, who = adminA): Promise<string> => {
  const response = await request(who, 'POST', '/api/v1/admin/teams', { name });
  expect(response.statusCode).toBe(201);
  return response.json().id as string;
};
const listTeams = async (who: SignedInUser) => (await request(who, 'GET', '/api/v1/admin/teams')).json().items as { id: string; name: string; membersCount: number }[];
const stored = async () => ({
  teams: await t.deps.db.selectFrom('teams').selectAll().orderBy('id').execute(),
  memberships: await t.deps.db.selectFrom('memberships').selectAll().orderBy('user_id').execute(),
  audit: Number((await t.deps.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n),
});
const teamEvents = async (teamId: string) =>
  (await t.deps.audit.list(adminA.tenant.id, { limit: 100 })).filter((event) => event.targetType === 'team' && event.targetId === teamId);

beforeAll(async () => {
  t = await createTestApp();
  adminA = await signedInUser(t, { tenantName: 'Team Admin A', username: 'anne.teams' });
  adminB = await signedInUser(t, { tenantName: 'Team Admin B', username: 'diana.teams' });
  supervisorA = await signedInUser(t, { tenant: adminA.tenant, username: 'marilla.teams', role: 'Supervisor' });
});
afterAll(async () => t.close());

describe('the team list', () => {
  it('answers each team with how many members it has (id, name, membersCount), and audits creation', async () => {
    const day = await createTeam('Day Shift');
    const night = await createTeam('Night Shift');
    await createTeam('Empty');
    for (const username of ['day.one', 'day.two', 'day.three']) await signedInUser(t, { tenant: adminA.tenant, username, role: 'Agent', teamId: day });
    await signedInUser(t, { tenant: adminA.tenant, username: 'night.one', role: 'Agent', teamId: night });
    expect(await listTeams(adminA)).toEqual([
      { id: day, name: 'Day Shift', membersCount: 3 },
      { id: expect.any(String), name: 'Empty', membersCount: 0 },
      { id: night, name: 'Night Shift', membersCount: 1 },
    ]);
    expect((await teamEvents(day)).map((event) => [event.action, event.actorUserId, event.details])).toEqual([['team.created', adminA.userId, { name: 'Day Shift' }]]);
    // Supervisors (users.view) see the list too; another tenant sees none of it.
    expect(await listTeams(supervisorA)).toHaveLength(3);
    expect(await listTeams(adminB)).toEqual([]);
  });
});

describe('renaming a team', () => {
  it('renames it (audited with before and after) and refuses a taken name, bad input and unknown ids, storing nothing', async () => {
    const day = (await listTeams(adminA)).find((team) => team.name === 'Day Shift')?.id ?? '';
    const renamed = await request(adminA, 'PATCH', `/api/v1/admin/teams/${day}`, { name: ' Morning Shift ' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toEqual({ id: day, name: 'Morning Shift' });
    const row = await t.deps.db.selectFrom('teams').selectAll().where('id', '=', day).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: 'Morning Shift', name_canonical: 'morning shift' });
    const renameEvent = (await teamEvents(day)).find((event) => event.action === 'team.renamed');
    expect(renameEvent?.details).toEqual({ before: { name: 'Day Shift' }, after: { name: 'Morning Shift' } });
    // The members keep the team.
    expect((await listTeams(adminA)).find((team) => team.id === day)?.membersCount).toBe(3);

    const before = await stored();
    const cases: [SignedInUser, string, unknown, number, string][] = [
      [adminA, day, { name: 'night shift' }, 409, 'TEAM_NAME_TAKEN'],
      [adminA, day, { name: '' }, 400, 'VALIDATION_FAILED'],
      [adminA, day, {}, 400, 'VALIDATION_FAILED'],
      [adminA, day, { name: 'X', other: 1 }, 400, 'VALIDATION_FAILED'],
      [adminA, 'nope', { name: 'X' }, 400, 'VALIDATION_FAILED'],
      [adminA, '01890a5d-ac96-774b-bcce-b302099a8057', { name: 'X' }, 404, 'TEAM_NOT_FOUND'],
      [adminB, day, { name: 'Stolen' }, 404, 'TEAM_NOT_FOUND'],
      [supervisorA, day, { name: 'X' }, 403, 'PERMISSION_DENIED'],
    ];
    for (const [who, teamId, payload, status, code] of cases) {
      const response = await request(who, 'PATCH', `/api/v1/admin/teams/${teamId}`, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.json().error.code).toBe(code);
    }
    expect(await stored()).toEqual(before);
  });
});

describe('deleting a team', () => {
  it('unassigns its members in the same transaction as the delete and its audit row', async () => {
    const morning = (await listTeams(adminA)).find((team) => team.name === 'Morning Shift')?.id ?? '';
    const night = (await listTeams(adminA)).find((team) => team.name === 'Night Shift')?.id ?? '';
    const members = await t.deps.db.selectFrom('memberships').select('user_id').where('team_id', '=', morning).execute();
    expect(members).toHaveLength(3);

    const response = await request(adminA, 'DELETE', `/api/v1/admin/teams/${morning}`);
    expect(response.statusCode).toBe(204);
    expect(await t.deps.db.selectFrom('teams').select('id').where('id', '=', morning).executeTakeFirst()).toBeUndefined();
    for (const { user_id } of members) {
      const membership = await t.deps.db.selectFrom('memberships').selectAll().where('user_id', '=', user_id).executeTakeFirstOrThrow();
      expect(membership).toMatchObject({ tenant_id: adminA.tenant.id, team_id: null });
    }
    expect((await teamEvents(morning)).find((event) => event.action === 'team.deleted')?.details).toEqual({ name: 'Morning Shift', unassigned: 3 });
    // Other teams keep their members; the deleted one is gone from the list.
    expect(await listTeams(adminA)).toEqual([
      { id: expect.any(String), name: 'Empty', membersCount: 0 },
      { id: night, name: 'Night Shift', membersCount: 1 },
    ]);
    expect((await request(adminA, 'DELETE', `/api/v1/admin/teams/${morning}`)).json().error.code).toBe('TEAM_NOT_FOUND');
  });

  it("refuses another tenant's team with 404 and anyone without teams.manage, deleting nothing", async () => {
    const night = (await listTeams(adminA)).find((team) => team.name === 'Night Shift')?.id ?? '';
    const before = await stored();
    const foreign = await request(adminB, 'DELETE', `/api/v1/admin/teams/${night}`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('TEAM_NOT_FOUND');
    expect((await request(supervisorA, 'DELETE', `/api/v1/admin/teams/${night}`)).json().error.code).toBe('PERMISSION_DENIED');
    expect((await request(adminA, 'DELETE', '/api/v1/admin/teams/not-a-uuid')).json().error.code).toBe('VALIDATION_FAILED');
    expect(await stored()).toEqual(before);
  });
});

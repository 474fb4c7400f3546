import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleNamed, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let adminA: SignedInUser;
let adminB: SignedInUser;
let supervisorA: SignedInUser;
let agentA: SignedInUser;

beforeAll(async () => {
  t = await createTestApp();
  adminA = await signedInUser(t, { tenantName: 'Teams A', username: 'gilbert.a' });
  adminB = await signedInUser(t, { tenantName: 'Teams B', username: 'charlie.b' });
  supervisorA = await signedInUser(t, { tenant: adminA.tenant, username: 'moody.a', role: 'Supervisor' });
  agentA = await signedInUser(t, { tenant: adminA.tenant, username: 'tillie.a', role: 'Agent' });
});
afterAll(async () => t.close());

const request = (who: SignedInUser | undefined, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: who?.headers ?? { origin: t.config.publicUrl.origin },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
const createTeam = (who: SignedInUser, payload: unknown) => request(who, 'POST', '/api/v1/admin/teams', payload);
const teamRows = () => t.deps.db.selectFrom('teams').selectAll().orderBy('id').execute();
const teamNames = async (who: SignedInUser) => ((await request(who, 'GET', '/api/v1/admin/teams')).json().items as { name: string }[]).map((team) => team.name);

describe('creating teams', () => {
  it('creates a team in the administrator’s tenant with its name trimmed', async () => {
    const response = await createTeam(adminA, { name: '  Night Shift  ' });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ id: expect.any(String), name: 'Night Shift' });
    const row = await t.deps.db.selectFrom('teams').selectAll().where('id', '=', response.json().id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ tenant_id: adminA.tenant.id, name: 'Night Shift', name_canonical: 'night shift' });
  });

  it('refuses a name taken in the tenant, compared after NFKC, trimming and case folding, and stores nothing', async () => {
    const before = await teamRows();
    for (const name of ['Night Shift', 'night shift', 'NIGHT SHIFT', ' Night Shift', 'Ｎｉｇｈｔ Ｓｈｉｆｔ']) {
      const response = await createTeam(adminA, { name });
      expect(response.statusCode, name).toBe(409);
      expect(response.json().error.code).toBe('TEAM_NAME_TAKEN');
    }
    expect(await teamRows()).toEqual(before);
    // Names that differ in more than case and form are different teams.
    expect((await createTeam(adminA, { name: 'NightShift' })).statusCode).toBe(201);
  });

  it('creates exactly one team of ten created at once under one name; the others are TEAM_NAME_TAKEN', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => createTeam(adminA, { name: 'Weekend' })));
    expect(answers.filter((answer) => answer.statusCode === 201)).toHaveLength(1);
    for (const answer of answers.filter((entry) => entry.statusCode !== 201)) {
      expect(answer.statusCode).toBe(409);
      expect(answer.json().error.code).toBe('TEAM_NAME_TAKEN');
    }
    expect((await teamRows()).filter((row) => row.name_canonical === 'weekend')).toHaveLength(1);
  });

  it('refuses bad input with a coded 400 and stores nothing', async () => {
    const before = await teamRows();
    for (const payload of [{}, { name: '' }, { name: '   ' }, { name: 'x'.repeat(101) }, { name: 'a\u0000b' }, { name: 'line\nbreak' }, { name: 42 }, { name: ['Day'] }, { name: 'Day', tenantId: adminB.tenant.id }]) {
      const response = await createTeam(adminA, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
    const malformed = await t.app.inject({ method: 'POST', url: '/api/v1/admin/teams', headers: { ...adminA.headers, 'content-type': 'application/json' }, payload: '{"name":' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('MALFORMED_JSON');
    expect(await teamRows()).toEqual(before);
  });

  it('needs teams.manage to create and users.view to list, and a signed-in caller', async () => {
    const before = await teamRows();
    const denied = await createTeam(supervisorA, { name: 'Supervised' });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toMatchObject({ code: 'PERMISSION_DENIED', details: { missing: ['teams.manage'] } });
    expect((await request(supervisorA, 'GET', '/api/v1/admin/teams')).statusCode).toBe(200);
    const listDenied = await request(agentA, 'GET', '/api/v1/admin/teams');
    expect(listDenied.statusCode).toBe(403);
    expect(listDenied.json().error.code).toBe('PERMISSION_DENIED');
    for (const method of ['GET', 'POST'] as const) {
      const anonymous = await request(undefined, method, '/api/v1/admin/teams', method === 'POST' ? { name: 'Anonymous' } : undefined);
      expect(anonymous.statusCode, method).toBe(401);
      expect(anonymous.json().error.code).toBe('AUTH_REQUIRED');
    }
    expect(await teamRows()).toEqual(before);
  });
});

describe('listing teams', () => {
  it('lists the tenant’s teams by name', async () => {
    const admin = await signedInUser(t, { tenantName: 'Teams Order', username: 'order.admin' });
    for (const name of ['Charlie', 'Alpha', 'Delta', 'Bravo']) expect((await createTeam(admin, { name })).statusCode).toBe(201);
    expect(await teamNames(admin)).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta']);
    expect(await teamNames(adminB)).toEqual([]);
  });
});

describe('tenant isolation', () => {
  it("keeps another tenant's teams out of the list and out of reach, and leaves them unchanged", async () => {
    const ofA = await createTeam(adminA, { name: 'Avonlea Only' });
    const teamOfA = ofA.json().id as string;
    const rowsOfA = (await teamRows()).filter((row) => row.tenant_id === adminA.tenant.id);

    const listed = await request(adminB, 'GET', '/api/v1/admin/teams');
    expect(listed.body).not.toContain(teamOfA);
    expect(listed.json().items.some((team: { name: string }) => team.name === 'Avonlea Only')).toBe(false);

    // The same name is free in tenant B: a team name is unique per tenant.
    expect((await createTeam(adminB, { name: 'Avonlea Only' })).statusCode).toBe(201);

    const agentOfB = await roleNamed(t, adminB.tenant.id, 'Agent');
    const usersBefore = await t.deps.db.selectFrom('users').select('id').execute();
    const invite = await request(adminB, 'POST', '/api/v1/admin/users', {
      username: 'cross.team.b',
      email: 'cross.team.b@example.test',
      firstName: 'Cross',
      lastName: 'Team',
      roleId: agentOfB.id,
      teamId: teamOfA,
    });
    expect(invite.statusCode).toBe(404);
    expect(invite.json().error.code).toBe('TEAM_NOT_FOUND');
    expect(await t.deps.db.selectFrom('users').select('id').execute()).toEqual(usersBefore);

    await expect(t.deps.teams.getTeam(adminB.tenant.id, teamOfA)).rejects.toMatchObject({ code: 'TEAM_NOT_FOUND' });
    expect((await teamRows()).filter((row) => row.tenant_id === adminA.tenant.id)).toEqual(rowsOfA);
  });
});

import { userStatuses } from '@lanyard/contracts/admin';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { statusCondition } from '../users/users.ts';
import { searchRange, type DirectoryCursor } from './directory.ts';
import { directoryPageQuery, type DirectoryFilter } from './directory-read.ts';

/**
 * The user directory's query plans: for every filter combination the console offers (none, a search, a
 * role, a team, a status, and each pair of them), first page and a later one, the planner reads
 * `memberships` through one of its indexes, in the tenant, and never scans `users` or `memberships`
 * sequentially. The tenant holds 30,000 members among others' and the tables are analysed, so the planner
 * decides on real statistics (the 1,000,000-user figures are in docs/benchmarks.md).
 */

let t: TestApp;
let tenantId: string;
let agentRoleId: string;
let teamId: string;
const members = 30_000;

beforeAll(async () => {
  t = await createTestApp();
  const tenant = await t.deps.tenants.createTenant('Plans');
  const neighbour = await t.deps.tenants.createTenant('Neighbour');
  tenantId = tenant.id;
  const roles = await t.deps.roles.listRoles(tenantId);
  agentRoleId = roles.find((role) => role.name === 'Agent')?.id ?? '';
  const teams = [];
  for (let index = 0; index < 20; index += 1) teams.push(await t.deps.teams.createTeam(tenantId, `Team ${index}`));
  teamId = teams[3]?.id ?? '';
  const roleIds = roles.map((role) => role.id);
  const teamIds = teams.map((team) => team.id);
  const now = t.clock.now();
  // Users and memberships, written straight to the tables (the shape the users domain writes: keys folded, status mirrored).
  await sql`
    insert into users (id, username, username_canonical, email, first_name, last_name, status, default_tenant_id, home_tenant_id, created_at, updated_at)
    select ('00000000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, 'user' || i, 'user' || i, 'user' || i || '@example.test',
      'first' || (i % 97), 'last' || (i % 89), case when i % 10 = 0 then 'invited' when i % 23 = 0 then 'disabled' else 'active' end,
      ${tenantId}, ${tenantId}, ${now}, ${now}
    from generate_series(1, ${members + 2000}) as i
  `.execute(t.deps.db);
  await sql`
    insert into memberships (tenant_id, user_id, role_id, team_id, created_at, username_key, email_key, first_name_key, last_name_key, status_base, invitation_expires_at)
    select case when i > ${members} then ${neighbour.id}::uuid else ${tenantId}::uuid end,
      u.id,
      case when i > ${members} then (select id from roles where tenant_id = ${neighbour.id} and name = 'Agent')
        else (${sql.val(roleIds)}::uuid[])[case when i % 50 = 0 then 1 when i % 5 = 0 then 2 else 3 end] end,
      case when i > ${members} or i % 7 = 0 then null else (${sql.val(teamIds)}::uuid[])[1 + i % 20] end,
      ${now}, u.username, u.email, u.first_name, u.last_name,
      case u.status when 'active' then (case when i % 31 = 0 then 'sso_only' else 'enabled' end) else u.status end,
      case when u.status = 'invited' and i % 3 <> 0 then ${now}::timestamptz + (i % 48 - 24) * interval '1 hour' end
    from users u cross join lateral (select substring(u.username from 5)::int as i) n
    where u.username like 'user%'
  `.execute(t.deps.db);
  await sql`analyze users`.execute(t.deps.db);
  await sql`analyze memberships`.execute(t.deps.db);
}, 120_000);
afterAll(async () => t.close());

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

function nodesOf(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];
}

async function planOf(filter: DirectoryFilter): Promise<PlanNode[]> {
  const result = await sql<{ 'QUERY PLAN': [{ Plan: PlanNode }] | string }>`explain (format json) ${directoryPageQuery(filter)}`.execute(t.deps.db);
  const raw = result.rows[0]?.['QUERY PLAN'];
  const parsed = (typeof raw === 'string' ? JSON.parse(raw) : raw) as [{ Plan: PlanNode }];
  return nodesOf(parsed[0].Plan);
}

const base = (): DirectoryFilter => ({ tenantId, search: undefined, roleId: undefined, teamId: undefined, status: undefined, cursor: undefined, limit: 51 });

const combinations: [string, Partial<DirectoryFilter>][] = [
  ['no filter', {}],
  ['a search', { search: searchRange('first1') }],
  ['a role', { roleId: '' }],
  ['a team', { teamId: '' }],
  ...userStatuses.map((status): [string, Partial<DirectoryFilter>] => [`status ${status}`, { status: statusCondition(status, new Date('2026-01-15T09:00:00Z')) }]),
  ['search + role', { search: searchRange('user12'), roleId: '' }],
  ['search + team', { search: searchRange('last3'), teamId: '' }],
  ['search + status', { search: searchRange('user2'), status: statusCondition('invited', new Date('2026-01-15T09:00:00Z')) }],
  ['role + team', { roleId: '', teamId: '' }],
  ['role + status', { roleId: '', status: statusCondition('enabled', new Date('2026-01-15T09:00:00Z')) }],
  ['team + status', { teamId: '', status: statusCondition('disabled', new Date('2026-01-15T09:00:00Z')) }],
];

describe('directory query plans', () => {
  const cursors: [string, (search: boolean) => DirectoryCursor | undefined][] = [
    ['first page', () => undefined],
    ['a later page', (search) => (search ? { mode: 'search', key: 'first4', field: 2, userId: '00000000-0000-7000-8000-000000000abc' } : { mode: 'list', key: 'user2', userId: '00000000-0000-7000-8000-000000000abc' })],
  ];
  for (const [name, partial] of combinations) {
    for (const [page, cursorFor] of cursors) {
      it(`${name}, ${page}: memberships through a directory index in the tenant, no sequential scan`, async () => {
        const filter: DirectoryFilter = {
          ...base(),
          ...partial,
          ...(partial.roleId === undefined ? {} : { roleId: agentRoleId }),
          ...(partial.teamId === undefined ? {} : { teamId }),
        };
        filter.cursor = cursorFor(filter.search !== undefined);
        const nodes = await planOf(filter);
        const sequential = nodes.filter((node) => node['Node Type'] === 'Seq Scan' && ['users', 'memberships'].includes(node['Relation Name'] ?? ''));
        expect(sequential, JSON.stringify(nodes.map((node) => [node['Node Type'], node['Relation Name'], node['Index Name']]))).toEqual([]);
        const describePlan = JSON.stringify(nodes.map((node) => [node['Node Type'], node['Relation Name'], node['Index Name'], node['Index Cond']]));
        // memberships is read through its indexes only (an index scan, or a bitmap of one), each within the tenant.
        for (const node of nodes.filter((candidate) => candidate['Relation Name'] === 'memberships')) {
          expect(['Index Scan', 'Index Only Scan', 'Bitmap Heap Scan'], describePlan).toContain(node['Node Type']);
        }
        const membershipReads = nodes.filter((node) => (node['Index Name'] ?? '').startsWith('memberships'));
        expect(membershipReads.length, describePlan).toBeGreaterThan(0);
        for (const read of membershipReads) {
          expect(read['Index Name'] ?? '', describePlan).toMatch(/^memberships_directory_/);
          expect(read['Index Cond'] ?? '', describePlan).toContain('tenant_id');
        }
        // A search reads one range per field (username, email, first name, last name).
        if (filter.search !== undefined) expect(membershipReads.length).toBeGreaterThanOrEqual(4);
      });
    }
  }

  it('the seeded tenant answers the queries it plans (a sanity check of the data)', async () => {
    const rows = await directoryPageQuery({ ...base(), search: searchRange('FIRST1'), roleId: agentRoleId }).execute(t.deps.db);
    expect(rows.rows.length).toBe(51);
    expect(rows.rows.every((row) => row.sort_key.startsWith('first1') || row.sort_key.startsWith('user'))).toBe(true);
  });
});

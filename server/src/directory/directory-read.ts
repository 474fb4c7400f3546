import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../storage/db.ts';
import type { MembershipStatusBase, PasswordLoginSetting } from '../storage/database.ts';
import type { StatusCondition } from '../users/users.ts';
import { searchFields, type DirectoryCursor, type DirectoryEntry, type KeyRange, type SearchField } from './directory.ts';

/**
 * Select-only read model of the user directory across memberships, users, roles and teams (ADR 0007). It
 * writes nothing. Every query reads `memberships` through one range of one of its directory indexes
 * (migration 0008; docs/architecture.md, "The user directory") and joins users, roles and teams by
 * primary key for the rows of the page only.
 */

export interface DirectoryFilter {
  tenantId: string;
  search: KeyRange | undefined;
  roleId: string | undefined;
  teamId: string | undefined;
  status: StatusCondition | undefined;
  cursor: DirectoryCursor | undefined;
  /** Rows of the merged order to read (a window: with a search, a user may take several, answered once, see `firstPlace`). */
  limit: number;
}

function filterConditions(filter: DirectoryFilter): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [sql`m.tenant_id = ${filter.tenantId}`];
  if (filter.roleId !== undefined) conditions.push(sql`m.role_id = ${filter.roleId}`);
  if (filter.teamId !== undefined) conditions.push(sql`m.team_id = ${filter.teamId}`);
  const status = filter.status;
  if (status !== undefined) {
    conditions.push(sql`m.status_base = ${status.base}`);
    const invitation = status.invitation;
    if (invitation?.kind === 'none') conditions.push(sql`m.invitation_expires_at is null`);
    else if (invitation?.kind === 'expiresAfter') conditions.push(sql`m.invitation_expires_at > ${invitation.at}`);
    else if (invitation?.kind === 'expiredBy') conditions.push(sql`m.invitation_expires_at <= ${invitation.at}`);
  }
  return conditions;
}

function inRange(column: string, range: KeyRange): RawBuilder<unknown> {
  const ref = sql.ref(`m.${column}`);
  return range.upper === undefined ? sql`${ref} >= ${range.lower}` : sql`(${ref} >= ${range.lower} and ${ref} < ${range.upper})`;
}

/** The keyset condition for rows of `field` after the cursor, ordered by (key, field, user id). */
function afterCursor(column: string, field: SearchField, cursor: DirectoryCursor | undefined): RawBuilder<unknown> | undefined {
  if (cursor === undefined) return undefined;
  const ref = sql.ref(`m.${column}`);
  const cursorField = cursor.mode === 'search' ? cursor.field : 0;
  if (field > cursorField) return sql`${ref} >= ${cursor.key}`;
  if (field < cursorField) return sql`${ref} > ${cursor.key}`;
  return sql`(${ref}, m.user_id) > (${cursor.key}, ${cursor.userId}::uuid)`;
}

/**
 * Whether the row found through `field` is the user's first place in the merged order: no other field of the
 * same row also matches the prefix at an earlier (key, field). Computed from the row alone, so a range scan
 * never has to skip rows: a user found through several fields is read several times and answered once.
 */
function firstPlace(field: SearchField, search: KeyRange | undefined): RawBuilder<unknown> {
  if (search === undefined) return sql`true`;
  const own = sql.ref(`m.${searchFields[field]}`);
  const earlier = searchFields.flatMap((column, other) => {
    if (other === field) return [];
    const ref = sql.ref(`m.${column}`);
    return [sql`not (${inRange(column, search)} and ${other < field ? sql`${ref} <= ${own}` : sql`${ref} < ${own}`})`];
  });
  return sql.join(earlier, sql` and `);
}

/** One index range: the members found through `field`, in key order, at most `limit`. */
function candidates(filter: DirectoryFilter, field: SearchField): RawBuilder<unknown> {
  const column = searchFields[field];
  const conditions = filterConditions(filter);
  if (filter.search !== undefined) conditions.push(inRange(column, filter.search));
  const after = afterCursor(column, field, filter.cursor);
  if (after !== undefined) conditions.push(after);
  const ref = sql.ref(`m.${column}`);
  return sql`(select m.user_id, m.role_id, m.team_id, m.status_base, m.invitation_expires_at, ${ref} as sort_key, ${sql.lit(field)}::int as field,
      ${firstPlace(field, filter.search)} as first_place
    from memberships m where ${sql.join(conditions, sql` and `)}
    order by ${ref}, m.user_id limit ${filter.limit})`;
}

interface EntryRow {
  user_id: string;
  username: string;
  email: string;
  first_name: string;
  last_name: string;
  locked_until: Date | null;
  role_id: string;
  role_name: string;
  team_id: string | null;
  team_name: string | null;
  status_base: MembershipStatusBase;
  invitation_expires_at: Date | null;
  sort_key: string;
  field: number;
  first_place: boolean;
}

function toEntry(row: EntryRow): DirectoryEntry {
  return {
    userId: row.user_id,
    username: row.username,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    role: { id: row.role_id, name: row.role_name },
    team: row.team_id === null || row.team_name === null ? null : { id: row.team_id, name: row.team_name },
    statusBase: row.status_base,
    invitationExpiresAt: row.invitation_expires_at,
    lockedUntil: row.locked_until,
    sortKey: row.sort_key,
    field: row.field as SearchField,
    firstPlace: row.first_place,
  };
}

/** The statement of one page (exported so the plan tests and the benchmark EXPLAIN exactly what is run). */
export function directoryPageQuery(filter: DirectoryFilter): RawBuilder<EntryRow> {
  const fields: SearchField[] = filter.search === undefined ? [0] : [0, 1, 2, 3];
  const union = sql.join(
    fields.map((field) => candidates(filter, field)),
    sql` union all `,
  );
  return sql<EntryRow>`select c.user_id, u.username, u.email, u.first_name, u.last_name, pc.locked_until,
      r.id as role_id, r.name as role_name, t.id as team_id, t.name as team_name,
      c.status_base, c.invitation_expires_at, c.sort_key, c.field, c.first_place
    from (${union}) c
    join users u on u.id = c.user_id
    left join password_credentials pc on pc.user_id = c.user_id
    join roles r on r.tenant_id = ${filter.tenantId} and r.id = c.role_id
    left join teams t on t.tenant_id = ${filter.tenantId} and t.id = c.team_id
    order by c.sort_key, c.field, c.user_id
    limit ${filter.limit}`;
}

export async function listDirectoryPage(db: Executor, filter: DirectoryFilter): Promise<DirectoryEntry[]> {
  const result = await directoryPageQuery(filter).execute(db);
  return result.rows.map(toEntry);
}

export interface DirectoryDetailRow extends DirectoryEntry {
  tenant: { id: string; name: string };
  createdAt: Date;
  passwordLogin: PasswordLoginSetting;
  /** This tenant is the user's default tenant (where sign-in lands). */
  isDefault: boolean;
  /** The tenant that manages the account as a whole (SPEC §3.12). */
  homeTenantId: string;
  /** The permissions of the member's role here (the rank rule). */
  permissions: string[];
  /** Wrong passwords or codes counted by the lockout (the account's, stored; a lapsed lock's count no longer applies, see `failedAttemptsNow`). */
  failedLoginCount: number;
}

/** One member of the tenant with what the user page shows; undefined when the user is not a member of it. */
export async function findDirectoryEntry(db: Executor, tenantId: string, userId: string): Promise<DirectoryDetailRow | undefined> {
  const row = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .leftJoin('password_credentials as pc', 'pc.user_id', 'm.user_id')
    .innerJoin('roles as r', (join) => join.onRef('r.tenant_id', '=', 'm.tenant_id').onRef('r.id', '=', 'm.role_id'))
    .leftJoin('teams as t', (join) => join.onRef('t.tenant_id', '=', 'm.tenant_id').onRef('t.id', '=', 'm.team_id'))
    .innerJoin('tenants as tn', 'tn.id', 'm.tenant_id')
    .select([
      'm.user_id',
      'u.username',
      'u.email',
      'u.first_name',
      'u.last_name',
      'pc.locked_until',
      'pc.failed_login_count',
      'u.created_at',
      'u.default_tenant_id',
      'u.home_tenant_id',
      'r.id as role_id',
      'r.name as role_name',
      'r.permissions',
      't.id as team_id',
      't.name as team_name',
      'm.status_base',
      'm.invitation_expires_at',
      'm.username_key as sort_key',
      'm.password_login',
      'tn.id as tenant_id',
      'tn.name as tenant_name',
    ])
    .where('m.tenant_id', '=', tenantId)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    ...toEntry({ ...row, field: 0, first_place: true }),
    tenant: { id: row.tenant_id, name: row.tenant_name },
    createdAt: row.created_at,
    passwordLogin: row.password_login,
    isDefault: row.default_tenant_id === tenantId,
    homeTenantId: row.home_tenant_id,
    permissions: row.permissions,
    failedLoginCount: row.failed_login_count ?? 0,
  };
}

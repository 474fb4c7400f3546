import { sql } from 'kysely';
import type { Executor } from '../storage/db.ts';
import { searchKey } from '@lanyard/contracts/search-key';
import type { MembershipStatusBase, PasswordLoginSetting, UserRow, UserStatus } from '../storage/database.ts';
import { membershipOf, statusBase, userOf, type Membership, type User } from './users.ts';

const toUser = (row: UserRow): User => userOf(row);

export async function insertUser(db: Executor, user: User & { usernameCanonical: string }): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: user.id,
      username: user.username,
      username_canonical: user.usernameCanonical,
      email: user.email,
      first_name: user.firstName,
      last_name: user.lastName,
      status: user.status,
      sso_only: user.ssoOnly,
      default_tenant_id: user.defaultTenantId,
      home_tenant_id: user.homeTenantId,
      created_at: user.createdAt,
      updated_at: user.createdAt,
    })
    .execute();
}

/** The directory's search keys of a user (kernel/search-key.ts), stored on each of their membership rows. */
function searchKeys(user: Pick<User, 'username' | 'email' | 'firstName' | 'lastName'>) {
  return {
    username_key: searchKey(user.username),
    email_key: searchKey(user.email),
    first_name_key: searchKey(user.firstName),
    last_name_key: searchKey(user.lastName),
  };
}

export async function insertMembership(
  db: Executor,
  membership: { tenantId: string; user: User; roleId: string; teamId: string | null; createdAt: Date; passwordLogin?: PasswordLoginSetting },
): Promise<void> {
  await db
    .insertInto('memberships')
    .values({
      tenant_id: membership.tenantId,
      user_id: membership.user.id,
      role_id: membership.roleId,
      team_id: membership.teamId,
      created_at: membership.createdAt,
      ...searchKeys(membership.user),
      status_base: statusBase(membership.user),
      invitation_expires_at: null,
      password_login: membership.passwordLogin ?? 'tenant',
    })
    .execute();
}

/**
 * Mirrors the user's status onto every membership row (the directory filters on it there); an accepted invitation is no longer in
 * force. A membership disabled on its own stays disabled whatever the account's status.
 */
async function mirrorStatus(db: Executor, user: Pick<User, 'id' | 'status' | 'ssoOnly'>): Promise<void> {
  const base = statusBase(user);
  await db
    .updateTable('memberships')
    .set({
      status_base: sql<MembershipStatusBase>`case when disabled then 'disabled' else ${base} end`,
      ...(base === 'enabled' || base === 'sso_only' ? { invitation_expires_at: null } : {}),
    })
    .where('user_id', '=', user.id)
    .execute();
}

/** Sets an administrator's enable/disable outcome; returns the user as stored now. */
export async function updateUserStatus(db: Executor, userId: string, status: UserStatus, at: Date): Promise<User | undefined> {
  const row = await db.updateTable('users').set({ status, updated_at: at }).where('id', '=', userId).returningAll().executeTakeFirst();
  if (row === undefined) return undefined;
  const user = toUser(row);
  await mirrorStatus(db, user);
  return user;
}

/** Changes a user's names or email (only the fields given) and the search keys of every membership; returns the user as stored now. */
export async function updatePersonalDetails(
  db: Executor,
  userId: string,
  change: { firstName?: string; lastName?: string; email?: string },
  at: Date,
): Promise<User | undefined> {
  const row = await db
    .updateTable('users')
    .set({
      ...(change.firstName === undefined ? {} : { first_name: change.firstName }),
      ...(change.lastName === undefined ? {} : { last_name: change.lastName }),
      ...(change.email === undefined ? {} : { email: change.email }),
      updated_at: at,
    })
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const user = toUser(row);
  await db.updateTable('memberships').set(searchKeys(user)).where('user_id', '=', userId).execute();
  return user;
}

/** Records the expiry of the invitation just issued to a member (null: none in force). */
export async function setInvitationExpiry(db: Executor, tenantId: string, userId: string, expiresAt: Date | null): Promise<void> {
  await db.updateTable('memberships').set({ invitation_expires_at: expiresAt }).where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
}

/** Changes a membership's role, team or password sign-in override (only the fields given). */
export async function updateMembership(
  db: Executor,
  tenantId: string,
  userId: string,
  change: { roleId?: string; teamId?: string | null; passwordLogin?: PasswordLoginSetting },
): Promise<void> {
  await db
    .updateTable('memberships')
    .set({
      ...(change.roleId === undefined ? {} : { role_id: change.roleId }),
      ...(change.teamId === undefined ? {} : { team_id: change.teamId }),
      ...(change.passwordLogin === undefined ? {} : { password_login: change.passwordLogin }),
    })
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .execute();
}

/**
 * Locks the memberships of the tenant's enabled members of a role (enabled or SSO only) until the
 * transaction ends and answers their user ids. Two administrators demoting or disabling each other at once
 * are serialised here: the second sees the first's change.
 */
export async function lockEnabledMembersOfRole(db: Executor, tenantId: string, roleId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('tenant_id', '=', tenantId)
    .where('role_id', '=', roleId)
    .where('status_base', 'in', ['enabled', 'sso_only'])
    .forUpdate()
    .execute();
  return rows.map((row) => row.user_id);
}

export async function findUser(db: Executor, userId: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  return row === undefined ? undefined : toUser(row);
}

export async function findUserByCanonicalUsername(db: Executor, usernameCanonical: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('username_canonical', '=', usernameCanonical).executeTakeFirst();
  return row === undefined ? undefined : toUser(row);
}

/** The users whose email is `email` (case-insensitive), at most two: the caller refuses an email two accounts share. */
export async function findUsersByEmail(db: Executor, email: string): Promise<User[]> {
  const rows = await db.selectFrom('users').selectAll().where(sql<string>`lower(email)`, '=', email.toLowerCase()).orderBy('id').limit(2).execute();
  return rows.map(toUser);
}

/** The tenants where the user has a membership that is not disabled on its own. */
export async function listEnabledMembershipTenantIds(db: Executor, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('memberships').select('tenant_id').where('user_id', '=', userId).where('disabled', '=', false).orderBy('created_at').orderBy('tenant_id').execute();
  return rows.map((row) => row.tenant_id);
}

const membershipColumns = ['r.id as role_id', 'r.name as role_name', 'r.permissions', 'r.password_policy', 't.id as team_id', 't.name as team_name', 'm.password_login', 'm.disabled'] as const;

const toMembership = membershipOf;

/** The user's membership in one tenant, with role and team; undefined if they do not belong to it. */
export async function findMembership(db: Executor, tenantId: string, userId: string): Promise<Membership | undefined> {
  const row = await db
    .selectFrom('memberships as m')
    .innerJoin('roles as r', (join) => join.onRef('r.id', '=', 'm.role_id').onRef('r.tenant_id', '=', 'm.tenant_id'))
    .leftJoin('teams as t', (join) => join.onRef('t.id', '=', 'm.team_id').onRef('t.tenant_id', '=', 'm.tenant_id'))
    .select(membershipColumns)
    .where('m.tenant_id', '=', tenantId)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
  return row === undefined ? undefined : toMembership(tenantId, userId, row);
}

/** An invited account becomes active (its first password is the passwords domain's, set in the same transaction). */
export async function activate(db: Executor, userId: string, at: Date): Promise<void> {
  const row = await db
    .updateTable('users')
    .set({ updated_at: at, status: sql<UserStatus>`case when status = 'invited' then 'active' else status end` })
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirst();
  if (row !== undefined) await mirrorStatus(db, toUser(row));
}

/**
 * Locks the membership row until the transaction ends, so that work counted per member (their access keys)
 * is serialised across instances. False when there is no such membership.
 */
export async function lockMembership(trx: Executor, tenantId: string, userId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('memberships')
    .select('user_id')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

/** How many members of the tenant hold the role (invited ones included). */
export async function countMembersWithRole(db: Executor, tenantId: string, roleId: string): Promise<number> {
  const row = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('tenant_id', '=', tenantId)
    .where('role_id', '=', roleId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Members per team of the tenant (teams without members are absent). */
export async function countMembersPerTeam(db: Executor, tenantId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('memberships')
    .select(['team_id', (eb) => eb.fn.countAll<string>().as('count')])
    .where('tenant_id', '=', tenantId)
    .where('team_id', 'is not', null)
    .groupBy('team_id')
    .execute();
  return new Map(rows.flatMap((row) => (row.team_id === null ? [] : [[row.team_id, Number(row.count)] as const])));
}

/** Every member of the team becomes unassigned; returns how many there were. */
export async function unassignTeam(db: Executor, tenantId: string, teamId: string): Promise<number> {
  const result = await db.updateTable('memberships').set({ team_id: null }).where('tenant_id', '=', tenantId).where('team_id', '=', teamId).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The tenant a sign-in lands in (the caller checked the membership). */
export async function setDefaultTenant(db: Executor, userId: string, tenantId: string, at: Date): Promise<void> {
  await db.updateTable('users').set({ default_tenant_id: tenantId, updated_at: at }).where('id', '=', userId).execute();
}

/** Disables or enables one membership alone; the directory's status of that row follows (the account's status when enabled). */
export async function setMembershipDisabled(db: Executor, tenantId: string, user: Pick<User, 'id' | 'status' | 'ssoOnly'>, disabled: boolean): Promise<void> {
  await db
    .updateTable('memberships')
    .set({ disabled, status_base: disabled ? 'disabled' : statusBase(user) })
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', user.id)
    .execute();
}

/** Removes a membership (its access keys go with it); false when there was none. */
export async function deleteMembership(db: Executor, tenantId: string, userId: string): Promise<boolean> {
  const result = await db.deleteFrom('memberships').where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The tenants of a user's memberships, the earliest joined first, with whether each is enabled on its own. */
export async function listMembershipTenants(db: Executor, userId: string): Promise<{ tenantId: string; disabled: boolean }[]> {
  const rows = await db
    .selectFrom('memberships')
    .select(['tenant_id', 'disabled'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('tenant_id')
    .execute();
  return rows.map((row) => ({ tenantId: row.tenant_id, disabled: row.disabled }));
}

/** Moves the account's home (the tenant that manages it as a whole) and its default tenant, either or both. */
export async function setHomeAndDefaultTenant(db: Executor, userId: string, change: { homeTenantId?: string; defaultTenantId?: string }, at: Date): Promise<void> {
  await db
    .updateTable('users')
    .set({
      updated_at: at,
      ...(change.homeTenantId === undefined ? {} : { home_tenant_id: change.homeTenantId }),
      ...(change.defaultTenantId === undefined ? {} : { default_tenant_id: change.defaultTenantId }),
    })
    .where('id', '=', userId)
    .execute();
}

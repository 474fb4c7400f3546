import { sql } from 'kysely';
import type { Executor } from '../storage/db.ts';

/**
 * Select-only read model of a person's tenants (ADR 0007): their memberships with each tenant's name and
 * home region and the role they hold there, their pending invitations to join a tenant (with the tenant's
 * and role's names), and the lookup of an existing user by username or email for an administrator inviting
 * them to a tenant. It writes nothing.
 */

export interface MembershipOfUser {
  tenantId: string;
  tenantName: string;
  region: string;
  role: { id: string; name: string };
}

/** The person's memberships they can act in: a membership its tenant disabled is not listed. */
export async function listMembershipsOfUser(db: Executor, userId: string): Promise<MembershipOfUser[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('tenants as t', 't.id', 'm.tenant_id')
    .innerJoin('roles as r', (join) => join.onRef('r.id', '=', 'm.role_id').onRef('r.tenant_id', '=', 'm.tenant_id'))
    .select(['m.tenant_id', 't.name as tenant_name', 't.home_region', 'r.id as role_id', 'r.name as role_name'])
    .where('m.user_id', '=', userId)
    .where('m.disabled', '=', false)
    .orderBy('t.name_canonical')
    .execute();
  return rows.map((row) => ({ tenantId: row.tenant_id, tenantName: row.tenant_name, region: row.home_region, role: { id: row.role_id, name: row.role_name } }));
}

/** An account an administrator names to invite: who it is, and whether it is already a member of their tenant. */
export interface Invitee {
  id: string;
  username: string;
  firstName: string;
  email: string;
  isMember: boolean;
}

/**
 * The accounts whose username (canonical) or email (case-insensitive) is `value`, each with whether it is a member of the tenant;
 * at most two, so the caller can tell an ambiguous email. One statement, whatever it finds.
 */
export async function findInvitees(db: Executor, tenantId: string, usernameCanonical: string, email: string): Promise<Invitee[]> {
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('memberships as m', (join) => join.onRef('m.user_id', '=', 'u.id').on('m.tenant_id', '=', tenantId))
    .select(['u.id', 'u.username', 'u.first_name', 'u.email', 'm.user_id as member_id'])
    .where((eb) => eb.or([eb('u.username_canonical', '=', usernameCanonical), eb(sql`lower(u.email)`, '=', email.toLowerCase())]))
    .limit(2)
    .execute();
  return rows.map((row) => ({ id: row.id, username: row.username, firstName: row.first_name, email: row.email, isMember: row.member_id !== null }));
}

export interface PendingInvitationOfUser {
  id: string;
  tenant: { id: string; name: string };
  role: { id: string; name: string };
  invitedAt: Date;
  expiresAt: Date;
}

/** The person's pending, unexpired invitations to join a tenant, with the tenant's and the role's names now; newest first. */
export async function listPendingInvitationsOfUser(db: Executor, userId: string, now: Date): Promise<PendingInvitationOfUser[]> {
  const rows = await db
    .selectFrom('membership_invitations as i')
    .innerJoin('tenants as t', 't.id', 'i.tenant_id')
    .innerJoin('roles as r', (join) => join.onRef('r.id', '=', 'i.role_id').onRef('r.tenant_id', '=', 'i.tenant_id'))
    .select(['i.id', 'i.tenant_id', 't.name as tenant_name', 'r.id as role_id', 'r.name as role_name', 'i.created_at', 'i.expires_at'])
    .where('i.user_id', '=', userId)
    .where('i.accepted_at', 'is', null)
    .where('i.declined_at', 'is', null)
    .where('i.expires_at', '>', now)
    .orderBy('i.created_at', 'desc')
    .orderBy('i.id', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    tenant: { id: row.tenant_id, name: row.tenant_name },
    role: { id: row.role_id, name: row.role_name },
    invitedAt: row.created_at,
    expiresAt: row.expires_at,
  }));
}

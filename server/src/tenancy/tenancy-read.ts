import { sql } from 'kysely';
import type { Executor } from '../storage/db.ts';

/**
 * Select-only read model of a person's tenants (ADR 0007): their memberships with each tenant's name and
 * home region and the role they hold there, and the lookup of an existing user by username or email for
 * an administrator adding them to a tenant. It writes nothing.
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

/** The ids of the users whose username (canonical) or email (case-insensitive) is `value`; at most two, so the caller can refuse an ambiguous email. */
export async function findUserIdsByUsernameOrEmail(db: Executor, usernameCanonical: string, email: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb.or([eb('username_canonical', '=', usernameCanonical), eb(sql`lower(email)`, '=', email.toLowerCase())]))
    .limit(2)
    .execute();
  return rows.map((row) => row.id);
}

import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/**
 * Roles, teams and security policies at a million members: counting a role's members (before it may be
 * deleted), unassigning a deleted team's members, counting members per team, and shortening a tenant's open
 * sessions when its session policy tightens each read an index instead of the tenant's every membership or
 * every session. `if not exists`: the user directory may create an index of the same name and shape.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create index if not exists memberships_tenant_role_idx on memberships (tenant_id, role_id);
    create index if not exists memberships_tenant_team_idx on memberships (tenant_id, team_id) where team_id is not null;
    create index if not exists sessions_tenant_idx on sessions (tenant_id);
  `);
}

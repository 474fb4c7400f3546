import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/**
 * Shortening a tenant's open sessions when its session policy tightens reads an index instead of every
 * session. (Counting a role's or a team's members and unassigning a deleted team's members use the user
 * directory's `memberships_directory_role_idx` and `…_team_idx` from 0008, which lead with the same columns.)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create index if not exists sessions_tenant_idx on sessions (tenant_id);
  `);
}

import type { Executor } from '../storage/db.ts';

export interface Team {
  id: string;
  tenantId: string;
  name: string;
}

export async function insertTeam(db: Executor, team: Team & { nameCanonical: string; createdAt: Date }): Promise<void> {
  await db
    .insertInto('teams')
    .values({ id: team.id, tenant_id: team.tenantId, name: team.name, name_canonical: team.nameCanonical, created_at: team.createdAt })
    .execute();
}

export async function findTeam(db: Executor, tenantId: string, teamId: string): Promise<Team | undefined> {
  const row = await db
    .selectFrom('teams')
    .select(['id', 'tenant_id', 'name'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', teamId)
    .executeTakeFirst();
  return row === undefined ? undefined : { id: row.id, tenantId: row.tenant_id, name: row.name };
}

export async function listTeams(db: Executor, tenantId: string): Promise<Team[]> {
  const rows = await db.selectFrom('teams').select(['id', 'tenant_id', 'name']).where('tenant_id', '=', tenantId).orderBy('name').execute();
  return rows.map((row) => ({ id: row.id, tenantId: row.tenant_id, name: row.name }));
}

export async function findTeamForUpdate(db: Executor, tenantId: string, teamId: string): Promise<Team | undefined> {
  const row = await db
    .selectFrom('teams')
    .select(['id', 'tenant_id', 'name'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', teamId)
    .forUpdate()
    .executeTakeFirst();
  return row === undefined ? undefined : { id: row.id, tenantId: row.tenant_id, name: row.name };
}

export async function renameTeam(db: Executor, tenantId: string, teamId: string, name: string, nameCanonical: string): Promise<void> {
  await db.updateTable('teams').set({ name, name_canonical: nameCanonical }).where('tenant_id', '=', tenantId).where('id', '=', teamId).execute();
}

export async function deleteTeam(db: Executor, tenantId: string, teamId: string): Promise<void> {
  await db.deleteFrom('teams').where('tenant_id', '=', tenantId).where('id', '=', teamId).execute();
}

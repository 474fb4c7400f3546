import type { Executor } from '../storage/db.ts';
import type { TenantRow } from '../storage/database.ts';
import { parseTenantSettings, type Tenant } from './tenants.ts';

function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    name: row.name,
    homeRegion: row.home_region,
    settings: parseTenantSettings(row.settings),
    createdAt: row.created_at,
  };
}

export async function insertTenant(db: Executor, tenant: Omit<Tenant, 'settings'> & { nameCanonical: string; settings: unknown }): Promise<void> {
  await db
    .insertInto('tenants')
    .values({
      id: tenant.id,
      name: tenant.name,
      name_canonical: tenant.nameCanonical,
      home_region: tenant.homeRegion,
      settings: JSON.stringify(tenant.settings),
      created_at: tenant.createdAt,
    })
    .execute();
}

export async function findTenant(db: Executor, tenantId: string): Promise<Tenant | undefined> {
  const row = await db.selectFrom('tenants').selectAll().where('id', '=', tenantId).executeTakeFirst();
  return row === undefined ? undefined : toTenant(row);
}

export async function findTenantByCanonicalName(db: Executor, nameCanonical: string): Promise<Tenant | undefined> {
  const row = await db.selectFrom('tenants').selectAll().where('name_canonical', '=', nameCanonical).executeTakeFirst();
  return row === undefined ? undefined : toTenant(row);
}

/** The earliest created tenant (ids are UUIDv7, so id order breaks a tie in creation time the same way). */
export async function findFirstTenant(db: Executor): Promise<Tenant | undefined> {
  const row = await db.selectFrom('tenants').selectAll().orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  return row === undefined ? undefined : toTenant(row);
}

export async function countTenants(db: Executor): Promise<number> {
  const row = await db.selectFrom('tenants').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function updateTenantSettings(db: Executor, tenantId: string, settings: unknown): Promise<void> {
  await db.updateTable('tenants').set({ settings: JSON.stringify(settings) }).where('id', '=', tenantId).execute();
}

/** The tenant, its row locked until the transaction ends (settings are read, changed and written back whole). */
export async function findTenantForUpdate(db: Executor, tenantId: string): Promise<Tenant | undefined> {
  const row = await db.selectFrom('tenants').selectAll().where('id', '=', tenantId).forUpdate().executeTakeFirst();
  return row === undefined ? undefined : toTenant(row);
}

import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import { isUniqueViolation } from '../kernel/postgres-errors.ts';
import type { PresenceService } from '../presence/presence-service.ts';
import type { RolesService } from '../roles/roles-service.ts';
import type { Db, Executor } from '../storage/db.ts';
import { canonicalName } from '../kernel/names.ts';
import { newTenant, parseTenantSettings, type Tenant, type TenantSettings } from './tenants.ts';
import { countTenants, findFirstTenant, findTenant, findTenantByCanonicalName, findTenantForUpdate, insertTenant, updateTenantSettings } from './tenants-repo.ts';

/** Tenants and their settings. */
export interface TenantsService {
  /** Creates a tenant homed in this deployment's region, with the built-in roles and the starter presence reason list as its default (in `executor`, else in its own transaction); refuses a taken name with TENANT_NAME_TAKEN. */
  createTenant(name: string, executor?: Executor): Promise<Tenant>;
  /** The tenant by id; refuses an unknown id with TENANT_NOT_FOUND. */
  getTenant(tenantId: string, executor?: Executor): Promise<Tenant>;
  /** The tenant by name (compared canonically); refuses an unknown name with TENANT_NOT_FOUND. */
  getTenantByName(name: string): Promise<Tenant>;
  /** Replaces settings with a validated copy of `change`'s result and returns the tenant as it is now; refuses an unknown id with TENANT_NOT_FOUND (invalid settings throw the schema's error). */
  updateSettings(tenantId: string, change: (settings: TenantSettings) => TenantSettings, executor?: Executor): Promise<Tenant>;
  /** How many tenants exist. */
  countTenants(executor?: Executor): Promise<number>;
  /** The deployment's first tenant, the one its operator created first (the first start's); TENANT_NOT_FOUND while there is none. */
  getFirstTenant(): Promise<Tenant>;
}

export function createTenantsService(deps: { db: Db; clock: Clock; region: string; roles: Pick<RolesService, 'createBuiltInRoles'>; presence: Pick<PresenceService, 'createStarterList'> }): TenantsService {
  const inTransaction = <T>(executor: Executor | undefined, work: (trx: Executor) => Promise<T>): Promise<T> =>
    executor === undefined ? deps.db.transaction().execute(work) : work(executor);

  const getTenant = async (tenantId: string, executor: Executor = deps.db): Promise<Tenant> => {
    const tenant = await findTenant(executor, tenantId);
    if (tenant === undefined) throw new AppError('TENANT_NOT_FOUND', { details: { tenantId } });
    return tenant;
  };

  return {
    async createTenant(name, executor) {
      const createdAt = deps.clock.now();
      const tenant = newTenant(name, { id: newId(createdAt.getTime()), homeRegion: deps.region, createdAt });
      return inTransaction(executor, async (trx) => {
        try {
          await insertTenant(trx, { ...tenant, nameCanonical: canonicalName(tenant.name), settings: {} });
        } catch (error) {
          if (isUniqueViolation(error)) throw new AppError('TENANT_NAME_TAKEN', { details: { name } });
          throw error;
        }
        await deps.roles.createBuiltInRoles(tenant.id, trx);
        await deps.presence.createStarterList(tenant.id, trx);
        return tenant;
      });
    },

    getTenant,

    async getTenantByName(name) {
      const tenant = await findTenantByCanonicalName(deps.db, canonicalName(name));
      if (tenant === undefined) throw new AppError('TENANT_NOT_FOUND', { details: { tenant: name } });
      return tenant;
    },

    async updateSettings(tenantId, change, executor = deps.db) {
      // Locked, so two changes to different settings never undo each other.
      const tenant = await findTenantForUpdate(executor, tenantId);
      if (tenant === undefined) throw new AppError('TENANT_NOT_FOUND', { details: { tenantId } });
      const settings = parseTenantSettings(change(tenant.settings));
      await updateTenantSettings(executor, tenantId, settings);
      return { ...tenant, settings };
    },

    countTenants(executor = deps.db) {
      return countTenants(executor);
    },

    async getFirstTenant() {
      const tenant = await findFirstTenant(deps.db);
      if (tenant === undefined) throw new AppError('TENANT_NOT_FOUND');
      return tenant;
    },
  };
}

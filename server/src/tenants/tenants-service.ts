import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import { isUniqueViolation } from '../kernel/postgres-errors.ts';
import type { RolesService } from '../roles/roles-service.ts';
import type { Db, Executor } from '../storage/db.ts';
import { canonicalName } from '../kernel/names.ts';
import { parseTenantSettings, type Tenant } from './tenants.ts';
import { countTenants, findTenant, findTenantByCanonicalName, insertTenant, updateTenantSettings } from './tenants-repo.ts';
import type { TenantSettings } from './tenants.ts';

export type TenantsService = ReturnType<typeof createTenantsService>;

export function createTenantsService(deps: { db: Db; clock: Clock; region: string; roles: RolesService }) {
  const inTransaction = <T>(executor: Executor | undefined, work: (trx: Executor) => Promise<T>): Promise<T> =>
    executor === undefined ? deps.db.transaction().execute(work) : work(executor);

  return {
    /** Creates a tenant homed in this deployment's region, with the built-in roles. */
    async createTenant(name: string, executor?: Executor): Promise<Tenant> {
      const createdAt = deps.clock.now();
      const tenant: Tenant = {
        id: newId(createdAt.getTime()),
        name: name.trim(),
        homeRegion: deps.region,
        settings: parseTenantSettings({}),
        createdAt,
      };
      return inTransaction(executor, async (trx) => {
        try {
          await insertTenant(trx, { ...tenant, nameCanonical: canonicalName(tenant.name), settings: {} });
        } catch (error) {
          if (isUniqueViolation(error)) throw new AppError('TENANT_NAME_TAKEN', { details: { name } });
          throw error;
        }
        await deps.roles.createBuiltInRoles(tenant.id, trx);
        return tenant;
      });
    },

    async getTenant(tenantId: string, executor: Executor = deps.db): Promise<Tenant> {
      const tenant = await findTenant(executor, tenantId);
      if (tenant === undefined) throw new AppError('TENANT_NOT_FOUND', { details: { tenantId } });
      return tenant;
    },

    async getTenantByName(name: string): Promise<Tenant> {
      const tenant = await findTenantByCanonicalName(deps.db, canonicalName(name));
      if (tenant === undefined) throw new AppError('TENANT_NOT_FOUND', { details: { tenant: name } });
      return tenant;
    },

    /** Replaces settings with a validated copy; returns the tenant as it is now. */
    async updateSettings(tenantId: string, change: (settings: TenantSettings) => TenantSettings, executor: Executor = deps.db): Promise<Tenant> {
      const tenant = await this.getTenant(tenantId, executor);
      const settings = parseTenantSettings(change(tenant.settings));
      await updateTenantSettings(executor, tenantId, settings);
      return { ...tenant, settings };
    },

    countTenants(executor: Executor = deps.db): Promise<number> {
      return countTenants(executor);
    },
  };
}

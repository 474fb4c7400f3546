import type { PasswordPolicy } from '@lanyard/contracts/password-policy';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import type { Db, Executor } from '../storage/db.ts';
import { canonicalName } from '../kernel/names.ts';
import { builtInRolesFor, type Role } from './roles.ts';
import { findRole, findRoleByCanonicalName, insertRole, listRoles, updateRolePasswordPolicy } from './roles-repo.ts';

/** A tenant's roles: their permissions and password-policy overrides. */
export interface RolesService {
  /** Creates Administrator, Supervisor and Agent in a new tenant. */
  createBuiltInRoles(tenantId: string, executor?: Executor): Promise<Role[]>;
  /** A role of the tenant; refuses an unknown id, or one of another tenant, with ROLE_NOT_FOUND. */
  getRole(tenantId: string, roleId: string, executor?: Executor): Promise<Role>;
  /** A role of the tenant by name (compared canonically); refuses an unknown name with ROLE_NOT_FOUND. */
  getRoleByName(tenantId: string, name: string, executor?: Executor): Promise<Role>;
  /** Every role of the tenant. */
  listRoles(tenantId: string, executor?: Executor): Promise<Role[]>;
  /** Sets (or, with null, clears) the role's password-policy override; refuses an unknown role with ROLE_NOT_FOUND. */
  setPasswordPolicy(tenantId: string, roleId: string, policy: PasswordPolicy | null, executor?: Executor): Promise<void>;
}

export function createRolesService(deps: { db: Db; clock: Clock }): RolesService {
  return {
    async createBuiltInRoles(tenantId, executor = deps.db) {
      const createdAt = deps.clock.now();
      const roles = builtInRolesFor(tenantId, () => newId(createdAt.getTime()));
      for (const role of roles) await insertRole(executor, { ...role, nameCanonical: canonicalName(role.name), createdAt });
      return roles;
    },

    async getRole(tenantId, roleId, executor = deps.db) {
      const role = await findRole(executor, tenantId, roleId);
      if (role === undefined) throw new AppError('ROLE_NOT_FOUND', { details: { roleId } });
      return role;
    },

    async getRoleByName(tenantId, name, executor = deps.db) {
      const role = await findRoleByCanonicalName(executor, tenantId, canonicalName(name));
      if (role === undefined) throw new AppError('ROLE_NOT_FOUND', { details: { role: name } });
      return role;
    },

    listRoles(tenantId, executor = deps.db) {
      return listRoles(executor, tenantId);
    },

    async setPasswordPolicy(tenantId, roleId, policy, executor = deps.db) {
      if (!(await updateRolePasswordPolicy(executor, tenantId, roleId, policy))) throw new AppError('ROLE_NOT_FOUND', { details: { roleId } });
    },
  };
}

import { builtInRoles } from '@lanyard/contracts/permissions';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import type { Db, Executor } from '../storage/db.ts';
import { canonicalName } from '../kernel/names.ts';
import type { Role } from './roles.ts';
import { findRole, findRoleByCanonicalName, insertRole, listRoles, updateRolePasswordPolicy } from './roles-repo.ts';
import type { PasswordPolicy } from '@lanyard/contracts/password-policy';

export type RolesService = ReturnType<typeof createRolesService>;

export function createRolesService(deps: { db: Db; clock: Clock }) {
  return {
    /** Creates Administrator, Supervisor and Agent in a new tenant. */
    async createBuiltInRoles(tenantId: string, executor: Executor = deps.db): Promise<Role[]> {
      const createdAt = deps.clock.now();
      const roles: Role[] = [];
      for (const definition of builtInRoles) {
        const role: Role = {
          id: newId(createdAt.getTime()),
          tenantId,
          name: definition.name,
          builtIn: true,
          permissions: [...definition.permissions],
          passwordPolicy: null,
        };
        await insertRole(executor, { ...role, nameCanonical: canonicalName(role.name), createdAt });
        roles.push(role);
      }
      return roles;
    },

    async getRole(tenantId: string, roleId: string, executor: Executor = deps.db): Promise<Role> {
      const role = await findRole(executor, tenantId, roleId);
      if (role === undefined) throw new AppError('ROLE_NOT_FOUND', { details: { roleId } });
      return role;
    },

    async getRoleByName(tenantId: string, name: string, executor: Executor = deps.db): Promise<Role> {
      const role = await findRoleByCanonicalName(executor, tenantId, canonicalName(name));
      if (role === undefined) throw new AppError('ROLE_NOT_FOUND', { details: { role: name } });
      return role;
    },

    listRoles(tenantId: string, executor: Executor = deps.db): Promise<Role[]> {
      return listRoles(executor, tenantId);
    },

    async setPasswordPolicy(tenantId: string, roleId: string, policy: PasswordPolicy | null, executor: Executor = deps.db): Promise<void> {
      if (!(await updateRolePasswordPolicy(executor, tenantId, roleId, policy))) throw new AppError('ROLE_NOT_FOUND', { details: { roleId } });
    },
  };
}

import type { PasswordPolicy } from '@lanyard/contracts/password-policy';
import type { Permission } from '@lanyard/contracts/permissions';
import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../kernel/postgres-errors.ts';
import type { Principal } from '../kernel/principal.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { Db, Executor } from '../storage/db.ts';
import { invalidationTopics, type Notifications } from '../storage/notifications.ts';
import { canonicalName } from '../kernel/names.ts';
import type { UsersService } from '../users/users-service.ts';
import { builtInRolesFor, canGrant, isAdministratorRole, missingAuthority, samePermissions, sortPermissions, type Role } from './roles.ts';
import {
  deleteRole,
  findRole,
  findRoleByCanonicalName,
  findRoleForUpdate,
  insertRole,
  listRoles,
  updateRole,
  updateRolePasswordPolicy,
} from './roles-repo.ts';

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
  /** A custom role in the actor's tenant: PERMISSION_UNKNOWN, ROLE_NOT_GRANTABLE (beyond the actor's own), ROLE_NAME_TAKEN. Audited. */
  createRole(actor: Principal, input: { name: string; permissions: readonly string[] }, meta: RequestMeta): Promise<Role>;
  /**
   * Renames a role or replaces its permissions: ROLE_NOT_FOUND, PERMISSION_UNKNOWN, ROLE_NOT_GRANTABLE (the
   * role, before or after, holds a permission the actor lacks), ROLE_BUILT_IN (renaming a built-in role),
   * ROLE_ADMINISTRATOR_FIXED, ROLE_NAME_TAKEN. Audited with before and after; a permission change reaches
   * every instance's caches when it commits.
   */
  updateRole(actor: Principal, roleId: string, changes: { name?: string | undefined; permissions?: readonly string[] | undefined }, meta: RequestMeta): Promise<Role>;
  /** Deletes a custom role nobody holds: ROLE_NOT_FOUND, ROLE_BUILT_IN, ROLE_NOT_GRANTABLE, ROLE_IN_USE (details.membersCount). Audited. */
  deleteRole(actor: Principal, roleId: string, meta: RequestMeta): Promise<void>;
}

export function createRolesService(deps: {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  users: Pick<UsersService, 'countMembersWithRole'>;
  notifications: Pick<Notifications, 'publish' | 'deliverCommitted'>;
}): RolesService {
  const notFound = (roleId: string) => new AppError('ROLE_NOT_FOUND', { details: { roleId } });

  /** Catalogue keys only (PERMISSION_UNKNOWN), and none the actor lacks (ROLE_NOT_GRANTABLE). */
  const grantable = (actor: Principal, requested: readonly string[], roleId?: string): Permission[] => {
    const { permissions, unknown } = sortPermissions(requested);
    if (unknown.length > 0) throw new AppError('PERMISSION_UNKNOWN', { details: { unknown: unknown.slice(0, 64) } });
    if (!canGrant(actor.permissions, { permissions })) {
      throw new AppError('ROLE_NOT_GRANTABLE', { details: { ...(roleId === undefined ? {} : { roleId }), missing: missingAuthority(actor.permissions, permissions) } });
    }
    return permissions;
  };

  /** A role holding permissions beyond the actor's own is out of their reach, whatever the change. */
  const assertWithinReach = (actor: Principal, role: Role): void => {
    if (!canGrant(actor.permissions, role)) {
      throw new AppError('ROLE_NOT_GRANTABLE', { details: { roleId: role.id, missing: missingAuthority(actor.permissions, role.permissions) } });
    }
  };

  const nameTaken = (error: unknown, name: string): unknown => (isUniqueViolation(error) ? new AppError('ROLE_NAME_TAKEN', { details: { name } }) : error);

  /** Role permissions feed the access-key credential cache and the profile cache of every instance: forget everything (role edits are rare). */
  const everything = { topic: invalidationTopics.all, id: 'roles' };

  return {
    async createBuiltInRoles(tenantId, executor = deps.db) {
      const createdAt = deps.clock.now();
      const roles = builtInRolesFor(tenantId, () => newId(createdAt.getTime()));
      for (const role of roles) await insertRole(executor, { ...role, nameCanonical: canonicalName(role.name), createdAt });
      return roles;
    },

    async getRole(tenantId, roleId, executor = deps.db) {
      const role = await findRole(executor, tenantId, roleId);
      if (role === undefined) throw notFound(roleId);
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
      if (!(await updateRolePasswordPolicy(executor, tenantId, roleId, policy))) throw notFound(roleId);
    },

    async createRole(actor, input, meta) {
      const permissions = grantable(actor, input.permissions);
      const createdAt = deps.clock.now();
      const role: Role = { id: newId(createdAt.getTime()), tenantId: actor.tenantId, name: input.name, builtIn: false, permissions, passwordPolicy: null };
      try {
        await deps.db.transaction().execute(async (trx) => {
          await insertRole(trx, { ...role, nameCanonical: canonicalName(role.name), createdAt });
          await deps.audit.record(trx, {
            tenantId: actor.tenantId,
            actorUserId: actor.userId,
            action: 'role.created',
            result: 'success',
            targetType: 'role',
            targetId: role.id,
            ip: meta.ip,
            details: { name: role.name, permissions },
          });
        });
      } catch (error) {
        throw nameTaken(error, input.name);
      }
      return role;
    },

    async updateRole(actor, roleId, changes, meta) {
      const requested = changes.permissions === undefined ? undefined : grantable(actor, changes.permissions, roleId);
      let changed = false;
      let updated: Role;
      try {
        updated = await deps.db.transaction().execute(async (trx) => {
          const role = await findRoleForUpdate(trx, actor.tenantId, roleId);
          if (role === undefined) throw notFound(roleId);
          assertWithinReach(actor, role);
          const name = changes.name !== undefined && changes.name !== role.name ? changes.name : undefined;
          if (name !== undefined && role.builtIn) throw new AppError('ROLE_BUILT_IN', { details: { roleId } });
          const permissions = requested !== undefined && !samePermissions(requested, role.permissions) ? requested : undefined;
          if (permissions !== undefined && isAdministratorRole(role)) throw new AppError('ROLE_ADMINISTRATOR_FIXED', { details: { roleId } });
          const after: Role = { ...role, name: name ?? role.name, permissions: permissions ?? role.permissions };
          if (name === undefined && permissions === undefined) return role;
          await updateRole(trx, actor.tenantId, roleId, {
            ...(name === undefined ? {} : { name, nameCanonical: canonicalName(name) }),
            ...(permissions === undefined ? {} : { permissions }),
          });
          await deps.audit.record(trx, {
            tenantId: actor.tenantId,
            actorUserId: actor.userId,
            action: 'role.updated',
            result: 'success',
            targetType: 'role',
            targetId: roleId,
            ip: meta.ip,
            details: { before: { name: role.name, permissions: role.permissions }, after: { name: after.name, permissions: after.permissions } },
          });
          // Sessions read their role's permissions on every request; access-key credentials and profiles are cached.
          await deps.notifications.publish(trx, everything);
          changed = true;
          return after;
        });
      } catch (error) {
        throw nameTaken(error, changes.name ?? '');
      }
      if (changed) deps.notifications.deliverCommitted(everything);
      return updated;
    },

    async deleteRole(actor, roleId, meta) {
      try {
        await deps.db.transaction().execute(async (trx) => {
          const role = await findRoleForUpdate(trx, actor.tenantId, roleId);
          if (role === undefined) throw notFound(roleId);
          if (role.builtIn) throw new AppError('ROLE_BUILT_IN', { details: { roleId } });
          assertWithinReach(actor, role);
          const membersCount = await deps.users.countMembersWithRole(actor.tenantId, roleId, trx);
          if (membersCount > 0) throw new AppError('ROLE_IN_USE', { details: { roleId, membersCount } });
          await deleteRole(trx, actor.tenantId, roleId);
          await deps.audit.record(trx, {
            tenantId: actor.tenantId,
            actorUserId: actor.userId,
            action: 'role.deleted',
            result: 'success',
            targetType: 'role',
            targetId: roleId,
            ip: meta.ip,
            details: { name: role.name, permissions: role.permissions },
          });
        });
      } catch (error) {
        // A membership given the role meanwhile: its foreign key keeps the role.
        if (isForeignKeyViolation(error)) throw new AppError('ROLE_IN_USE', { details: { roleId } });
        throw error;
      }
    },
  };
}

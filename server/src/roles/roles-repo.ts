import { passwordPolicySchema, type PasswordPolicy } from '@lanyard/contracts/password-policy';
import { isPermission } from '@lanyard/contracts/permissions';
import type { Executor } from '../storage/db.ts';
import type { RoleRow } from '../storage/database.ts';
import type { Role } from './roles.ts';

function toRole(row: RoleRow): Role {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    builtIn: row.built_in,
    // A permission removed from the catalogue (never expected; keys are append-only) is simply not granted.
    permissions: row.permissions.filter(isPermission),
    passwordPolicy: row.password_policy === null ? null : passwordPolicySchema.parse(row.password_policy),
  };
}

export async function insertRole(db: Executor, role: Role & { nameCanonical: string; createdAt: Date }): Promise<void> {
  await db
    .insertInto('roles')
    .values({
      id: role.id,
      tenant_id: role.tenantId,
      name: role.name,
      name_canonical: role.nameCanonical,
      built_in: role.builtIn,
      permissions: role.permissions,
      password_policy: role.passwordPolicy === null ? null : JSON.stringify(role.passwordPolicy),
      created_at: role.createdAt,
    })
    .execute();
}

export async function findRole(db: Executor, tenantId: string, roleId: string): Promise<Role | undefined> {
  const row = await db
    .selectFrom('roles')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', roleId)
    .executeTakeFirst();
  return row === undefined ? undefined : toRole(row);
}

export async function findRoleByCanonicalName(db: Executor, tenantId: string, nameCanonical: string): Promise<Role | undefined> {
  const row = await db
    .selectFrom('roles')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('name_canonical', '=', nameCanonical)
    .executeTakeFirst();
  return row === undefined ? undefined : toRole(row);
}

export async function listRoles(db: Executor, tenantId: string): Promise<Role[]> {
  const rows = await db.selectFrom('roles').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute();
  return rows.map(toRole);
}

export async function updateRolePasswordPolicy(db: Executor, tenantId: string, roleId: string, policy: PasswordPolicy | null): Promise<boolean> {
  const result = await db
    .updateTable('roles')
    .set({ password_policy: policy === null ? null : JSON.stringify(policy) })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', roleId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The role, its row locked until the transaction ends (serialises edits, so the audit's before is exact). */
export async function findRoleForUpdate(db: Executor, tenantId: string, roleId: string): Promise<Role | undefined> {
  const row = await db
    .selectFrom('roles')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', roleId)
    .forUpdate()
    .executeTakeFirst();
  return row === undefined ? undefined : toRole(row);
}

export async function updateRole(
  db: Executor,
  tenantId: string,
  roleId: string,
  changes: { name?: string; nameCanonical?: string; permissions?: readonly string[] },
): Promise<void> {
  await db
    .updateTable('roles')
    .set({
      ...(changes.name === undefined || changes.nameCanonical === undefined ? {} : { name: changes.name, name_canonical: changes.nameCanonical }),
      ...(changes.permissions === undefined ? {} : { permissions: [...changes.permissions] }),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', roleId)
    .execute();
}

export async function deleteRole(db: Executor, tenantId: string, roleId: string): Promise<boolean> {
  const result = await db.deleteFrom('roles').where('tenant_id', '=', tenantId).where('id', '=', roleId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

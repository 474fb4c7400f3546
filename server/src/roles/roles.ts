import type { PasswordPolicy } from '@lanyard/contracts/password-policy';
import { builtInRoles, type Permission } from '@lanyard/contracts/permissions';

export interface Role {
  id: string;
  tenantId: string;
  name: string;
  builtIn: boolean;
  permissions: Permission[];
  /** Overrides the tenant's password policy for this role's members; null = the tenant's. */
  passwordPolicy: PasswordPolicy | null;
}

/** "Same or lower role": an administrator may grant a role only if they hold every permission in it. */
export function canGrant(own: ReadonlySet<Permission>, role: Pick<Role, 'permissions'>): boolean {
  return role.permissions.every((permission) => own.has(permission));
}

/** The built-in roles (Administrator, Supervisor, Agent) of a new tenant, each with an id from `newRoleId`, no policy override. */
export function builtInRolesFor(tenantId: string, newRoleId: () => string): Role[] {
  return builtInRoles.map((definition) => ({
    id: newRoleId(),
    tenantId,
    name: definition.name,
    builtIn: true,
    permissions: [...definition.permissions],
    passwordPolicy: null,
  }));
}

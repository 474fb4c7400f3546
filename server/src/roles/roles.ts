import type { PasswordPolicy } from '@lanyard/contracts/password-policy';
import type { Permission } from '@lanyard/contracts/permissions';

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

import type { PasswordPolicy } from '@lanyard/contracts/password-policy';
import { allPermissions, builtInRoles, isAuthority, isPermission, type Permission } from '@lanyard/contracts/permissions';

export interface Role {
  id: string;
  tenantId: string;
  name: string;
  builtIn: boolean;
  permissions: Permission[];
  /** Overrides the tenant's password policy for this role's members; null = the tenant's. */
  passwordPolicy: PasswordPolicy | null;
}

/** "Same or lower role": an administrator may grant a role only if they hold every authority in it (agent capabilities such as `presence.use` are no authority). */
export function canGrant(own: ReadonlySet<Permission>, role: Pick<Role, 'permissions'>): boolean {
  return missingAuthority(own, role.permissions).length === 0;
}

/** The authorities among `permissions` that `own` lacks (agent capabilities never count). */
export function missingAuthority(own: ReadonlySet<string>, permissions: readonly string[]): string[] {
  return permissions.filter((permission) => isAuthority(permission) && !own.has(permission));
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

/** The permissions a role body names, split into catalogue keys (deduplicated, in catalogue order) and unknown strings. */
export function sortPermissions(requested: readonly string[]): { permissions: Permission[]; unknown: string[] } {
  const wanted = new Set(requested);
  const permissions = allPermissions.filter((permission) => wanted.has(permission));
  const unknown = [...wanted].filter((value) => !isPermission(value));
  return { permissions, unknown };
}

/** The built-in Administrator role: it always holds every authority (SPEC §2; no agent capability). Built-in names cannot change. */
export function isAdministratorRole(role: Pick<Role, 'builtIn' | 'name'>): boolean {
  return role.builtIn && role.name === 'Administrator';
}

/** Whether two permission lists grant the same set. */
export function samePermissions(a: readonly Permission[], b: readonly Permission[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((permission) => set.has(permission));
}

import type { Role } from '@lanyard/contracts/api';
import { isAuthority } from '@lanyard/contracts/permissions';

/**
 * Whether a person holding `permissions` may grant the role: same or lower (SPEC §2, `ROLE_NOT_GRANTABLE`), comparing authority
 * only, as the server does: an agent capability (`presence.use`) the Administrator does not hold never makes a role higher.
 */
export function mayGrant(role: Pick<Role, 'permissions'>, permissions: readonly string[]): boolean {
  return role.permissions.every((permission) => !isAuthority(permission) || permissions.includes(permission));
}

/** The roles a person holding `permissions` may grant. */
export function grantableRoles(roles: readonly Role[], permissions: readonly string[]): Role[] {
  return roles.filter((role) => mayGrant(role, permissions));
}

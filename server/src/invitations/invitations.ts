import { AppError } from '../errors/app-error.ts';
import { HOUR } from '../kernel/clock.ts';
import type { Principal } from '../kernel/principal.ts';
import { canGrant, type Role } from '../roles/roles.ts';
import type { Tenant } from '../tenants/tenants.ts';
import type { NewInvitedUser } from '../users/users.ts';

/** What an administrator (or the operator) gives to invite someone. */
export interface InviteInput {
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  roleId: string;
  teamId?: string | null | undefined;
}

/** When an invitation issued at `now` stops working: after the tenant's invitation lifetime. */
export function invitationExpiresAt(tenant: Pick<Tenant, 'settings'>, now: Date): Date {
  return new Date(now.getTime() + tenant.settings.invitationLifetimeHours * HOUR);
}

/** Refuses with ROLE_NOT_GRANTABLE a role the administrator could not hold themselves; the operator (no actor) may grant any. */
export function assertGrantable(actor: Pick<Principal, 'permissions'> | undefined, role: Pick<Role, 'id' | 'permissions'>): void {
  if (actor !== undefined && !canGrant(actor.permissions, role)) throw new AppError('ROLE_NOT_GRANTABLE', { details: { roleId: role.id } });
}

/** The user to create for an invitation into a tenant with a role (no team unless one is given). */
export function invitedUserInput(tenantId: string, input: InviteInput, roleId: string): NewInvitedUser {
  return { tenantId, username: input.username, email: input.email, firstName: input.firstName, lastName: input.lastName, roleId, teamId: input.teamId ?? null };
}

import type { Me } from '@lanyard/contracts/api';
import { AppError } from '../errors/app-error.ts';
import type { Principal } from '../kernel/principal.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { UsersService } from '../users/users-service.ts';

export type ProfileService = ReturnType<typeof createProfileService>;

export function createProfileService(deps: { users: UsersService; tenants: TenantsService; version: string; region: string }) {
  return {
    /** Everything My Profile › General shows, for the signed-in user in their current tenant. */
    async getMe(principal: Principal): Promise<Me> {
      const [user, membership, tenant] = await Promise.all([
        deps.users.getUser(principal.userId),
        deps.users.findMembership(principal.tenantId, principal.userId),
        deps.tenants.getTenant(principal.tenantId),
      ]);
      if (membership === undefined) throw new AppError('AUTH_REQUIRED');
      return {
        user: { id: user.id, username: user.username, email: user.email, firstName: user.firstName, lastName: user.lastName },
        tenant: { id: tenant.id, name: tenant.name, region: tenant.homeRegion },
        role: { id: membership.role.id, name: membership.role.name },
        team: membership.team,
        permissions: [...principal.permissions].sort(),
        system: { version: deps.version, region: deps.region },
        passwordChangeRequired: principal.kind === 'session' && principal.passwordChangeRequired,
      };
    },
  };
}

import type { Me } from '@lanyard/contracts/api';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Principal } from '../kernel/principal.ts';
import { invalidationTopics, type Notifications } from '../storage/notifications.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { UsersService } from '../users/users-service.ts';

export type ProfileService = ReturnType<typeof createProfileService>;

type ProfileFacts = Pick<Me, 'user' | 'tenant' | 'role' | 'team'>;

/** How long a member's profile facts are served from memory; changes announced on the channel drop them at once. */
export const profileCacheMs = 1000;

export function createProfileService(deps: {
  users: UsersService;
  tenants: TenantsService;
  version: string;
  region: string;
  clock: Clock;
  notifications: Notifications;
}) {
  // Hot path: integrations call GET /api/v1/me with bearer tokens many times a second.
  const cache = new Map<string, { facts: ProfileFacts; loadedAt: number }>();
  const unsubscribe = deps.notifications.subscribe((message) => {
    if (message.topic === invalidationTopics.user) {
      for (const key of cache.keys()) if (key.endsWith(`:${message.id}`)) cache.delete(key);
    } else if (message.topic === invalidationTopics.all) {
      cache.clear();
    }
  });

  const load = async (tenantId: string, userId: string): Promise<ProfileFacts> => {
    const key = `${tenantId}:${userId}`;
    const now = deps.clock.now().getTime();
    const cached = cache.get(key);
    if (cached !== undefined && now - cached.loadedAt < profileCacheMs) return cached.facts;
    const [user, membership, tenant] = await Promise.all([
      deps.users.getUser(userId),
      deps.users.findMembership(tenantId, userId),
      deps.tenants.getTenant(tenantId),
    ]);
    if (membership === undefined) throw new AppError('AUTH_REQUIRED');
    const facts: ProfileFacts = {
      user: { id: user.id, username: user.username, email: user.email, firstName: user.firstName, lastName: user.lastName },
      tenant: { id: tenant.id, name: tenant.name, region: tenant.homeRegion },
      role: { id: membership.role.id, name: membership.role.name },
      team: membership.team,
    };
    if (cache.size >= 100_000) cache.clear();
    cache.set(key, { facts, loadedAt: now });
    return facts;
  };

  return {
    /** Everything My Profile › General shows, for the signed-in user in their current tenant. */
    async getMe(principal: Principal): Promise<Me> {
      const facts = await load(principal.tenantId, principal.userId);
      return {
        ...facts,
        permissions: [...principal.permissions].sort(),
        system: { version: deps.version, region: deps.region },
        passwordChangeRequired: principal.kind === 'session' && principal.passwordChangeRequired,
      };
    },

    close(): void {
      unsubscribe();
      cache.clear();
    },
  };
}

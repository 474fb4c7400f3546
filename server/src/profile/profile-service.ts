import type { Me } from '@lanyard/contracts/api';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { createShortLivedCache } from '../kernel/short-lived-cache.ts';
import type { Principal } from '../kernel/principal.ts';
import { invalidationTopics, type Notifications } from '../storage/notifications.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { UsersService } from '../users/users-service.ts';
import { meOf, profileFactsOf, type ProfileFacts } from './profile.ts';

/** My Profile: what the signed-in member is, served from a short-lived cache. */
export interface ProfileService {
  /** Everything My Profile › General shows, for the principal in their current tenant; refuses with AUTH_REQUIRED once they are no longer a member (USER_NOT_FOUND / TENANT_NOT_FOUND if those are gone). */
  getMe(principal: Principal): Promise<Me>;
  /** Stops listening for invalidations and drops the cache. */
  close(): void;
}

/** How long a member's profile facts are served from memory; changes announced on the channel drop them at once. */
export const profileCacheMs = 1000;

export function createProfileService(deps: {
  users: Pick<UsersService, 'getUser' | 'findMembership'>;
  tenants: Pick<TenantsService, 'getTenant'>;
  version: string;
  region: string;
  clock: Clock;
  notifications: Pick<Notifications, 'subscribe'>;
}): ProfileService {
  // Hot path: integrations call GET /api/v1/me with bearer tokens many times a second.
  const cache = createShortLivedCache<ProfileFacts>({ ttlMs: profileCacheMs, clock: deps.clock });
  const unsubscribe = deps.notifications.subscribe((message) => {
    if (message.topic === invalidationTopics.user) cache.forgetWhere((_facts, key) => key.endsWith(`:${message.id}`));
    else if (message.topic === invalidationTopics.all) cache.clear();
  });

  const read = async (tenantId: string, userId: string): Promise<ProfileFacts> => {
    const [user, membership, tenant] = await Promise.all([
      deps.users.getUser(userId),
      deps.users.findMembership(tenantId, userId),
      deps.tenants.getTenant(tenantId),
    ]);
    if (membership === undefined) throw new AppError('AUTH_REQUIRED');
    return profileFactsOf(user, membership, tenant);
  };

  const load = (tenantId: string, userId: string): Promise<ProfileFacts> => cache.get(`${tenantId}:${userId}`, () => read(tenantId, userId));

  const system = { version: deps.version, region: deps.region };
  /**
   * Answers kept for the facts they were built from and the permission set of the principal: a bearer
   * token's principal keeps one set until its credential is reloaded, so a busy integration gets the same
   * answer object until either changes. Weak, so they go with the facts.
   */
  const answers = new WeakMap<ProfileFacts, WeakMap<ReadonlySet<string>, Me>>();

  return {
    async getMe(principal) {
      const facts = await load(principal.tenantId, principal.userId);
      if (principal.kind === 'session' && principal.passwordChangeRequired) return meOf(facts, principal.permissions, system, true);
      let byPermissions = answers.get(facts);
      if (byPermissions === undefined) {
        byPermissions = new WeakMap();
        answers.set(facts, byPermissions);
      }
      let answer = byPermissions.get(principal.permissions);
      if (answer === undefined) {
        answer = meOf(facts, principal.permissions, system, false);
        byPermissions.set(principal.permissions, answer);
      }
      return answer;
    },

    close() {
      unsubscribe();
      cache.clear();
    },
  };
}

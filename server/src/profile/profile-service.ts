import type { Me } from '@lanyard/contracts/api';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { createShortLivedCache } from '../kernel/short-lived-cache.ts';
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
    return {
      user: { id: user.id, username: user.username, email: user.email, firstName: user.firstName, lastName: user.lastName },
      tenant: { id: tenant.id, name: tenant.name, region: tenant.homeRegion },
      role: { id: membership.role.id, name: membership.role.name },
      team: membership.team,
    };
  };

  const load = (tenantId: string, userId: string): Promise<ProfileFacts> => cache.get(`${tenantId}:${userId}`, () => read(tenantId, userId));

  const system = { version: deps.version, region: deps.region };
  const answerFor = (facts: ProfileFacts, permissions: ReadonlySet<string>, passwordChangeRequired: boolean): Me => ({
    ...facts,
    permissions: [...permissions].sort(),
    system,
    passwordChangeRequired,
  });
  /**
   * Answers kept for the facts they were built from and the permission set of the principal: a bearer
   * token's principal keeps one set until its credential is reloaded, so a busy integration gets the same
   * answer object until either changes. Weak, so they go with the facts.
   */
  const answers = new WeakMap<ProfileFacts, WeakMap<ReadonlySet<string>, Me>>();

  return {
    /** Everything My Profile › General shows, for the signed-in user in their current tenant. */
    async getMe(principal: Principal): Promise<Me> {
      const facts = await load(principal.tenantId, principal.userId);
      if (principal.kind === 'session' && principal.passwordChangeRequired) return answerFor(facts, principal.permissions, true);
      let byPermissions = answers.get(facts);
      if (byPermissions === undefined) {
        byPermissions = new WeakMap();
        answers.set(facts, byPermissions);
      }
      let answer = byPermissions.get(principal.permissions);
      if (answer === undefined) {
        answer = answerFor(facts, principal.permissions, false);
        byPermissions.set(principal.permissions, answer);
      }
      return answer;
    },

    close(): void {
      unsubscribe();
      cache.clear();
    },
  };
}

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
  // Hot path: integrations call GET /api/v1/me with bearer tokens many times a second. One load per member
  // at a time: the requests that find the entry stale while it is being read wait for that same read.
  const cache = new Map<string, { facts: ProfileFacts; loadedAt: number }>();
  const loading = new Map<string, Promise<ProfileFacts>>();
  let epoch = 0;
  const unsubscribe = deps.notifications.subscribe((message) => {
    if (message.topic === invalidationTopics.user) {
      epoch += 1;
      loading.clear();
      for (const key of cache.keys()) if (key.endsWith(`:${message.id}`)) cache.delete(key);
    } else if (message.topic === invalidationTopics.all) {
      epoch += 1;
      loading.clear();
      cache.clear();
    }
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

  const load = (tenantId: string, userId: string): Promise<ProfileFacts> => {
    const key = `${tenantId}:${userId}`;
    const now = deps.clock.now().getTime();
    const cached = cache.get(key);
    if (cached !== undefined && now - cached.loadedAt < profileCacheMs && now >= cached.loadedAt) return Promise.resolve(cached.facts);
    const pending = loading.get(key);
    if (pending !== undefined) return pending;
    const startedAt = epoch;
    const reading = read(tenantId, userId).then(
      (facts) => {
        // A change announced while this read was in flight must not be overwritten by what it read.
        if (epoch === startedAt) {
          loading.delete(key);
          if (cache.size >= 100_000) cache.clear();
          cache.set(key, { facts, loadedAt: now });
        }
        return facts;
      },
      (error: unknown) => {
        if (loading.get(key) === reading) loading.delete(key);
        throw error;
      },
    );
    loading.set(key, reading);
    return reading;
  };

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

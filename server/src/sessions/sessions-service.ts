import { isPermission, type Permission } from '@lanyard/contracts/permissions';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { HOUR, MINUTE } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import type { Principal } from '../kernel/principal.ts';
import { newSecretToken, type SecretHasher } from '../kernel/secrets.ts';
import type { PasswordHasher } from '../passwords/password-hasher.ts';
import type { Db } from '../storage/db.ts';
import type { Tenant } from '../tenants/tenants.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { UsersService } from '../users/users-service.ts';
import { sessionState, touchIntervalMs } from './sessions.ts';
import { deleteSession, deleteSessionByTokenHash, findSessionByTokenHash, insertSession, touchSession } from './sessions-repo.ts';

export type SessionsService = ReturnType<typeof createSessionsService>;

export interface RequestMeta {
  ip: string | undefined;
  userAgent: string | undefined;
}

export interface StartedSession {
  /** The cookie value. Only its keyed hash is stored. */
  token: string;
  expiresAt: Date;
  tenant: Tenant;
}

export function createSessionsService(deps: {
  db: Db;
  clock: Clock;
  secrets: SecretHasher;
  hasher: PasswordHasher;
  users: UsersService;
  tenants: TenantsService;
}) {
  const invalidCredentials = (): AppError => new AppError('AUTH_INVALID_CREDENTIALS');

  return {
    /**
     * Password sign-in into the user's default tenant. An unknown user, a wrong password, an account that
     * is not active or has no password: all answer AUTH_INVALID_CREDENTIALS after the same argon2 work.
     */
    async login(username: string, password: string, meta: RequestMeta): Promise<StartedSession> {
      const user = await deps.users.findUserByUsername(username);
      if (user === undefined || user.passwordHash === null) {
        await deps.hasher.verifyAgainstDummy(password);
        throw invalidCredentials();
      }
      const verified = await deps.hasher.verify(user.passwordHash, password);
      if (!verified || user.status !== 'active') throw invalidCredentials();
      const membership = await deps.users.findMembership(user.defaultTenantId, user.id);
      if (membership === undefined) throw invalidCredentials();
      const tenant = await deps.tenants.getTenant(user.defaultTenantId);

      const now = deps.clock.now();
      const token = newSecretToken();
      const expiresAt = new Date(now.getTime() + tenant.settings.session.absoluteHours * HOUR);
      await insertSession(deps.db, {
        id: newId(now.getTime()),
        token_hash: deps.secrets.hash(token),
        user_id: user.id,
        tenant_id: tenant.id,
        created_at: now,
        last_seen_at: now,
        absolute_expires_at: expiresAt,
        idle_timeout_seconds: (tenant.settings.session.idleMinutes * MINUTE) / 1000,
        ip: meta.ip ?? null,
        user_agent: meta.userAgent?.slice(0, 512) ?? null,
      });
      return { token, expiresAt, tenant };
    },

    /** Resolves a session cookie to a principal, or throws AUTH_REQUIRED / AUTH_SESSION_EXPIRED. */
    async authenticate(token: string): Promise<Principal> {
      const session = await findSessionByTokenHash(deps.db, deps.secrets.hash(token));
      if (session === undefined) throw new AppError('AUTH_REQUIRED');
      const now = deps.clock.now();
      if (sessionState(session, now) !== 'active') {
        await deleteSession(deps.db, session.id);
        throw new AppError('AUTH_SESSION_EXPIRED');
      }
      const [user, membership] = await Promise.all([
        deps.users.getUser(session.user_id),
        deps.users.findMembership(session.tenant_id, session.user_id),
      ]);
      if (user.status !== 'active' || membership === undefined) {
        await deleteSession(deps.db, session.id);
        throw new AppError('AUTH_REQUIRED');
      }
      if (now.getTime() - session.last_seen_at.getTime() >= touchIntervalMs) await touchSession(deps.db, session.id, now);
      const permissions = new Set<Permission>(membership.role.permissions.filter(isPermission));
      return { kind: 'session', userId: user.id, tenantId: session.tenant_id, sessionId: session.id, roleId: membership.role.id, permissions };
    },

    async logout(token: string): Promise<void> {
      await deleteSessionByTokenHash(deps.db, deps.secrets.hash(token));
    },
  };
}

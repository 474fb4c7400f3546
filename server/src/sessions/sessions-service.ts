import { isPermission, type Permission } from '@lanyard/contracts/permissions';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { HOUR, MINUTE } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import type { Principal } from '../kernel/principal.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import { newSecretToken, type SecretHasher } from '../kernel/secrets.ts';
import type { Db, Executor } from '../storage/db.ts';
import type { Tenant } from '../tenants/tenants.ts';
import type { UsersService } from '../users/users-service.ts';
import { sessionState, touchIntervalMs, type SessionRecord } from './sessions.ts';
import {
  clearPasswordChangeRequired,
  deleteSession,
  deleteSessionByTokenHash,
  deleteUserSessions,
  findSessionByTokenHash,
  insertSession,
  touchSession,
} from './sessions-repo.ts';

export type SessionsService = ReturnType<typeof createSessionsService>;


export interface StartedSession {
  /** The cookie value. Only its keyed hash is stored. */
  token: string;
  sessionId: string;
  expiresAt: Date;
  tenant: Tenant;
  passwordChangeRequired: boolean;
}

/** Console sessions: server-side, identified by a random cookie value stored only as a keyed hash. */
export function createSessionsService(deps: { db: Db; clock: Clock; secrets: SecretHasher; users: UsersService }) {
  return {
    /** Opens a session in a tenant, with the tenant's idle and absolute timeouts. */
    async start(
      userId: string,
      tenant: Tenant,
      meta: RequestMeta & { passwordChangeRequired: boolean },
      executor: Executor = deps.db,
    ): Promise<StartedSession> {
      const now = deps.clock.now();
      const token = newSecretToken();
      const sessionId = newId(now.getTime());
      const expiresAt = new Date(now.getTime() + tenant.settings.session.absoluteHours * HOUR);
      const session: SessionRecord = {
        id: sessionId,
        userId,
        tenantId: tenant.id,
        createdAt: now,
        lastSeenAt: now,
        absoluteExpiresAt: expiresAt,
        idleTimeoutSeconds: (tenant.settings.session.idleMinutes * MINUTE) / 1000,
        ip: meta.ip ?? null,
        userAgent: meta.userAgent?.slice(0, 512) ?? null,
        passwordChangeRequired: meta.passwordChangeRequired,
      };
      await insertSession(executor, session, deps.secrets.hash(token));
      return { token, sessionId, expiresAt, tenant, passwordChangeRequired: meta.passwordChangeRequired };
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
        deps.users.getUser(session.userId),
        deps.users.findMembership(session.tenantId, session.userId),
      ]);
      if (user.status !== 'active' || membership === undefined) {
        await deleteSession(deps.db, session.id);
        throw new AppError('AUTH_REQUIRED');
      }
      if (now.getTime() - session.lastSeenAt.getTime() >= touchIntervalMs) await touchSession(deps.db, session.id, now);
      const permissions = new Set<Permission>(membership.role.permissions.filter(isPermission));
      return {
        kind: 'session',
        userId: user.id,
        tenantId: session.tenantId,
        sessionId: session.id,
        roleId: membership.role.id,
        permissions,
        passwordChangeRequired: session.passwordChangeRequired,
      };
    },

    async logout(token: string): Promise<void> {
      await deleteSessionByTokenHash(deps.db, deps.secrets.hash(token));
    },

    /** Signs a user out everywhere (optionally keeping the session that asked). */
    revokeUserSessions(userId: string, exceptSessionId: string | undefined, executor: Executor = deps.db): Promise<number> {
      return deleteUserSessions(executor, userId, exceptSessionId);
    },

    clearPasswordChangeRequired(sessionId: string, executor: Executor = deps.db): Promise<void> {
      return clearPasswordChangeRequired(executor, sessionId);
    },
  };
}

import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import type { Principal } from '../kernel/principal.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import { newSecretToken, type SecretHasher } from '../kernel/secrets.ts';
import type { Db, Executor } from '../storage/db.ts';
import type { Tenant } from '../tenants/tenants.ts';
import { findSessionForRequest } from './session-read.ts';
import { needsTouch, newSessionRecord, sessionPrincipalOf, sessionState, type SessionRecord, type SessionStart } from './sessions.ts';
import {
  countLiveSessions,
  clearPasswordChangeRequired,
  deleteSession,
  deleteSessionByTokenHash,
  deleteUserSession,
  deleteLiveUserSession,
  isLiveUserSession,
  deleteUserSessions,
  deleteUserSessionsInTenant,
  deleteUserSessionsInTenantReturning,
  deleteUserSessionInTenant,
  listUserSessionsInTenant,
  insertSession,
  tightenTenantSessions,
  listUserSessions,
  touchSession,
  moveSessionToTenant,
} from './sessions-repo.ts';

export interface StartedSession {
  /** The cookie value. Only its keyed hash is stored. */
  token: string;
  sessionId: string;
  expiresAt: Date;
  tenant: Tenant;
  passwordChangeRequired: boolean;
}

/** Console sessions: server-side, identified by a random cookie value stored only as a keyed hash. */
export interface SessionsService {
  /** Opens a session in a tenant, with the tenant's idle and absolute timeouts; returns the cookie value once. */
  start(userId: string, tenant: Tenant, meta: SessionStart, executor?: Executor): Promise<StartedSession>;
  /** Resolves a session cookie to a principal; refuses an unknown cookie, or one of a user no longer active or a member, with AUTH_REQUIRED, and a timed-out session with AUTH_SESSION_EXPIRED (both end the session). */
  authenticate(token: string): Promise<Principal>;
  /** Ends the session of this cookie (nothing happens for an unknown one). */
  logout(token: string): Promise<void>;
  /** Signs a user out everywhere (optionally keeping the session that asked); returns how many sessions ended. */
  revokeUserSessions(userId: string, exceptSessionId: string | undefined, executor?: Executor): Promise<number>;
  /** Ends the user's sessions in one tenant (their membership there was disabled or removed), in `executor`; returns how many. */
  revokeUserSessionsInTenant(userId: string, tenantId: string, executor?: Executor): Promise<number>;
  /** The user's sessions that are still active, in every tenant, newest first (the cookie value is never among them). */
  listUserSessions(userId: string): Promise<SessionRecord[]>;
  /** The user's sessions in one tenant that are still active, newest first (an administrator's view of a member; never another tenant's). */
  listMemberSessions(userId: string, tenantId: string): Promise<SessionRecord[]>;
  /**
   * Ends one of the user's sessions in one tenant, in `executor` (the caller audits it): the next request with its cookie is refused,
   * on every instance (each request reads the session). SESSION_NOT_FOUND for an unknown id, another user's, or one in another tenant.
   */
  endMemberSession(userId: string, tenantId: string, sessionId: string, executor: Executor): Promise<void>;
  /** Ends every session of the user in one tenant, in `executor`; returns the ids of those ended (the caller audits each). */
  endMemberSessions(userId: string, tenantId: string, executor: Executor): Promise<string[]>;
  /** Ends one of the user's sessions: the next request with its cookie is refused, on every instance (each request reads the session). SESSION_NOT_FOUND for another user's or an unknown id. */
  endUserSession(principal: Principal, sessionId: string, meta: RequestMeta): Promise<void>;
  /** How many sessions of the user in the tenant are alive now. */
  countUserSessions(userId: string, tenantId: string): Promise<number>;
  /** Lifts the change-your-password-first restriction of a session. */
  clearPasswordChangeRequired(sessionId: string, executor?: Executor): Promise<void>;
  /** A tightened session policy shortens the tenant's open sessions (never lengthens them), in `executor`; returns how many changed. */
  applyPolicyToOpenSessions(tenantId: string, policy: { idleMinutes: number; absoluteHours: number }, executor: Executor): Promise<number>;
  /** Moves a session to another tenant of its user (the caller checked the membership), keeping the shorter of its timeouts and the tenant's; the next request acts there. SESSION_NOT_FOUND. */
  moveToTenant(sessionId: string, tenant: Tenant, executor?: Executor): Promise<void>;
  /** Whether the user's session is still alive (not ended, not timed out). */
  isLive(userId: string, sessionId: string): Promise<boolean>;
  /** Ends a live session of the user that a new one replaces (a tenant switch completed by a second step), in `executor`; false when it has ended or timed out meanwhile. */
  endReplacedSession(userId: string, sessionId: string, executor: Executor): Promise<boolean>;
}

export function createSessionsService(deps: {
  db: Db;
  clock: Clock;
  secrets: Pick<SecretHasher, 'hash'>;
  audit: Pick<AuditService, 'record'>;
}): SessionsService {
  return {
    async start(userId, tenant, meta, executor = deps.db) {
      const now = deps.clock.now();
      const token = newSecretToken();
      const session = newSessionRecord({ id: newId(now.getTime()), userId, tenant, now, meta });
      await insertSession(executor, session, deps.secrets.hash(token));
      return { token, sessionId: session.id, expiresAt: session.absoluteExpiresAt, tenant, passwordChangeRequired: meta.passwordChangeRequired };
    },

    async authenticate(token) {
      const found = await findSessionForRequest(deps.db, deps.secrets.hash(token));
      if (found === undefined) throw new AppError('AUTH_REQUIRED');
      const { session, userActive, role } = found;
      const now = deps.clock.now();
      if (sessionState(session, now) !== 'active') {
        await deleteSession(deps.db, session.id);
        throw new AppError('AUTH_SESSION_EXPIRED');
      }
      if (!userActive || role === null) {
        await deleteSession(deps.db, session.id);
        throw new AppError('AUTH_REQUIRED');
      }
      if (needsTouch(session, now)) await touchSession(deps.db, session.id, now);
      return sessionPrincipalOf(session, { role });
    },

    async logout(token) {
      await deleteSessionByTokenHash(deps.db, deps.secrets.hash(token));
    },

    revokeUserSessions(userId, exceptSessionId, executor = deps.db) {
      return deleteUserSessions(executor, userId, exceptSessionId);
    },

    revokeUserSessionsInTenant(userId, tenantId, executor = deps.db) {
      return deleteUserSessionsInTenant(executor, userId, tenantId);
    },

    async listUserSessions(userId) {
      const now = deps.clock.now();
      return (await listUserSessions(deps.db, userId)).filter((session) => sessionState(session, now) === 'active');
    },

    async listMemberSessions(userId, tenantId) {
      const now = deps.clock.now();
      return (await listUserSessionsInTenant(deps.db, userId, tenantId)).filter((session) => sessionState(session, now) === 'active');
    },

    async endMemberSession(userId, tenantId, sessionId, executor) {
      if (!(await deleteUserSessionInTenant(executor, userId, tenantId, sessionId))) throw new AppError('SESSION_NOT_FOUND', { details: { sessionId } });
    },

    endMemberSessions(userId, tenantId, executor) {
      return deleteUserSessionsInTenantReturning(executor, userId, tenantId);
    },

    async endUserSession(principal, sessionId, meta) {
      await deps.db.transaction().execute(async (trx) => {
        if (!(await deleteUserSession(trx, principal.userId, sessionId))) throw new AppError('SESSION_NOT_FOUND');
        await deps.audit.record(trx, {
          tenantId: principal.tenantId,
          actorUserId: principal.userId,
          action: 'session.ended',
          result: 'success',
          targetType: 'session',
          targetId: sessionId,
          ip: meta.ip,
          details: { current: principal.kind === 'session' && principal.sessionId === sessionId },
        });
      });
    },

    countUserSessions(userId, tenantId) {
      return countLiveSessions(deps.db, userId, tenantId, deps.clock.now());
    },

    clearPasswordChangeRequired(sessionId, executor = deps.db) {
      return clearPasswordChangeRequired(executor, sessionId);
    },

    applyPolicyToOpenSessions(tenantId, policy, executor) {
      return tightenTenantSessions(executor, tenantId, policy.idleMinutes * 60, policy.absoluteHours);
    },

    async moveToTenant(sessionId, tenant, executor = deps.db) {
      if (!(await moveSessionToTenant(executor, sessionId, tenant.id, tenant.settings.session.idleMinutes * 60, tenant.settings.session.absoluteHours))) throw new AppError('SESSION_NOT_FOUND');
    },

    isLive(userId, sessionId) {
      return isLiveUserSession(deps.db, userId, sessionId, deps.clock.now());
    },

    endReplacedSession(userId, sessionId, executor) {
      return deleteLiveUserSession(executor, userId, sessionId, deps.clock.now());
    },
  };
}

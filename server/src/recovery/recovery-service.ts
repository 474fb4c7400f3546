import type { PasswordPolicy } from '@lanyard/contracts/password-policy';
import type { Logger } from 'pino';
import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import { createBackgroundQueue } from '../kernel/background-queue.ts';
import { HOUR, MINUTE, type Clock } from '../kernel/clock.ts';
import type { Principal } from '../kernel/principal.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { SingleUseLink } from '../links/links.ts';
import type { SingleUseLinksService } from '../links/links-service.ts';
import type { Outbox } from '../mail/outbox.ts';
import { passwordResetEmail } from '../mail/templates.ts';
import type { PasswordsService } from '../passwords/passwords-service.ts';
import type { Db, Executor } from '../storage/db.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { UsersService } from '../users/users-service.ts';
import type { User } from '../users/users.ts';

/** Reset links one account can be sent through the forgot-password form in an hour. */
export const maxSelfServiceResetsPerHour = 3;

/** Recovery: a forgotten password, reset by an emailed link (asked for by the person, or sent by an administrator). */
export interface RecoveryService {
  /** Queues a forgot-password request; the answer never depends on whether the account exists. */
  requestReset(username: string, meta: RequestMeta): Promise<void>;
  /** Resolves once every queued forgot-password request has been handled. */
  resetRequestsIdle(): Promise<void>;
  /** Handles what is queued, then refuses new forgot-password requests (shutdown). */
  close(): Promise<void>;
  /** An administrator emails a reset link to a member of their tenant: USER_NOT_FOUND, USER_NOT_ACTIVE. */
  sendResetAsAdministrator(actor: Principal, userId: string, meta: RequestMeta): Promise<{ expiresAt: Date }>;
  /** The pending reset link a token names, with its user and policy: RESET_LINK_NOT_FOUND, _EXPIRED, _USED. */
  describeReset(token: string): Promise<{ reset: SingleUseLink; user: User; passwordPolicy: PasswordPolicy }>;
  /** Sets a new password with a reset link (once; lifts a lockout; signs out everywhere). */
  resetPassword(token: string, newPassword: string, meta: RequestMeta): Promise<void>;
}

export function createRecoveryService(deps: {
  db: Db;
  clock: Clock;
  links: Pick<SingleUseLinksService, 'kind'>;
  passwords: Pick<PasswordsService, 'policyFor' | 'acceptNewPassword' | 'storeNewPassword'>;
  mail: Pick<Outbox, 'enqueue'>;
  audit: Pick<AuditService, 'record'>;
  tenants: Pick<TenantsService, 'getTenant'>;
  users: Pick<UsersService, 'findUserByUsername' | 'findMembership' | 'getUser' | 'getManageableMember'>;
  logger: Pick<Logger, 'error' | 'warn'>;
}): RecoveryService {
  // A replaced reset link answers RESET_LINK_USED, as it always has: there is no separate code for it.
  const resetLinks = deps.links.kind({
    purpose: 'password-reset',
    route: 'reset-password',
    errors: { notFound: 'RESET_LINK_NOT_FOUND', expired: 'RESET_LINK_EXPIRED', used: 'RESET_LINK_USED', replaced: 'RESET_LINK_USED' },
  });

  /** Issues a reset link for an active user and queues the email, in `trx`. */
  const issueReset = async (trx: Executor, user: User, tenantId: string, requestedBy: string | null, meta: { ip?: string | undefined }) => {
    const tenant = await deps.tenants.getTenant(tenantId, trx);
    const expiresAt = new Date(deps.clock.now().getTime() + tenant.settings.passwordResetLifetimeMinutes * MINUTE);
    await resetLinks.replaceOpen(trx, user.id);
    const { url } = await resetLinks.create(trx, { tenantId, userId: user.id, createdBy: requestedBy, expiresAt });
    await deps.mail.enqueue(trx, {
      ...passwordResetEmail({ firstName: user.firstName, username: user.username, url, expiresAt }),
      tenantId,
      to: user.email,
    });
    await deps.audit.record(trx, {
      tenantId,
      actorUserId: requestedBy ?? user.id,
      action: 'password.reset.requested',
      result: 'success',
      targetType: 'user',
      targetId: user.id,
      ip: meta.ip,
      details: { byAdministrator: requestedBy !== null },
    });
    return { url, expiresAt };
  };

  const describeReset = async (token: string, executor: Executor = deps.db) => {
    const reset = await resetLinks.describe(token, executor);
    const user = await deps.users.getUser(reset.userId, executor);
    const passwordPolicy = await deps.passwords.policyFor(reset.tenantId, reset.userId, executor);
    return { reset, user, passwordPolicy };
  };

  /**
   * One queued forgot-password request. Only an active member gets a link, and at most
   * `maxSelfServiceResetsPerHour` of them an hour, so nobody can fill a mailbox through the form; the
   * requester cannot tell either case from a sent link.
   */
  const processResetRequest = async ({ username, ip }: { username: string; ip: string | undefined }): Promise<void> => {
    const user = await deps.users.findUserByUsername(username);
    if (user === undefined || user.status !== 'active') return;
    if ((await deps.users.findMembership(user.defaultTenantId, user.id)) === undefined) return;
    await deps.db.transaction().execute(async (trx) => {
      const since = new Date(deps.clock.now().getTime() - HOUR);
      if ((await resetLinks.countSelfRequested(trx, user.id, since)) >= maxSelfServiceResetsPerHour) {
        await deps.audit.record(trx, {
          tenantId: user.defaultTenantId,
          actorUserId: null,
          action: 'password.reset.requested',
          result: 'failure',
          targetType: 'user',
          targetId: user.id,
          ip,
          details: { reason: 'too-many-requests', limitPerHour: maxSelfServiceResetsPerHour },
        });
        return;
      }
      await issueReset(trx, user, user.defaultTenantId, null, { ip });
    });
  };
  const resetRequests = createBackgroundQueue({
    run: processResetRequest,
    onError: (error) => deps.logger.error({ err: error }, 'password reset request failed'),
  });

  return {
    /**
     * Forgotten password: the same answer whether or not the account exists, after the same work — none:
     * the request is only queued, and looking the account up, issuing the link and queuing the email
     * happen after the answer has gone (see processResetRequest).
     */
    async requestReset(username: string, meta: RequestMeta): Promise<void> {
      if (!resetRequests.offer({ username, ip: meta.ip })) deps.logger.warn({ pending: resetRequests.pending() }, 'password reset requests dropped: queue full');
    },

    /** Resolves once every queued forgot-password request has been handled (tests, shutdown). */
    resetRequestsIdle: () => resetRequests.idle(),
    close: () => resetRequests.close(),

    /** An administrator sends a reset link to a member of their tenant. */
    async sendResetAsAdministrator(actor: Principal, userId: string, meta: RequestMeta): Promise<{ expiresAt: Date }> {
      return deps.db.transaction().execute(async (trx) => {
        const { user } = await deps.users.getManageableMember(actor, 'account', userId, trx);
        if (user.status !== 'active') throw new AppError('USER_NOT_ACTIVE', { details: { userId, status: user.status } });
        const { expiresAt } = await issueReset(trx, user, actor.tenantId, actor.userId, meta);
        return { expiresAt };
      });
    },

    describeReset: (token: string) => describeReset(token),

    /** Sets a new password from a reset link: single use, also lifts a lockout, signs out everywhere. */
    async resetPassword(token: string, newPassword: string, meta: RequestMeta): Promise<void> {
      const { reset, user, passwordPolicy } = await describeReset(token);
      const passwordHash = await deps.passwords.acceptNewPassword(passwordPolicy, user, newPassword);
      await deps.db.transaction().execute(async (trx) => {
        await resetLinks.consume(trx, token, reset);
        await deps.passwords.storeNewPassword(trx, user, reset.tenantId, passwordHash, { keepSessionId: undefined, action: 'password.reset.completed', ip: meta.ip });
        await resetLinks.replaceOpen(trx, user.id);
      });
    },
  };
}

import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { LockoutService } from '../lockout/lockout-service.ts';
import type { PresenceService } from '../presence/presence-service.ts';
import type { Db } from '../storage/db.ts';
import type { SignedInAccount } from './login.ts';

/**
 * The contact-center check after a right credential (SPEC §3.2): a member whose role has `presence.use`
 * and who has neither a presence reason list of their own nor a tenant default is refused with 403
 * PRESENCE_REASON_LIST_REQUIRED and no session. The refusal is audited (auth.login.failed, reason
 * `no-presence-reason-list`), and the password attempt's slot is given back uncounted: the password was right, so it
 * must not count toward the lockout. Every sign-in method calls it once its credential is accepted.
 */
export interface PresenceCheck {
  assertMaySignIn(account: Pick<SignedInAccount, 'user' | 'membership' | 'tenant'>, method: string, meta: RequestMeta): Promise<void>;
}

export function createPresenceCheck(deps: {
  db: Db;
  presence: Pick<PresenceService, 'mayUsePresence'>;
  lockout: Pick<LockoutService, 'releasePasswordAttempt'>;
  audit: Pick<AuditService, 'record'>;
}): PresenceCheck {
  return {
    async assertMaySignIn(account, method, meta) {
      const { user, membership, tenant } = account;
      if (await deps.presence.mayUsePresence(tenant.id, user.id, membership.role.permissions)) return;
      await deps.db.transaction().execute(async (trx) => {
        if (method === 'password') await deps.lockout.releasePasswordAttempt(trx, user.id);
        await deps.audit.record(trx, {
          tenantId: tenant.id,
          actorUserId: user.id,
          action: 'auth.login.failed',
          result: 'failure',
          targetType: 'user',
          targetId: user.id,
          ip: meta.ip,
          details: { reason: 'no-presence-reason-list', method },
        });
      });
      throw new AppError('PRESENCE_REASON_LIST_REQUIRED');
    },
  };
}

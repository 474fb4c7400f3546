import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import { MINUTE, type Clock } from '../kernel/clock.ts';
import type { Principal } from '../kernel/principal.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { SingleUseLinksService } from '../links/links-service.ts';
import type { Db, Executor } from '../storage/db.ts';
import type { Tenant } from '../tenants/tenants.ts';
import type { UsersService } from '../users/users-service.ts';
import type { User } from '../users/users.ts';
import {
  clearFailedLogins,
  countCodeAttempt,
  findAttemptWindow,
  releasePasswordAttempt,
  reservePasswordAttempt,
  settlePasswordAttempt,
} from './lockout-repo.ts';
import {
  attemptLeaseMs,
  noCredential,
  slotWaitLimitMs,
  unlockCodeLifetimeMinutes,
  type CodeAttempt,
  type PasswordAttempt,
  type Settlement,
} from './lockout.ts';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The attempt counter behind the lockout (ADR 0009), shared by passwords and second-step codes, and the unlock codes. */
export interface LockoutService {
  /**
   * Reserves a verification slot of the account's lockout window before any hash runs (ADR 0009). While every slot left is
   * held by a verification in flight it waits until one answers (at most `slotWaitLimitMs`, then SERVICE_OVERLOADED); not held
   * while the account is locked. `userId` undefined (no account to count): the same statement, matching nothing. `force`: a
   * supervisor's unlock code admits this attempt whatever the lock.
   */
  reservePasswordAttempt(userId: string | undefined, tenant: Tenant | undefined, options?: { force?: boolean }): Promise<PasswordAttempt>;
  /**
   * Settles an attempt that did not sign in, in `executor` (the refusal's transaction, beside its audit row): gives its slot
   * back and, when the password was wrong (`failed`), counts the failure; the failure that fills the window locks the account.
   * One statement whatever the attempt, matching nothing when there is nothing to settle.
   */
  settlePasswordAttempt(executor: Executor, attempt: PasswordAttempt, tenant: Tenant | undefined, outcome: { failed: boolean }): Promise<Settlement>;
  /** Counts a second-factor code against the same window before it is checked; not admitted while locked (see countCodeAttempt). */
  admitCodeAttempt(userId: string, tenant: Tenant): Promise<CodeAttempt>;
  /** Audits the lock the attempt that used up the window set (`auth.lockout`), in `executor`. */
  recordLockout(executor: Executor, tenant: Tenant, userId: string, lockedUntil: Date | null, meta: RequestMeta): Promise<void>;
  /**
   * A right password that leads to a second step (TOTP), or is refused for another reason (no presence reason list), is neither
   * a failure nor yet a sign-in: its slot is given back, in `executor`, and the count left as it is, so it holds the failures
   * since the last completed sign-in, and wrong codes lock the account after exactly `lockout.maxFailures` of them however often
   * the password step runs.
   */
  releasePasswordAttempt(executor: Executor, userId: string): Promise<void>;
  /** An attempt whose verification or sign-in failed before an answer (an error, not a refusal): its slot goes back uncounted. */
  abandonPasswordAttempt(attempt: PasswordAttempt, tenant: Tenant | undefined): Promise<void>;
  /**
   * Resets the account's attempt count (a completed sign-in, a new password), in `executor`. `releaseSlot`: the right password
   * of this sign-in held a slot, given back with it. `cancelUnlockCodes`: the lock an unlock code was handed out for is gone (a
   * sign-in completed after it ran out, or a new password), so the code stops working too.
   */
  clearPasswordAttempts(executor: Executor, userId: string, options?: { cancelUnlockCodes?: boolean; releaseSlot?: boolean }): Promise<void>;
  /** An administrator lifts a member's lockout: USER_NOT_FOUND for another tenant's user. */
  unlock(actor: Principal, userId: string, meta: RequestMeta): Promise<void>;
  /**
   * Supervisor-assisted unlock: a one-time code (8 symbols, 15 minutes) an administrator reads out to a member
   * of their tenant, replacing any earlier one; audited with both names: USER_NOT_FOUND, USER_NOT_ACTIVE.
   */
  issueUnlockCode(actor: Principal, userId: string, meta: RequestMeta): Promise<{ code: string; expiresAt: Date }>;
  /** Uses the user's pending unlock code that `typed` names, exactly once (of concurrent callers one wins); undefined otherwise. */
  consumeUnlockCode(userId: string, typed: string): Promise<{ linkId: string; issuedBy: string | null } | undefined>;
}

export function createLockoutService(deps: {
  db: Db;
  clock: Clock;
  links: Pick<SingleUseLinksService, 'codeKind'>;
  audit: Pick<AuditService, 'record'>;
  users: Pick<UsersService, 'getManageableMember' | 'getUser'>;
}): LockoutService {
  const unlockCodes = deps.links.codeKind({ purpose: 'unlock-code' });

  const lockUntil = (tenant: Tenant | undefined, now: Date) => new Date(now.getTime() + (tenant?.settings.lockout.lockMinutes ?? 0) * MINUTE);

  /** Reserves a verification slot, waiting (polling a plain read, with a growing pause) while verifications in flight hold them all. */
  const reservePasswordAttemptFor = async (userId: string | undefined, tenant: Tenant | undefined, options: { force?: boolean } = {}): Promise<PasswordAttempt> => {
    const maxFailures = tenant?.settings.lockout.maxFailures ?? 0;
    const waitStarted = performance.now();
    let delay = 2;
    for (;;) {
      const now = deps.clock.now();
      const reservation = await reservePasswordAttempt(deps.db, userId ?? noCredential, now, maxFailures, new Date(now.getTime() + attemptLeaseMs), options.force === true);
      if (reservation === 'none') return { userId: undefined, held: false };
      if (reservation !== 'full') return { userId, held: reservation === 'reserved' };
      // Every slot left is held by a verification still running: one of them answers within a hash's time, and either gives
      // its slot back (a right password) or counts its failure (perhaps locking the account). Wait for that, then ask again.
      for (;;) {
        if (performance.now() - waitStarted > slotWaitLimitMs) throw new AppError('SERVICE_OVERLOADED', { headers: { 'retry-after': '1' } });
        await pause(delay + Math.random() * delay);
        delay = Math.min(delay * 2, 16);
        const window = await findAttemptWindow(deps.db, userId ?? noCredential, deps.clock.now());
        if (window === undefined || window.locked || window.failures + window.inFlight < maxFailures) break;
      }
    }
  };

  const settlePasswordAttemptFor = (executor: Executor, attempt: PasswordAttempt, tenant: Tenant | undefined, outcome: { failed: boolean }): Promise<Settlement> => {
    const now = deps.clock.now();
    const counts = attempt.userId !== undefined && (attempt.held || outcome.failed);
    return settlePasswordAttempt(executor, counts ? (attempt.userId ?? noCredential) : noCredential, now, { held: attempt.held, failed: outcome.failed }, tenant?.settings.lockout.maxFailures ?? 0, lockUntil(tenant, now));
  };

  return {
    reservePasswordAttempt: reservePasswordAttemptFor,
    settlePasswordAttempt: settlePasswordAttemptFor,

    /** Counts a second-factor code before it is checked, waiting like a password while verifications in flight hold every slot. */
    async admitCodeAttempt(userId: string, tenant: Tenant): Promise<CodeAttempt> {
      const { maxFailures } = tenant.settings.lockout;
      const waitStarted = performance.now();
      let delay = 2;
      for (;;) {
        const now = deps.clock.now();
        const attempt = await countCodeAttempt(deps.db, userId, now, maxFailures, lockUntil(tenant, now));
        if (!attempt.full) return attempt;
        if (performance.now() - waitStarted > slotWaitLimitMs) throw new AppError('SERVICE_OVERLOADED', { headers: { 'retry-after': '1' } });
        await pause(delay + Math.random() * delay);
        delay = Math.min(delay * 2, 16);
      }
    },

    /** The wrong attempt that used up the window locked the account: audited once, by that request alone. */
    async recordLockout(executor: Executor, tenant: Tenant, userId: string, lockedUntil: Date | null, meta: RequestMeta): Promise<void> {
      await deps.audit.record(executor, {
        tenantId: tenant.id,
        actorUserId: null,
        action: 'auth.lockout',
        result: 'success',
        targetType: 'user',
        targetId: userId,
        ip: meta.ip,
        details: { failures: tenant.settings.lockout.maxFailures, lockedUntil: lockedUntil?.toISOString() },
      });
    },

    releasePasswordAttempt: (executor: Executor, userId: string) => releasePasswordAttempt(executor, userId),

    async abandonPasswordAttempt(attempt, tenant) {
      await settlePasswordAttemptFor(deps.db, attempt, tenant, { failed: false });
    },

    /** A right password resets the account's attempt count: part of the sign-in's own write (see writeTogether). */
    async clearPasswordAttempts(executor: Executor, userId: string, options: { cancelUnlockCodes?: boolean; releaseSlot?: boolean } = {}) {
      await clearFailedLogins(executor, userId, { releaseSlot: options.releaseSlot === true });
      if (options.cancelUnlockCodes === true) await unlockCodes.cancelOpen(executor, userId);
    },

    async unlock(actor: Principal, userId: string, meta: RequestMeta): Promise<void> {
      await deps.db.transaction().execute(async (trx) => {
        await deps.users.getManageableMember(actor, 'account', userId, trx);
        await clearFailedLogins(trx, userId);
        await unlockCodes.cancelOpen(trx, userId);
        await deps.audit.record(trx, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'user.unlocked', result: 'success', targetType: 'user', targetId: userId, ip: meta.ip });
      });
    },

    async issueUnlockCode(actor: Principal, userId: string, meta: RequestMeta): Promise<{ code: string; expiresAt: Date }> {
      return deps.db.transaction().execute(async (trx) => {
        const { user } = await deps.users.getManageableMember(actor, 'account', userId, trx);
        if (user.status !== 'active') throw new AppError('USER_NOT_ACTIVE', { details: { userId, status: user.status } });
        const administrator = await deps.users.getUser(actor.userId, trx);
        const expiresAt = new Date(deps.clock.now().getTime() + unlockCodeLifetimeMinutes * MINUTE);
        const { link, code } = await unlockCodes.issue(trx, { tenantId: actor.tenantId, userId, createdBy: actor.userId, expiresAt });
        const nameOf = (person: User) => ({ id: person.id, username: person.username, name: `${person.firstName} ${person.lastName}` });
        await deps.audit.record(trx, {
          tenantId: actor.tenantId,
          actorUserId: actor.userId,
          action: 'auth.unlock.code.issued',
          result: 'success',
          targetType: 'user',
          targetId: userId,
          ip: meta.ip,
          details: { administrator: nameOf(administrator), agent: nameOf(user), codeId: link.id, expiresAt: expiresAt.toISOString() },
        });
        return { code, expiresAt };
      });
    },

    async consumeUnlockCode(userId: string, typed: string) {
      const link = await unlockCodes.consume(deps.db, userId, typed);
      return link === undefined ? undefined : { linkId: link.id, issuedBy: link.createdBy };
    },
  };
}

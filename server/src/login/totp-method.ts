import type { TotpEnrolment, TotpPeriod } from '@lanyard/contracts/mfa';
import type { AuditService } from '../audit/audit-service.ts';
import { AppError, isAppError } from '../errors/app-error.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { SingleUseLink } from '../links/links.ts';
import type { MfaService } from '../mfa/mfa-service.ts';
import { classifyCode } from '../mfa/mfa.ts';
import type { LockoutService } from '../lockout/lockout-service.ts';
import type { SessionsService, StartedSession } from '../sessions/sessions-service.ts';
import type { Db } from '../storage/db.ts';
import type { Tenant } from '../tenants/tenants.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { User } from '../users/users.ts';
import type { UsersService } from '../users/users-service.ts';
import type { LoginFlow } from './login-flow.ts';
import { accountRefusal } from './login.ts';

/**
 * The TOTP method: the second sign-in step, after a right password, a single sign-on whose provider asserted no factor the tenant
 * requires, or a tenant switch into such a tenant (the challenge login-flow issued). It decides whether a code (six digits, or one
 * recovery code) may complete the sign-in, then consumes the code (the time step, or the recovery code) and the challenge in the
 * transaction that opens the session (login-flow's `openSession`: the attempt count reset and the audit row with it).
 *
 * Every code, right or wrong, is counted against the account's lockout before it is checked
 * (lockout.admitCodeAttempt): wrong passwords and wrong codes share one counter, so a person who knows
 * the password gets no more guesses at the code than at the password (6 → 30 minutes by default). A right
 * password followed by a second step neither resets the count nor adds to it (lockout.releasePasswordAttempt gives its slot back);
 * only a completed sign-in resets it, so starting the password step again buys no more guesses.
 */
export type CodeUse =
  /** A TOTP code of this time step (±1 of the server's clock); consumed once in the sign-in's transaction. */
  | { kind: 'totp'; step: number }
  /** Something that is not six digits: a recovery code, verified by consuming it. */
  | { kind: 'recovery'; code: string };

export type SecondStepRefusal = 'locked' | 'wrong-code' | 'replayed-code' | 'missing-code' | 'no-factor';

export type SecondStepResult =
  | { ok: true; use: CodeUse }
  | {
      ok: false;
      reason: SecondStepRefusal;
      /** This wrong attempt used up the lockout window and locked the account until then. */
      lockedUntil?: Date | null;
      /** The step a replayed code belonged to. */
      step?: number;
    };

/** The person a challenge names, and the tenant it is for. */
interface ChallengedAccount {
  user: User;
  tenant: Tenant;
}

export interface TotpMethod {
  /**
   * The second step (`POST /api/v1/auth/login/mfa`): a challenge and a code (or a recovery code) → a
   * session; for a forced enrolment also the ten recovery codes. 401 MFA_CHALLENGE_INVALID, 401
   * MFA_CODE_INVALID, 403 ACCOUNT_LOCKED. The challenge is consumed by the sign-in it completes; wrong codes
   * leave it alive (each is counted toward the lockout), until it expires.
   */
  complete(challenge: string, code: string | undefined, meta: RequestMeta): Promise<{ session: StartedSession; recoveryCodes?: string[] }>;
  /** `POST /api/v1/auth/login/mfa/enrolment`: the pending TOTP of a forced enrolment. MFA_CHALLENGE_INVALID. */
  startEnrolment(challenge: string, input: { secret?: string | undefined; period?: TotpPeriod | undefined }, meta: RequestMeta): Promise<TotpEnrolment>;
}

export function createTotpMethod(deps: {
  db: Db;
  audit: Pick<AuditService, 'record'>;
  flow: Pick<LoginFlow, 'challenges' | 'openSession' | 'recordFailure'>;
  users: Pick<UsersService, 'getUser' | 'findMembership'>;
  tenants: Pick<TenantsService, 'getTenant'>;
  lockout: Pick<LockoutService, 'admitCodeAttempt' | 'recordLockout'>;
  sessions: Pick<SessionsService, 'isLive' | 'endReplacedSession'>;
  mfa: Pick<MfaService, 'findFactor' | 'matchingStep' | 'startSignInEnrolment' | 'consumeStep' | 'useRecoveryCode' | 'issueRecoveryCodes' | 'countRecoveryCodes' | 'notify'>;
}): TotpMethod {
  const { challenges } = deps.flow;

  /**
   * Checks a code for a person the challenge names. `enrolling`: the code must match the pending enrolment (forced enrolment at
   * sign-in), and recovery codes do not apply (there are none yet). Writes nothing but the attempt count.
   */
  const check = async (account: { userId: string; tenant: Tenant }, code: string | undefined, { enrolling }: { enrolling: boolean }): Promise<SecondStepResult> => {
    const attempt = await deps.lockout.admitCodeAttempt(account.userId, account.tenant);
    if (!attempt.admitted) return { ok: false, reason: 'locked' };
    const wrong = (reason: SecondStepRefusal, extra: { step?: number } = {}): SecondStepResult => ({
      ok: false,
      reason,
      ...extra,
      ...(attempt.locksNow ? { lockedUntil: attempt.lockedUntil } : {}),
    });
    if (code === undefined || code.trim() === '') return wrong('missing-code');
    const factor = await deps.mfa.findFactor(account.userId);
    if (factor === undefined || (factor.totp.confirmedAt === null) !== enrolling) return wrong('no-factor');
    const typed = classifyCode(code);
    if (typed.kind === 'recovery') return enrolling ? wrong('wrong-code') : { ok: true, use: typed };
    const step = deps.mfa.matchingStep(factor, typed.code);
    if (step === undefined) return wrong('wrong-code');
    // A code of a step at or before the last accepted one was seen already: a replay, refused and reported.
    if (step <= factor.totp.lastUsedStep) return wrong('replayed-code', { step });
    return { ok: true, use: { kind: 'totp', step } };
  };

  const recordFailure = (account: ChallengedAccount, reason: string, meta: RequestMeta) =>
    deps.flow.recordFailure(deps.db, { tenantId: account.tenant.id, userId: account.user.id, details: { reason, method: 'totp' } }, meta);

  /** The pending challenge a value names, of either kind: MFA_CHALLENGE_INVALID otherwise. */
  const findChallenge = async (challenge: string): Promise<{ link: SingleUseLink; enrolment: boolean }> => {
    try {
      return { link: await challenges.totp.describe(challenge), enrolment: false };
    } catch (error) {
      if (!isAppError(error, 'MFA_CHALLENGE_INVALID')) throw error;
      return { link: await challenges.enrolment.describe(challenge), enrolment: true };
    }
  };

  /** The account a challenge was issued to, if it may still sign in (`accountRefusal`: a membership disabled while the challenge waited stops it too, SPEC §3.12). */
  const accountOf = async (link: SingleUseLink, meta: RequestMeta) => {
    const [user, membership, tenant] = await Promise.all([deps.users.getUser(link.userId), deps.users.findMembership(link.tenantId, link.userId), deps.tenants.getTenant(link.tenantId)]);
    const refusal = accountRefusal(user, membership);
    if (refusal !== undefined || membership === undefined) {
      await recordFailure({ user, tenant }, refusal ?? 'no-membership', meta);
      throw new AppError('MFA_CHALLENGE_INVALID');
    }
    return { user, membership, tenant };
  };

  /** A refused code: audited (a replay also emailed), the lock it set audited; 401 MFA_CODE_INVALID, or 403 ACCOUNT_LOCKED while locked. */
  const refuseCode = async (result: Extract<SecondStepResult, { ok: false }>, account: ChallengedAccount, meta: RequestMeta): Promise<never> => {
    const { user, tenant } = account;
    if (result.lockedUntil !== undefined) await deps.lockout.recordLockout(deps.db, tenant, user.id, result.lockedUntil, meta);
    await recordFailure(account, result.reason, meta);
    if (result.reason === 'replayed-code') {
      await deps.db.transaction().execute((trx) => deps.mfa.notify(trx, 'mfa-replay-detected', { user, tenant, actorUserId: null, meta, details: { step: result.step } }));
    }
    if (result.reason === 'locked') throw new AppError('ACCOUNT_LOCKED');
    throw new AppError('MFA_CODE_INVALID', { status: 401 });
  };

  /** A tenant switch's challenge whose session has ended (signed out, timed out, revoked, or replaced by another of its challenges): nothing opens. */
  const refuseReplacedSessionEnded = async (account: ChallengedAccount, meta: RequestMeta): Promise<never> => {
    await recordFailure(account, 'replaced-session-ended', meta);
    throw new AppError('MFA_CHALLENGE_INVALID');
  };

  /**
   * The session a tenant switch's challenge replaces (its first factor), or undefined for a sign-in's challenge: it must still be
   * alive (checked again in the transaction that ends it), or the challenge is refused.
   */
  const replacedSessionOf = async (link: SingleUseLink, account: ChallengedAccount, meta: RequestMeta) => {
    if (typeof link.details.replacesSessionId !== 'string') return undefined;
    const replaced = { sessionId: link.details.replacesSessionId, fromTenantId: link.details.fromTenantId };
    if (!(await deps.sessions.isLive(account.user.id, replaced.sessionId))) return refuseReplacedSessionEnded(account, meta);
    return replaced;
  };

  return {
    async complete(challenge, code, meta) {
      const { link, enrolment } = await findChallenge(challenge);
      const account = await accountOf(link, meta);
      const replaced = await replacedSessionOf(link, account, meta);
      const result = await check({ userId: account.user.id, tenant: account.tenant }, code, { enrolling: enrolment });
      if (!result.ok) return refuseCode(result, account, meta);
      const { use } = result;
      const passwordChangeRequired = link.details.passwordChangeRequired === true;
      const firstFactor = replaced !== undefined ? 'session' : typeof link.details.firstFactor === 'string' ? link.details.firstFactor : 'password';
      const method = `${firstFactor}+${use.kind === 'totp' ? 'totp' : 'recovery-code'}`;
      let recoveryCodes: string[] | undefined;
      try {
        const session = await deps.db.transaction().execute(async (trx) => {
          // The code first: of concurrent submissions exactly one consumes its step (or recovery code).
          const consumed = use.kind === 'totp' ? await deps.mfa.consumeStep(trx, account.user.id, use.step, { confirm: enrolment }) : await deps.mfa.useRecoveryCode(trx, account.user.id, use.code);
          if (!consumed) throw new CodeNotConsumed(use.kind === 'totp' ? 'replayed-code' : 'wrong-code', use.kind === 'totp' ? use.step : undefined);
          await (enrolment ? challenges.enrolment : challenges.totp).consume(trx, challenge, link);
          // The session this one replaces ends with it; one that ended meanwhile (signed out, timed out, revoked) takes the challenge with it.
          if (replaced !== undefined && !(await deps.sessions.endReplacedSession(account.user.id, replaced.sessionId, trx))) throw new ReplacedSessionEnded();
          if (enrolment) {
            recoveryCodes = await deps.mfa.issueRecoveryCodes(trx, account.user.id);
            await deps.mfa.notify(trx, 'mfa-enabled', { ...account, actorUserId: account.user.id, meta, details: { atSignIn: true } });
          } else if (use.kind === 'recovery') {
            const remaining = await deps.mfa.countRecoveryCodes(account.user.id, trx);
            await deps.mfa.notify(trx, 'mfa-recovery-code-used', { ...account, actorUserId: account.user.id, meta, recoveryCodesRemaining: remaining, details: { remaining } });
          }
          const details = { method, passwordChangeRequired, ...(enrolment ? { enrolled: true } : {}), ...(replaced === undefined ? {} : { replacedSessionId: replaced.sessionId }) };
          // A completed sign-in leaves no unlock code open (the lock it was for ran out, or a code was used at the password step).
          const started = await deps.flow.openSession(trx, account, { details, passwordChangeRequired, secondFactor: true, attemptReset: { cancelUnlockCodes: true } }, meta);
          if (replaced !== undefined) {
            await deps.audit.record(trx, {
              tenantId: account.tenant.id,
              actorUserId: account.user.id,
              action: 'session.tenant.switched',
              result: 'success',
              targetType: 'session',
              targetId: started.sessionId,
              ip: meta.ip,
              details: { fromTenantId: replaced.fromTenantId, replacedSessionId: replaced.sessionId, ...(enrolment ? { enrolled: true } : {}) },
            });
          }
          return started;
        });
        return recoveryCodes === undefined ? { session } : { session, recoveryCodes };
      } catch (error) {
        if (error instanceof ReplacedSessionEnded) return refuseReplacedSessionEnded(account, meta);
        if (!(error instanceof CodeNotConsumed)) throw error;
        return refuseCode({ ok: false, reason: error.reason, ...(error.step === undefined ? {} : { step: error.step }) }, account, meta);
      }
    },

    async startEnrolment(challenge, input, meta) {
      const link = await challenges.enrolment.describe(challenge);
      const account = await accountOf(link, meta);
      await replacedSessionOf(link, account, meta);
      return deps.mfa.startSignInEnrolment(account, input);
    },
  };
}

/** A code that matched but lost the race to consume it (or a recovery code that is not one): the transaction rolls back. */
class CodeNotConsumed extends Error {
  constructor(
    readonly reason: 'replayed-code' | 'wrong-code',
    readonly step: number | undefined,
  ) {
    super(reason);
  }
}

/** The session a tenant switch's challenge replaces has ended: the transaction rolls back and the challenge is refused. */
class ReplacedSessionEnded extends Error {
  constructor() {
    super('replaced-session-ended');
  }
}

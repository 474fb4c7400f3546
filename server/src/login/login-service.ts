import { canonicalUsername } from '@lanyard/contracts/common';
import type { TotpEnrolment, TotpPeriod } from '@lanyard/contracts/mfa';
import type { AuditService } from '../audit/audit-service.ts';
import { AppError, isAppError } from '../errors/app-error.ts';
import { MINUTE, type Clock } from '../kernel/clock.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { SingleUseLinksService } from '../links/links-service.ts';
import type { LockoutService } from '../lockout/lockout-service.ts';
import type { SingleUseLink } from '../links/links.ts';
import type { MfaService } from '../mfa/mfa-service.ts';
import type { SessionsService, StartedSession } from '../sessions/sessions-service.ts';
import type { Db, Executor } from '../storage/db.ts';
import { writeTogether } from '../storage/write-together.ts';
import type { Tenant } from '../tenants/tenants.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { UsersService } from '../users/users-service.ts';
import { refusalDetails, type MethodResult, type SignInCandidate, type SignedInAccount, type UsedUnlockCode } from './login.ts';
import type { PasswordMethod } from './password-method.ts';
import type { PresenceCheck } from './presence-check-service.ts';
import { findSignInRecord } from './sign-in-read.ts';
import type { SecondStepResult, TotpMethod } from './totp-method.ts';

/** What a right password leads to: a session, or a second step first (no session, no cookie). */
export type PasswordLoginOutcome =
  | { kind: 'signed-in'; session: StartedSession }
  | { kind: 'second-step'; challenge: string; enrolment: false }
  /** `allowedPeriods`: the tenant's, so the enrolment screen offers only the periods that will be accepted. */
  | { kind: 'second-step'; challenge: string; enrolment: true; allowedPeriods: TotpPeriod[] };

/** How long a sign-in challenge lives (SPEC §4b: 5 minutes). */
export const challengeLifetimeMs = 5 * MINUTE;

/**
 * Sign-in, from the username to the session. Loads the candidate once, hands it to a method (password,
 * then TOTP as the second step when the user has one or the MFA policy requires it; OpenID Connect next),
 * and writes every `auth.login.*` audit row. Every refusal answers
 * AUTH_INVALID_CREDENTIALS after the same argon2 work, whatever the reason.
 */
export interface LoginService {
  /**
   * Password sign-in into the user's default tenant: a session, or — for a user with a TOTP, or one the MFA
   * policy requires to enrol — a single-use challenge for the second step; AUTH_INVALID_CREDENTIALS.
   */
  loginWithPassword(username: string, password: string, meta: RequestMeta, options?: { unlockCode?: string | undefined }): Promise<PasswordLoginOutcome>;
  /**
   * The second step (`POST /api/v1/auth/login/mfa`): a challenge and a code (or a recovery code) → a
   * session; for a forced enrolment also the ten recovery codes. 401 MFA_CHALLENGE_INVALID, 401
   * MFA_CODE_INVALID, 403 ACCOUNT_LOCKED. The challenge is consumed by the sign-in it completes; wrong codes
   * leave it alive (each is counted toward the lockout), until it expires.
   */
  completeSecondStep(challenge: string, code: string | undefined, meta: RequestMeta): Promise<{ session: StartedSession; recoveryCodes?: string[] }>;
  /** `POST /api/v1/auth/login/mfa/enrolment`: the pending TOTP of a forced enrolment. MFA_CHALLENGE_INVALID. */
  startEnrolmentAtSignIn(challenge: string, input: { secret?: string | undefined; period?: TotpPeriod | undefined }, meta: RequestMeta): Promise<TotpEnrolment>;
  /**
   * The second-step challenge of a signed-in person whose session is moving to a tenant whose MFA policy requires a factor of
   * their role there (tenancy/, `POST /api/v1/me/tenant`), written in `executor`: `enrolment` for a person without one, `totp` for
   * one whose session was opened without it (single sign-on, or signed in before enrolling). Issued as the sign-in issues one
   * (single use, 5 minutes, stored hashed, answered by the same second-step routes), for that tenant only. It records the session
   * it replaces: completing it ends that session in the transaction that opens the new one, and refuses once that session has ended.
   */
  issueTenantSwitchChallenge(
    executor: Executor,
    input: { step: 'totp' | 'enrolment'; userId: string; tenant: Tenant; replacesSessionId: string; fromTenantId: string; passwordChangeRequired: boolean },
  ): Promise<{ challenge: string; allowedPeriods: TotpPeriod[] }>;
  /**
   * Single sign-on's second step (SPEC §3.12): the provider's identity was accepted for a member of `tenant`, the tenant's MFA policy
   * requires a factor of their role there, and the provider asserted none. Written in `executor` (with the link the sign-in makes, if
   * any): a challenge answered by the same routes as after a password — `totp` for a person with a factor, `enrolment` for one without
   * — and its `auth.login.secondStep` row (method sso). No session until the code; the completed sign-in is audited `sso+totp`.
   */
  issueSsoChallenge(
    executor: Executor,
    input: { step: 'totp' | 'enrolment'; userId: string; tenant: Tenant; providerId: string },
    meta: RequestMeta,
  ): Promise<{ challenge: string; allowedPeriods: TotpPeriod[] }>;
  /** A sign-in whose body was refused at the edge is still a failed sign-in: audited with reason invalid-input. */
  recordRefusedInput(attemptedUsername: unknown, meta: RequestMeta): Promise<void>;
}

// eslint-disable-next-line no-control-regex -- control characters and lone surrogates are what a refused username may hold
const unprintable = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/gu;

export function createLoginService(deps: {
  db: Db;
  clock: Clock;
  users: Pick<UsersService, 'getUser' | 'findMembership'>;
  tenants: Pick<TenantsService, 'getTenant'>;
  lockout: Pick<LockoutService, 'clearPasswordAttempts' | 'releasePasswordAttempt' | 'settlePasswordAttempt' | 'recordLockout'>;
  sessions: Pick<SessionsService, 'start' | 'isLive' | 'endReplacedSession'>;
  audit: Pick<AuditService, 'record'>;
  links: SingleUseLinksService;
  mfa: Pick<MfaService, 'secondStepFor' | 'startSignInEnrolment' | 'consumeStep' | 'useRecoveryCode' | 'issueRecoveryCodes' | 'countRecoveryCodes' | 'notify'>;
  password: PasswordMethod;
  totp: TotpMethod;
  presenceCheck: PresenceCheck;
}): LoginService {
  // Sign-in challenges are single-use links that are never emailed: every refusal of one is the same code.
  const challengeErrors = { notFound: 'MFA_CHALLENGE_INVALID', expired: 'MFA_CHALLENGE_INVALID', used: 'MFA_CHALLENGE_INVALID', replaced: 'MFA_CHALLENGE_INVALID' } as const;
  const challenges = {
    totp: deps.links.kind({ purpose: 'mfa-challenge', route: 'login', errors: challengeErrors }),
    enrolment: deps.links.kind({ purpose: 'mfa-enrolment', route: 'login', errors: challengeErrors }),
  };

  /** User, membership, credential state and tenant in one read (sign-in-read.ts), whether or not the username exists. */
  const loadCandidate = (username: string): Promise<SignInCandidate | undefined> => findSignInRecord(deps.db, canonicalUsername(username));

  /**
   * Every refusal writes the same way, in one transaction: the attempt settled (its slot given back, a wrong password counted,
   * the lock that failure sets; for an unknown username the same statement matching nothing), the lockout audited if this
   * attempt set it, and the refusal audited.
   */
  const refuse = async (result: Extract<MethodResult, { ok: false }>, attemptedUsername: string, meta: RequestMeta): Promise<never> => {
    const { candidate } = result;
    await deps.db.transaction().execute(async (trx) => {
      const settled = await deps.lockout.settlePasswordAttempt(trx, result.attempt, candidate?.tenant, { failed: result.failed });
      if (candidate !== undefined && settled.locksNow) await deps.lockout.recordLockout(trx, candidate.tenant, candidate.user.id, settled.lockedUntil, meta);
      await deps.audit.record(trx, {
        tenantId: candidate?.tenant.id ?? null,
        actorUserId: candidate?.user.id ?? null,
        action: 'auth.login.failed',
        result: 'failure',
        targetType: 'user',
        targetId: candidate?.user.id,
        ip: meta.ip,
        details: { ...refusalDetails(result.reason, candidate, attemptedUsername), ...(result.unlockCode === undefined ? {} : { unlockCodeSpent: result.unlockCode.linkId }) },
      });
    });
    throw new AppError('AUTH_INVALID_CREDENTIALS');
  };

  /** The audit row of a supervisor's unlock code that let this sign-in through, naming who issued it. */
  const auditUnlockCodeUse = (executor: Parameters<AuditService['record']>[0], account: SignedInAccount, code: UsedUnlockCode, meta: RequestMeta) =>
    deps.audit.record(executor, {
      tenantId: account.tenant.id,
      actorUserId: account.user.id,
      action: 'auth.unlock.code.used',
      result: 'success',
      targetType: 'user',
      targetId: account.user.id,
      ip: meta.ip,
      details: { issuedBy: code.issuedBy, codeId: code.linkId },
    });

  /** An unlock code before a second step: the lock and the count of failures are cleared, and the use audited, together. */
  const recordUnlockCodeUse = (db: Db, account: SignedInAccount, code: UsedUnlockCode, meta: RequestMeta) =>
    db.transaction().execute(async (trx) => {
      await deps.lockout.clearPasswordAttempts(trx, account.user.id);
      await auditUnlockCodeUse(trx, account, code, meta);
    });

  /** A challenge of either kind, stored hashed, living 5 minutes; `details` travel with it to the second step. */
  const createChallenge = async (executor: Executor, step: 'totp' | 'enrolment', input: { userId: string; tenantId: string; details: Record<string, unknown> }): Promise<string> => {
    const kind = step === 'totp' ? challenges.totp : challenges.enrolment;
    const expiresAt = new Date(deps.clock.now().getTime() + challengeLifetimeMs);
    const { token } = await kind.create(executor, { tenantId: input.tenantId, userId: input.userId, createdBy: null, expiresAt, details: input.details });
    return token;
  };

  /** A right password with a second step to come: a challenge (stored hashed, 5 minutes) and its audit row; no session, the password's slot given back and the count of failures left as it was. */
  const issueChallenge = async (userId: string, tenantId: string, step: 'totp' | 'enrolment', passwordChangeRequired: boolean, meta: RequestMeta): Promise<string> =>
    deps.db.transaction().execute(async (trx) => {
      const token = await createChallenge(trx, step, { userId, tenantId, details: { passwordChangeRequired } });
      await deps.lockout.releasePasswordAttempt(trx, userId);
      await deps.audit.record(trx, {
        tenantId,
        actorUserId: userId,
        action: 'auth.login.secondStep',
        result: 'success',
        targetType: 'user',
        targetId: userId,
        ip: meta.ip,
        details: { method: 'password', next: step },
      });
      return token;
    });

  /** The pending challenge a value names, of either kind: MFA_CHALLENGE_INVALID otherwise. */
  const findChallenge = async (challenge: string): Promise<{ link: SingleUseLink; enrolment: boolean }> => {
    try {
      return { link: await challenges.totp.describe(challenge), enrolment: false };
    } catch (error) {
      if (!isAppError(error, 'MFA_CHALLENGE_INVALID')) throw error;
      return { link: await challenges.enrolment.describe(challenge), enrolment: true };
    }
  };

  /** The account a challenge was issued to, if it may still sign in (active, still a member, the membership enabled). */
  const accountOf = async (link: SingleUseLink, meta: RequestMeta) => {
    const [user, membership, tenant] = await Promise.all([deps.users.getUser(link.userId), deps.users.findMembership(link.tenantId, link.userId), deps.tenants.getTenant(link.tenantId)]);
    // A membership disabled on its own while the challenge waited stops this sign-in too (SPEC §3.12).
    if (user.status !== 'active' || membership === undefined || membership.disabled) {
      const reason = membership === undefined ? 'no-membership' : membership.disabled ? 'membership-disabled' : `status-${user.status}`;
      await deps.audit.record(deps.db, { tenantId: tenant.id, actorUserId: user.id, action: 'auth.login.failed', result: 'failure', targetType: 'user', targetId: user.id, ip: meta.ip, details: { reason, method: 'totp' } });
      throw new AppError('MFA_CHALLENGE_INVALID');
    }
    return { user, membership, tenant };
  };

  /** A refused code: audited (a replay also emailed), the lock it set audited; 401 MFA_CODE_INVALID, or 403 ACCOUNT_LOCKED while locked. */
  const refuseSecondStep = async (
    result: Extract<SecondStepResult, { ok: false }>,
    account: { user: Awaited<ReturnType<UsersService['getUser']>>; tenant: Awaited<ReturnType<TenantsService['getTenant']>> },
    meta: RequestMeta,
  ): Promise<never> => {
    const { user, tenant } = account;
    if (result.lockedUntil !== undefined) await deps.lockout.recordLockout(deps.db, tenant, user.id, result.lockedUntil, meta);
    await deps.audit.record(deps.db, {
      tenantId: tenant.id,
      actorUserId: user.id,
      action: 'auth.login.failed',
      result: 'failure',
      targetType: 'user',
      targetId: user.id,
      ip: meta.ip,
      details: { reason: result.reason, method: 'totp' },
    });
    if (result.reason === 'replayed-code') {
      await deps.db.transaction().execute((trx) => deps.mfa.notify(trx, 'mfa-replay-detected', { user, tenant, actorUserId: null, meta, details: { step: result.step } }));
    }
    if (result.reason === 'locked') throw new AppError('ACCOUNT_LOCKED');
    throw new AppError('MFA_CODE_INVALID', { status: 401 });
  };

  /** A tenant switch's challenge whose session has ended (signed out, timed out, revoked, or replaced by another of its challenges): nothing opens. */
  const refuseReplacedSessionEnded = async (account: { user: { id: string }; tenant: { id: string } }, meta: RequestMeta): Promise<never> => {
    await deps.audit.record(deps.db, {
      tenantId: account.tenant.id,
      actorUserId: account.user.id,
      action: 'auth.login.failed',
      result: 'failure',
      targetType: 'user',
      targetId: account.user.id,
      ip: meta.ip,
      details: { reason: 'replaced-session-ended', method: 'totp' },
    });
    throw new AppError('MFA_CHALLENGE_INVALID');
  };

  /**
   * The session a tenant switch's challenge replaces (its first factor), or undefined for a sign-in's challenge: it must still be
   * alive (checked again in the transaction that ends it), or the challenge is refused.
   */
  const replacedSessionOf = async (link: SingleUseLink, account: { user: { id: string }; tenant: { id: string } }, meta: RequestMeta) => {
    if (typeof link.details.replacesSessionId !== 'string') return undefined;
    const replaced = { sessionId: link.details.replacesSessionId, fromTenantId: link.details.fromTenantId };
    if (!(await deps.sessions.isLive(account.user.id, replaced.sessionId))) return refuseReplacedSessionEnded(account, meta);
    return replaced;
  };

  return {
    async recordRefusedInput(attemptedUsername, meta) {
      const username = typeof attemptedUsername === 'string' ? attemptedUsername.slice(0, 254).replaceAll(unprintable, '\ufffd') : undefined;
      await deps.audit.record(deps.db, {
        tenantId: null,
        actorUserId: null,
        action: 'auth.login.failed',
        result: 'failure',
        ip: meta.ip,
        details: { reason: 'invalid-input', ...(username === undefined ? {} : { username }) },
      });
    },

    async loginWithPassword(username, password, meta, options = {}) {
      const result = await deps.password.check(await loadCandidate(username), password, options.unlockCode);
      if (!result.ok) return refuse(result, username, meta);
      const { account, passwordChangeRequired } = result;
      // A right password, and still no sign-in without a presence reason list (403 PRESENCE_REASON_LIST_REQUIRED, audited).
      await deps.presenceCheck.assertMaySignIn(account, 'password', meta);
      const secondStep = await deps.mfa.secondStepFor(account);
      if (secondStep !== 'none') {
        // A supervisor's unlock code lifts the lock for the second step too; the code step is counted afresh.
        if (result.unlockCode !== undefined) await recordUnlockCodeUse(deps.db, account, result.unlockCode, meta);
        const challenge = await issueChallenge(account.user.id, account.tenant.id, secondStep, passwordChangeRequired, meta);
        return secondStep === 'enrolment'
          ? { kind: 'second-step', challenge, enrolment: true, allowedPeriods: [...account.tenant.settings.mfaPolicy.allowedPeriods] }
          : { kind: 'second-step', challenge, enrolment: false };
      }
      // The session, the reset attempt count and the audit row: one statement, one round trip (see writeTogether).
      let started: StartedSession | undefined;
      await writeTogether(deps.db, async (writes) => {
        started = await deps.sessions.start(account.user.id, account.tenant, { ...meta, passwordChangeRequired }, writes);
        // A lock that ran out before this right password takes the unlock code handed out for it with it (an account never locked
        // has none: no write). The slot the password held goes back with the count.
        await deps.lockout.clearPasswordAttempts(writes, account.user.id, { cancelUnlockCodes: account.credential.lockedUntil !== null, releaseSlot: true });
        await deps.audit.record(writes, {
          tenantId: account.tenant.id,
          actorUserId: account.user.id,
          action: 'auth.login.succeeded',
          result: 'success',
          targetType: 'user',
          targetId: account.user.id,
          ip: meta.ip,
          details: { method: 'password', passwordChangeRequired },
        });
        // The lock the code lifted is cleared with the attempt count above.
        if (result.unlockCode !== undefined) await auditUnlockCodeUse(writes, account, result.unlockCode, meta);
      });
      if (started === undefined) throw new Error('writeTogether did not run the session write');
      return { kind: 'signed-in', session: started };
    },

    async completeSecondStep(challenge, code, meta) {
      const { link, enrolment } = await findChallenge(challenge);
      const account = await accountOf(link, meta);
      const replaced = await replacedSessionOf(link, account, meta);
      const result = await deps.totp.check({ userId: account.user.id, tenant: account.tenant }, code, { enrolling: enrolment });
      if (!result.ok) return refuseSecondStep(result, account, meta);
      const { use } = result;
      const passwordChangeRequired = link.details.passwordChangeRequired === true;
      const firstFactor = replaced !== undefined ? 'session' : link.details.firstFactor === 'sso' ? 'sso' : 'password';
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
          const started = await deps.sessions.start(account.user.id, account.tenant, { ...meta, passwordChangeRequired, secondFactor: true }, trx);
          // A completed sign-in leaves no unlock code open (the lock it was for ran out, or a code was used at the password step).
          await deps.lockout.clearPasswordAttempts(trx, account.user.id, { cancelUnlockCodes: true });
          await deps.audit.record(trx, {
            tenantId: account.tenant.id,
            actorUserId: account.user.id,
            action: 'auth.login.succeeded',
            result: 'success',
            targetType: 'user',
            targetId: account.user.id,
            ip: meta.ip,
            details: { method, passwordChangeRequired, ...(enrolment ? { enrolled: true } : {}), ...(replaced === undefined ? {} : { replacedSessionId: replaced.sessionId }) },
          });
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
        return refuseSecondStep({ ok: false, reason: error.reason, ...(error.step === undefined ? {} : { step: error.step }) }, account, meta);
      }
    },

    async issueTenantSwitchChallenge(executor, input) {
      const challenge = await createChallenge(executor, input.step, {
        userId: input.userId,
        tenantId: input.tenant.id,
        details: { passwordChangeRequired: input.passwordChangeRequired, replacesSessionId: input.replacesSessionId, fromTenantId: input.fromTenantId },
      });
      return { challenge, allowedPeriods: [...input.tenant.settings.mfaPolicy.allowedPeriods] };
    },

    async issueSsoChallenge(executor, input, meta) {
      const challenge = await createChallenge(executor, input.step, {
        userId: input.userId,
        tenantId: input.tenant.id,
        details: { passwordChangeRequired: false, firstFactor: 'sso', providerId: input.providerId },
      });
      await deps.audit.record(executor, {
        tenantId: input.tenant.id,
        actorUserId: input.userId,
        action: 'auth.login.secondStep',
        result: 'success',
        targetType: 'user',
        targetId: input.userId,
        ip: meta.ip,
        details: { method: 'sso', providerId: input.providerId, next: input.step },
      });
      return { challenge, allowedPeriods: [...input.tenant.settings.mfaPolicy.allowedPeriods] };
    },

    async startEnrolmentAtSignIn(challenge, input, meta) {
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

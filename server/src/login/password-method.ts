import { canonicalUsername } from '@lanyard/contracts/common';
import type { TotpPeriod } from '@lanyard/contracts/mfa';
import { AppError } from '../errors/app-error.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { PasswordHasher } from '../passwords/password-hasher.ts';
import type { LockoutService } from '../lockout/lockout-service.ts';
import type { PasswordsService } from '../passwords/passwords-service.ts';
import type { StartedSession } from '../sessions/sessions-service.ts';
import type { Db } from '../storage/db.ts';
import type { LoginFlow } from './login-flow.ts';
import { accountRefusal, passwordLoginAllowed, refusalDetails, type MethodResult, type SignInCandidate, type SignInRefusal } from './login.ts';
import { findSignInRecord } from './sign-in-read.ts';

/** What a right password leads to: a session, or a second step first (no session, no cookie). */
export type PasswordLoginOutcome =
  | { kind: 'signed-in'; session: StartedSession }
  /** `allowedPeriods`: the tenant's, so the enrolment screen offers only the periods that will be accepted. */
  | { kind: 'second-step'; challenge: string; enrolment: boolean; allowedPeriods: TotpPeriod[] };

/**
 * The password method (`POST /api/v1/auth/login`): the one place that decides whether a password signs a candidate in; what follows a
 * right password (the gates, the second step, the session) is login-flow's. Every attempt runs the same
 * statements and the same argon2 work (unknown users, accounts without a password or with password sign-in off, and locked
 * accounts are verified against the dummy hash, after the same reservation statement). An attempt reserves a slot of the
 * account's lockout window before its hash runs, and the slot is settled with the answer (ADR 0009): only a wrong password is
 * counted, so right passwords sent at once never fill the window. Every refusal answers AUTH_INVALID_CREDENTIALS after the same
 * argon2 work, whatever the reason (audited through the flow, with the attempt settled in the same transaction).
 */
export interface PasswordMethod {
  /**
   * Password sign-in into the user's default tenant: a session, or — for a user with a TOTP, or one the MFA policy requires to enrol
   * — a single-use challenge for the second step; 401 AUTH_INVALID_CREDENTIALS, 403 PRESENCE_REASON_LIST_REQUIRED.
   */
  signIn(username: string, password: string, meta: RequestMeta, options?: { unlockCode?: string | undefined }): Promise<PasswordLoginOutcome>;
  /** A sign-in whose body was refused at the edge is still a failed sign-in: audited with reason invalid-input. */
  recordRefusedInput(attemptedUsername: unknown, meta: RequestMeta): Promise<void>;
}

/** The check itself (no writes but the attempt's reservation; a tagged result, never a throw for a refusal). */
interface PasswordCheck {
  /**
   * Checks `password` for the candidate (undefined: no such username). With an `unlockCode`, the code must be
   * the account's pending one: it is used up (exactly once) and admits this one attempt to a real verification
   * even while the account is locked; a right password then signs in, which clears the lock. A code that is
   * not valid refuses the attempt (counted as a failure, verified against the dummy hash), whatever the lock.
   * A right password (`ok`) still holds its slot: the sign-in's write, or the second step's challenge, gives it back.
   */
  check(candidate: SignInCandidate | undefined, password: string, unlockCode?: string): Promise<MethodResult>;
}

// eslint-disable-next-line no-control-regex -- control characters and lone surrogates are what a refused username may hold
const unprintable = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/gu;

export function createPasswordMethod(deps: {
  db: Db;
  flow: Pick<LoginFlow, 'finish' | 'recordFailure'>;
  hasher: Pick<PasswordHasher, 'verify' | 'verifyAgainstDummy'>;
  passwords: Pick<PasswordsService, 'afterVerifiedSignIn'>;
  lockout: Pick<LockoutService, 'reservePasswordAttempt' | 'abandonPasswordAttempt' | 'consumeUnlockCode' | 'settlePasswordAttempt' | 'recordLockout'>;
}): PasswordMethod {
  /** No account to count: the same reservation statement (matching nothing) and the dummy hash. */
  const refuseUncounted = async (candidate: SignInCandidate | undefined, password: string, reason: SignInRefusal): Promise<MethodResult> => {
    const attempt = await deps.lockout.reservePasswordAttempt(undefined, candidate?.tenant);
    await deps.hasher.verifyAgainstDummy(password);
    return { ok: false, reason, candidate, attempt, failed: false };
  };

  const checker: PasswordCheck = {
    async check(candidate, password, unlockCode) {
      const passwordHash = candidate?.credential.passwordHash ?? null;
      if (candidate === undefined || passwordHash === null) return refuseUncounted(candidate, password, candidate === undefined ? 'unknown-user' : 'no-password');
      // An administrator turned password sign-in off for this user (PATCH /api/v1/admin/users/{id} passwordLogin) or, without an
      // override, for the tenant (PUT /api/v1/admin/security/login-methods): the same answer as a wrong password, after the same work.
      if (!passwordLoginAllowed(candidate.membership?.passwordLogin ?? 'tenant', candidate.tenant.settings.loginMethods.passwordLogin)) {
        return refuseUncounted(candidate, password, 'password-login-disabled');
      }
      const userId = candidate.user.id;
      const code = unlockCode === undefined ? undefined : await deps.lockout.consumeUnlockCode(userId, unlockCode);
      if (unlockCode !== undefined && code === undefined) {
        await deps.hasher.verifyAgainstDummy(password);
        return { ok: false, reason: 'unlock-code-invalid', candidate, attempt: { userId, held: false }, failed: true };
      }
      const used = code === undefined ? {} : { unlockCode: code };
      // A used-up unlock code admits this one attempt whatever the lock; otherwise a slot of the window, waiting for one while
      // every slot left is held by a verification in flight.
      const attempt = await deps.lockout.reservePasswordAttempt(userId, candidate.tenant, { force: code !== undefined });
      if (!attempt.held) {
        await deps.hasher.verifyAgainstDummy(password);
        return { ok: false, reason: 'locked', candidate, attempt, failed: false };
      }
      try {
        if (!(await deps.hasher.verify(passwordHash, password))) return { ok: false, reason: 'wrong-password', candidate, attempt, failed: true, ...used };
        const { user, membership } = candidate;
        const refusal = accountRefusal(user, membership);
        if (refusal !== undefined || membership === undefined) return { ok: false, reason: refusal ?? 'no-membership', candidate, attempt, failed: false, ...used };
        const { passwordChangeRequired } = await deps.passwords.afterVerifiedSignIn({ ...candidate, membership }, password);
        return { ok: true, account: { ...candidate, membership }, passwordChangeRequired, ...used };
      } catch (error) {
        // No answer about the password (the hash pool or the database failed): the slot goes back uncounted.
        await deps.lockout.abandonPasswordAttempt(attempt, candidate.tenant);
        throw error;
      }
    },
  };

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
      const details = { ...refusalDetails(result.reason, candidate, attemptedUsername), ...(result.unlockCode === undefined ? {} : { unlockCodeSpent: result.unlockCode.linkId }) };
      await deps.flow.recordFailure(trx, { tenantId: candidate?.tenant.id ?? null, userId: candidate?.user.id, details }, meta);
    });
    throw new AppError('AUTH_INVALID_CREDENTIALS');
  };

  return {
    async signIn(username, password, meta, options = {}) {
      // User, membership, credential state and tenant in one read (sign-in-read.ts), whether or not the username exists.
      const candidate = await findSignInRecord(deps.db, canonicalUsername(username));
      const result = await checker.check(candidate, password, options.unlockCode);
      if (!result.ok) return refuse(result, username, meta);
      const { account, passwordChangeRequired, unlockCode } = result;
      const outcome = await deps.flow.finish(
        account,
        {
          method: 'password',
          succeeded: { passwordChangeRequired },
          passwordChangeRequired,
          secondFactor: 'asked',
          passwordAttempt: { wasLocked: account.credential.lockedUntil !== null, unlockCode },
        },
        meta,
      );
      // A right password, and still no sign-in (a gate: 403 PRESENCE_REASON_LIST_REQUIRED); the flow audited it and gave the slot back.
      if (outcome.kind === 'refused') throw new AppError(outcome.code ?? 'AUTH_INVALID_CREDENTIALS');
      return outcome;
    },

    async recordRefusedInput(attemptedUsername, meta) {
      const username = typeof attemptedUsername === 'string' ? attemptedUsername.slice(0, 254).replaceAll(unprintable, '\ufffd') : undefined;
      await deps.flow.recordFailure(deps.db, { tenantId: null, userId: null, details: { reason: 'invalid-input', ...(username === undefined ? {} : { username }) } }, meta);
    },
  };
}

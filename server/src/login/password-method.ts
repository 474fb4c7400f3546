import type { PasswordHasher } from '../passwords/password-hasher.ts';
import type { LockoutService } from '../lockout/lockout-service.ts';
import type { PasswordsService } from '../passwords/passwords-service.ts';
import { passwordLoginAllowed, type MethodResult, type SignInCandidate, type SignInRefusal } from './login.ts';

/**
 * The password method: the one place that decides whether a password signs a candidate in. Every attempt runs the same
 * statements and the same argon2 work (unknown users, accounts without a password or with password sign-in off, and locked
 * accounts are verified against the dummy hash, after the same reservation statement). An attempt reserves a slot of the
 * account's lockout window before its hash runs, and the slot is settled with the answer (ADR 0009): only a wrong password is
 * counted, so right passwords sent at once never fill the window. It writes no audit row and throws nothing for a refusal: the
 * login service records what it returns and settles the attempt with it.
 */
export interface PasswordMethod {
  /**
   * Checks `password` for the candidate (undefined: no such username). With an `unlockCode`, the code must be
   * the account's pending one: it is used up (exactly once) and admits this one attempt to a real verification
   * even while the account is locked; a right password then signs in, which clears the lock. A code that is
   * not valid refuses the attempt (counted as a failure, verified against the dummy hash), whatever the lock.
   * A right password (`ok`) still holds its slot: the sign-in's write, or the second step's challenge, gives it back.
   */
  check(candidate: SignInCandidate | undefined, password: string, unlockCode?: string): Promise<MethodResult>;
}

export function createPasswordMethod(deps: {
  hasher: Pick<PasswordHasher, 'verify' | 'verifyAgainstDummy'>;
  passwords: Pick<PasswordsService, 'afterVerifiedSignIn'>;
  lockout: Pick<LockoutService, 'reservePasswordAttempt' | 'abandonPasswordAttempt' | 'consumeUnlockCode'>;
}): PasswordMethod {
  /** No account to count: the same reservation statement (matching nothing) and the dummy hash. */
  const refuseUncounted = async (candidate: SignInCandidate | undefined, password: string, reason: SignInRefusal): Promise<MethodResult> => {
    const attempt = await deps.lockout.reservePasswordAttempt(undefined, candidate?.tenant);
    await deps.hasher.verifyAgainstDummy(password);
    return { ok: false, reason, candidate, attempt, failed: false };
  };

  return {
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
        if (user.status !== 'active') return { ok: false, reason: `status-${user.status}`, candidate, attempt, failed: false, ...used };
        if (membership === undefined) return { ok: false, reason: 'no-membership', candidate, attempt, failed: false, ...used };
        const { passwordChangeRequired } = await deps.passwords.afterVerifiedSignIn({ ...candidate, membership }, password);
        return { ok: true, account: { ...candidate, membership }, passwordChangeRequired, ...used };
      } catch (error) {
        // No answer about the password (the hash pool or the database failed): the slot goes back uncounted.
        await deps.lockout.abandonPasswordAttempt(attempt, candidate.tenant);
        throw error;
      }
    },
  };
}

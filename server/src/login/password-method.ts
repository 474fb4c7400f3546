import type { PasswordHasher } from '../passwords/password-hasher.ts';
import type { PasswordsService } from '../passwords/passwords-service.ts';
import { passwordLoginAllowed, type MethodResult, type SignInCandidate } from './login.ts';

/**
 * The password method: the one place that decides whether a password signs a candidate in. Every refusal
 * costs the same argon2 work (unknown users and locked accounts are verified against the dummy hash), and an
 * attempt is counted against the lockout before its hash runs. It writes no audit row and throws nothing for a
 * refusal: the login service records what it returns.
 */
export interface PasswordMethod {
  /**
   * Checks `password` for the candidate (undefined: no such username). With an `unlockCode`, the code must be
   * the account's pending one: it is used up (exactly once) and admits this one attempt to a real verification
   * even while the account is locked; a right password then signs in, which clears the lock. A code that is
   * not valid refuses the attempt (counted, verified against the dummy hash), whatever the lock.
   */
  check(candidate: SignInCandidate | undefined, password: string, unlockCode?: string): Promise<MethodResult>;
}

export function createPasswordMethod(deps: {
  hasher: Pick<PasswordHasher, 'verify' | 'verifyAgainstDummy'>;
  passwords: Pick<PasswordsService, 'admitPasswordAttempt' | 'afterVerifiedSignIn' | 'consumeUnlockCode'>;
}): PasswordMethod {
  return {
    async check(candidate, password, unlockCode) {
      const passwordHash = candidate?.credential.passwordHash ?? null;
      if (candidate === undefined || passwordHash === null) {
        await deps.hasher.verifyAgainstDummy(password);
        return { ok: false, reason: candidate === undefined ? 'unknown-user' : 'no-password', candidate };
      }
      // An administrator turned password sign-in off for this user (PATCH /api/v1/admin/users/{id} passwordLogin) or, without an
      // override, for the tenant (PUT /api/v1/admin/security/login-methods): the same answer as a wrong password, after the same work.
      if (!passwordLoginAllowed(candidate.membership?.passwordLogin ?? 'tenant', candidate.tenant.settings.loginMethods.passwordLogin)) {
        await deps.hasher.verifyAgainstDummy(password);
        return { ok: false, reason: 'password-login-disabled', candidate };
      }
      const code = unlockCode === undefined ? undefined : await deps.passwords.consumeUnlockCode(candidate.user.id, unlockCode);
      const attempt = await deps.passwords.admitPasswordAttempt(candidate.user.id, candidate.tenant);
      const lockedNow = attempt.locksNow ? { lockedUntil: attempt.lockedUntil } : {};
      if (unlockCode !== undefined && code === undefined) {
        await deps.hasher.verifyAgainstDummy(password);
        return { ok: false, reason: 'unlock-code-invalid', candidate, ...lockedNow };
      }
      const used = code === undefined ? {} : { unlockCode: code };
      if (!attempt.admitted && code === undefined) {
        await deps.hasher.verifyAgainstDummy(password);
        return { ok: false, reason: 'locked', candidate };
      }
      if (!(await deps.hasher.verify(passwordHash, password))) {
        return { ok: false, reason: 'wrong-password', candidate, ...lockedNow, ...used };
      }
      const { user, membership } = candidate;
      if (user.status !== 'active') return { ok: false, reason: `status-${user.status}`, candidate, ...used };
      if (membership === undefined) return { ok: false, reason: 'no-membership', candidate, ...used };
      const { passwordChangeRequired } = await deps.passwords.afterVerifiedSignIn({ ...candidate, membership }, password);
      return { ok: true, account: { ...candidate, membership }, passwordChangeRequired, ...used };
    },
  };
}

import type { LockoutService } from '../lockout/lockout-service.ts';
import type { MfaService } from '../mfa/mfa-service.ts';
import { classifyCode } from '../mfa/mfa.ts';
import type { Tenant } from '../tenants/tenants.ts';

/**
 * The TOTP method: the second sign-in step after a right password. It decides whether a code (six digits,
 * or one recovery code) may complete the sign-in, and never writes anything but the attempt count: the
 * login service consumes the code (the time step, or the recovery code) in the same transaction as the
 * session, and records what this returns.
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

export interface TotpMethod {
  /**
   * Checks a code for a user who passed the password step. `enrolling`: the code must match the pending
   * enrolment (forced enrolment at sign-in), and recovery codes do not apply (there are none yet).
   */
  check(account: { userId: string; tenant: Tenant }, code: string | undefined, options: { enrolling: boolean }): Promise<SecondStepResult>;
}

export function createTotpMethod(deps: {
  lockout: Pick<LockoutService, 'admitCodeAttempt'>;
  mfa: Pick<MfaService, 'findFactor' | 'matchingStep'>;
}): TotpMethod {
  return {
    async check(account, code, { enrolling }) {
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
    },
  };
}

import type { ErrorCode } from '@lanyard/contracts/error-codes';
import type { TotpPeriod } from '@lanyard/contracts/mfa';
import type { AuditService } from '../audit/audit-service.ts';
import { MINUTE, type Clock } from '../kernel/clock.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { LinkKind, SingleUseLinksService } from '../links/links-service.ts';
import { requiredByPolicy, secondStepOf as mfaSecondStepOf } from '../mfa/mfa.ts';
import type { LockoutService } from '../lockout/lockout-service.ts';
import { presenceListGuards } from '../presence/presence.ts';
import type { SessionsService, StartedSession } from '../sessions/sessions-service.ts';
import type { Db, Executor } from '../storage/db.ts';
import { writeTogether } from '../storage/write-together.ts';
import type { Tenant } from '../tenants/tenants.ts';
import type { Membership, User } from '../users/users.ts';
import { accountRefusal, type SignInFacts, type UsedUnlockCode } from './login.ts';
import { findSignInFacts } from './sign-in-read.ts';

/** How long a sign-in challenge lives (SPEC §4b: 5 minutes). */
export const challengeLifetimeMs = 5 * MINUTE;

/** Who a method identified, and the tenant the sign-in is into (the membership undefined when they are no member of it). */
export interface Identified {
  user: User;
  membership: Membership | undefined;
  tenant: Tenant;
  /** What the gates and the second step need, when the method read it with the account (the password's one read); else read here. */
  facts?: SignInFacts | undefined;
}

/** An identified person who may sign in: a member of the tenant. */
export interface SignInAccount extends Identified {
  membership: Membership;
}

/** How a method identified the person: what the flow needs to decide the second step and to write and audit the sign-in. */
export interface SignInHow {
  /** The method as the audit rows name it: `password`, `sso` (next: `passkey`). */
  method: string;
  /** In every audit row of this sign-in and in a second step's challenge (single sign-on: the provider). */
  details?: Record<string, unknown>;
  /** In the `auth.login.succeeded` row only. */
  succeeded?: Record<string, unknown>;
  passwordChangeRequired: boolean;
  /**
   * The second factor. `asked`: Lanyard's own step whenever the person has a factor or the tenant's MFA policy requires one of their
   * role (a password). `if-required`: only where the policy requires one (single sign-on whose provider asserted none). `asserted`:
   * the method proved one itself (the provider's `mfaAssurance` is met): no step, and the session records the second factor.
   */
  secondFactor: 'asked' | 'if-required' | 'asserted';
  /**
   * The password attempt this sign-in holds (ADR 0009): its slot given back with a refusal or a second step, the count reset with the
   * session (and, for a lock that had run out, the unlock code issued for it cancelled). A supervisor's unlock code that let it through
   * is audited with the sign-in.
   */
  passwordAttempt?: { wasLocked: boolean; unlockCode?: UsedUnlockCode | undefined };
  /** The method's own writes, in the transaction that opens the session or issues the challenge (single sign-on: the identity link). */
  write?: (executor: Executor) => Promise<void>;
}

/** A refusal after the credential was accepted: audited with its reason, answered with its code. */
export interface GateRefusal {
  reason: string;
  code: ErrorCode;
}

/**
 * A check every sign-in passes once its method identified a member, whichever the method: it answers a refusal or undefined, and
 * never throws for a refusal (the flow audits it, gives the password's slot back, and the method answers the code).
 */
export type Gate = (account: SignInAccount, facts: SignInFacts) => GateRefusal | undefined | Promise<GateRefusal | undefined>;

/**
 * The contact-center gate (SPEC §3.2): a member whose role has `presence.use` and who has neither a presence reason list of their own
 * nor a tenant default is refused (403 PRESENCE_REASON_LIST_REQUIRED, no session, reason `no-presence-reason-list`); never a holder of
 * `security.policies.manage`, who must be able to sign in and set a list.
 */
export const presenceGate: Gate = ({ membership }, facts) =>
  presenceListGuards(membership.role.permissions) && !facts.hasPresenceList ? { reason: 'no-presence-reason-list', code: 'PRESENCE_REASON_LIST_REQUIRED' } : undefined;

/** The second step a sign-in must take before its session: `allowedPeriods` are the tenant's, for the enrolment screen. */
export interface SecondStepOutcome {
  kind: 'second-step';
  challenge: string;
  enrolment: boolean;
  allowedPeriods: TotpPeriod[];
}

/**
 * What the flow made of a sign-in. `refused`: the account or membership may not sign in (`code` undefined: the method answers its own
 * refusal, AUTH_INVALID_CREDENTIALS or SSO_FAILED), or a gate refused it (`code`); audited either way, nothing else written.
 */
export type FlowOutcome = { kind: 'signed-in'; session: StartedSession } | SecondStepOutcome | { kind: 'refused'; reason: string; code: ErrorCode | undefined };

/** An `auth.login.failed` row: the tenant and the person when known, the reason and the method in `details`. */
export interface FailedSignIn {
  tenantId: string | null;
  userId: string | null | undefined;
  details: Record<string, unknown>;
}

/**
 * The one flow every sign-in method ends in (ADR 0010), and the only writer of `auth.login.*` audit rows. A method identifies a person
 * (password-method, oidc-method; totp-method completes the second step), the flow decides whether and how they sign in.
 */
export interface LoginFlow {
  /**
   * After a method identified a person in a tenant: the account and membership checked (`accountRefusal`), the gates run, the second
   * step decided (a challenge, no session), or the session opened — with the attempt reset, the method's writes and the audit row
   * together. Throws only for faults (and whatever the method's `write` throws, which rolls its transaction back).
   */
  finish(identified: Identified, how: SignInHow, meta: RequestMeta): Promise<FlowOutcome>;
  /** A session and its `auth.login.succeeded` row (`details` whole: method first) with the attempt count reset, written in `executor`. */
  openSession(
    executor: Executor,
    account: { user: Pick<User, 'id'>; tenant: Tenant },
    input: { details: Record<string, unknown>; passwordChangeRequired: boolean; secondFactor: boolean; attemptReset: { cancelUnlockCodes: boolean; releaseSlot?: boolean } | undefined },
    meta: RequestMeta,
  ): Promise<StartedSession>;
  /** An `auth.login.failed` row, in `executor` (the refusal's own transaction, or the database: a refusal changes nothing else). */
  recordFailure(executor: Executor, failure: FailedSignIn, meta: RequestMeta): Promise<void>;
  /** The second step's challenges: single-use links that are never emailed (every refusal of one is MFA_CHALLENGE_INVALID). */
  readonly challenges: { totp: LinkKind; enrolment: LinkKind };
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
}

export function createLoginFlow(deps: {
  db: Db;
  clock: Clock;
  sessions: Pick<SessionsService, 'start'>;
  lockout: Pick<LockoutService, 'clearPasswordAttempts' | 'releasePasswordAttempt'>;
  audit: Pick<AuditService, 'record'>;
  links: SingleUseLinksService;
  /** Run in order after the account check; the first refusal ends the sign-in. */
  gates: Gate[];
}): LoginFlow {
  const challengeErrors = { notFound: 'MFA_CHALLENGE_INVALID', expired: 'MFA_CHALLENGE_INVALID', used: 'MFA_CHALLENGE_INVALID', replaced: 'MFA_CHALLENGE_INVALID' } as const;
  const challenges = {
    totp: deps.links.kind({ purpose: 'mfa-challenge', route: 'login', errors: challengeErrors }),
    enrolment: deps.links.kind({ purpose: 'mfa-enrolment', route: 'login', errors: challengeErrors }),
  };

  /** A challenge of either kind, stored hashed, living 5 minutes; `details` travel with it to the second step. */
  const createChallenge = async (executor: Executor, step: 'totp' | 'enrolment', input: { userId: string; tenant: Tenant; details: Record<string, unknown> }) => {
    const expiresAt = new Date(deps.clock.now().getTime() + challengeLifetimeMs);
    const { token } = await challenges[step].create(executor, { tenantId: input.tenant.id, userId: input.userId, createdBy: null, expiresAt, details: input.details });
    return { challenge: token, allowedPeriods: [...input.tenant.settings.mfaPolicy.allowedPeriods] };
  };

  /** One `auth.login.*` row about a person of a tenant. */
  const recordLogin = (executor: Executor, action: 'auth.login.succeeded' | 'auth.login.secondStep', account: { user: Pick<User, 'id'>; tenant: Pick<Tenant, 'id'> }, details: Record<string, unknown>, meta: RequestMeta) =>
    deps.audit.record(executor, { tenantId: account.tenant.id, actorUserId: account.user.id, action, result: 'success', targetType: 'user', targetId: account.user.id, ip: meta.ip, details });

  /** The audit row of a supervisor's unlock code that let this sign-in through, naming who issued it. */
  const recordUnlockCodeUse = (executor: Executor, account: SignInAccount, code: UsedUnlockCode, meta: RequestMeta) =>
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

  /** The second step the person must take first, or none. */
  const secondStepOf = (account: SignInAccount, how: SignInHow, facts: SignInFacts): 'none' | 'totp' | 'enrolment' => {
    if (how.secondFactor === 'asserted') return 'none';
    if (how.secondFactor === 'if-required' && !requiredByPolicy(account.tenant.settings.mfaPolicy, account.membership.role.id)) return 'none';
    return mfaSecondStepOf(facts.totpConfirmed, account.tenant.settings.mfaPolicy, account.membership.role.id);
  };

  const recordFailure: LoginFlow['recordFailure'] = (executor, failure, meta) => {
    const userId = failure.userId ?? null;
    return deps.audit.record(executor, {
      tenantId: failure.tenantId,
      actorUserId: userId,
      action: 'auth.login.failed',
      result: 'failure',
      ...(userId === null ? {} : { targetType: 'user', targetId: userId }),
      ip: meta.ip,
      details: failure.details,
    });
  };

  const openSession: LoginFlow['openSession'] = async (executor, account, input, meta) => {
    const started = await deps.sessions.start(account.user.id, account.tenant, { ...meta, passwordChangeRequired: input.passwordChangeRequired, secondFactor: input.secondFactor }, executor);
    if (input.attemptReset !== undefined) await deps.lockout.clearPasswordAttempts(executor, account.user.id, input.attemptReset);
    await recordLogin(executor, 'auth.login.succeeded', account, input.details, meta);
    return started;
  };

  /** A refusal after the method accepted the credential: the password's slot given back uncounted (it was right), and the audit row. */
  const refuse = async (identified: Identified, how: SignInHow, refusal: { reason: string; code: ErrorCode | undefined }, meta: RequestMeta): Promise<FlowOutcome> => {
    await deps.db.transaction().execute(async (trx) => {
      if (how.passwordAttempt !== undefined) await deps.lockout.releasePasswordAttempt(trx, identified.user.id);
      await recordFailure(trx, { tenantId: identified.tenant.id, userId: identified.user.id, details: { reason: refusal.reason, method: how.method, ...how.details } }, meta);
    });
    return { kind: 'refused', ...refusal };
  };

  return {
    challenges,
    openSession,
    recordFailure,

    async finish(identified, how, meta) {
      const { membership } = identified;
      const stateRefusal = accountRefusal(identified.user, membership);
      if (stateRefusal !== undefined || membership === undefined) return refuse(identified, how, { reason: stateRefusal ?? 'no-membership', code: undefined }, meta);
      const account: SignInAccount = { ...identified, membership };
      const facts = identified.facts ?? (await findSignInFacts(deps.db, account.tenant.id, account.user.id));
      for (const gate of deps.gates) {
        const refusal = await gate(account, facts);
        if (refusal !== undefined) return refuse(identified, how, refusal, meta);
      }
      const step = secondStepOf(account, how, facts);
      const attempt = how.passwordAttempt;
      if (step !== 'none') {
        const firstFactor = how.method === 'password' ? {} : { firstFactor: how.method };
        const issued = await deps.db.transaction().execute(async (trx) => {
          await how.write?.(trx);
          // A supervisor's unlock code lifts the lock for the second step too (the lock and the failures cleared); the code step is counted afresh.
          if (attempt?.unlockCode !== undefined) {
            await deps.lockout.clearPasswordAttempts(trx, account.user.id);
            await recordUnlockCodeUse(trx, account, attempt.unlockCode, meta);
          }
          const challenge = await createChallenge(trx, step, { userId: account.user.id, tenant: account.tenant, details: { passwordChangeRequired: how.passwordChangeRequired, ...firstFactor, ...how.details } });
          // The right password's slot goes back; the count of failures is left as it was until the sign-in completes.
          if (attempt !== undefined) await deps.lockout.releasePasswordAttempt(trx, account.user.id);
          await recordLogin(trx, 'auth.login.secondStep', account, { method: how.method, ...how.details, next: step }, meta);
          return challenge;
        });
        return { kind: 'second-step', enrolment: step === 'enrolment', ...issued };
      }
      const session = {
        details: { method: how.method, ...how.details, ...how.succeeded },
        passwordChangeRequired: how.passwordChangeRequired,
        secondFactor: how.secondFactor === 'asserted',
        // A lock that ran out before this right password takes the unlock code handed out for it with it (an account never locked has
        // none: no write). The slot the password held goes back with the count.
        attemptReset: attempt === undefined ? undefined : { cancelUnlockCodes: attempt.wasLocked, releaseSlot: true },
      };
      let started: StartedSession | undefined;
      const writeSignIn = async (executor: Executor) => {
        await how.write?.(executor);
        started = await openSession(executor, account, session, meta);
        // The lock the code lifted is cleared with the attempt count above.
        if (attempt?.unlockCode !== undefined) await recordUnlockCodeUse(executor, account, attempt.unlockCode, meta);
      };
      // Without writes of the method's own: the session, the reset attempt count and the audit row in one statement, one round trip.
      if (how.write === undefined) await writeTogether(deps.db, writeSignIn);
      else await deps.db.transaction().execute(writeSignIn);
      if (started === undefined) throw new Error('the sign-in was not written');
      return { kind: 'signed-in', session: started };
    },

    async issueTenantSwitchChallenge(executor, input) {
      return createChallenge(executor, input.step, {
        userId: input.userId,
        tenant: input.tenant,
        details: { passwordChangeRequired: input.passwordChangeRequired, replacesSessionId: input.replacesSessionId, fromTenantId: input.fromTenantId },
      });
    },
  };
}

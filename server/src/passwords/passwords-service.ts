import {
  evaluatePassword,
  failedRules,
  passwordPolicyPresets,
  type PasswordPolicy,
  type PasswordRuleId,
} from '@lanyard/contracts/password-policy';
import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import type { Logger } from 'pino';
import { createBackgroundQueue } from '../kernel/background-queue.ts';
import { DAY, HOUR, MINUTE, type Clock } from '../kernel/clock.ts';
import type { Principal } from '../kernel/principal.ts';
import type { SingleUseLink } from '../links/links.ts';
import type { SingleUseLinksService } from '../links/links-service.ts';
import type { Outbox } from '../mail/outbox.ts';
import { passwordChangedEmail, passwordResetEmail } from '../mail/templates.ts';
import type { RolesService } from '../roles/roles-service.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { SessionsService } from '../sessions/sessions-service.ts';
import type { Db, Executor } from '../storage/db.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { Membership, User } from '../users/users.ts';
import type { Tenant } from '../tenants/tenants.ts';
import type { UsersService } from '../users/users-service.ts';
import type { PasswordBlocklist } from './blocklist.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { effectivePolicy, isConsistentPolicy, isPasswordExpired, needsRehash, passwordExpiresAt, type CredentialState, type PasswordAttempt } from './passwords.ts';
import {
  clearFailedLogins,
  countCodeAttempt,
  findAttemptWindow,
  findCredentialState,
  hasPassword,
  noCredential,
  releasePasswordAttempt,
  reservePasswordAttempt,
  setFirstPassword,
  settlePasswordAttempt,
  listPasswordHistory,
  type CodeAttempt,
  type Settlement,
  replacePassword,
  updatePasswordHash,
} from './passwords-repo.ts';

/** How long a reserved slot lasts without its settlement: far longer than any verification takes, queue included. */
export const attemptLeaseMs = 60 * 1000;
/** How long an attempt waits for a slot held by verifications in flight before it answers SERVICE_OVERLOADED (real time). */
export const slotWaitLimitMs = 10 * 1000;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Reset links one account can be sent through the forgot-password form in an hour. */
export const maxSelfServiceResetsPerHour = 3;

/** What an administrator's password-policy page shows: the tenant's policy, each role's override, the presets. */
export interface PolicySettings {
  tenantPolicy: PasswordPolicy;
  roles: { id: string; name: string; passwordPolicy: PasswordPolicy | null }[];
  presets: { id: string; name: string; policy: PasswordPolicy }[];
}

/** Passwords: policies, the attempt counter behind the lockout, changing and resetting, first passwords. */
export interface PasswordsService {
  /** The member's effective policy in a tenant (their role's override, else the tenant's); USER_NOT_FOUND for a non-member. */
  policyFor(tenantId: string, userId: string, executor?: Executor): Promise<PasswordPolicy>;
  /** The member's effective policy and when their current password expires under it (null: never, or no password). */
  myPolicy(tenantId: string, userId: string): Promise<{ passwordPolicy: PasswordPolicy; passwordExpiresAt: Date | null }>;
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
  /** After a verified sign-in password: rehashes when the parameters rose, and says whether it must be changed. */
  afterVerifiedSignIn(
    account: { user: User; credential: CredentialState; tenant: Tenant; membership: Membership },
    password: string,
  ): Promise<{ passwordChangeRequired: boolean }>;
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
   * Resets the account's attempt count (a completed sign-in), in `executor`. `releaseSlot`: the right password of this sign-in
   * held a slot, given back with it. `cancelUnlockCodes`: a sign-in completed after a lock ran out, so an unlock code handed out
   * for it stops working too (the lock it was for is gone).
   */
  clearPasswordAttempts(executor: Executor, userId: string, options?: { cancelUnlockCodes?: boolean; releaseSlot?: boolean }): Promise<void>;
  /** Whether the user has a password (one who never set one, or signs in through SSO only, has none). */
  hasPassword(userId: string, executor?: Executor): Promise<boolean>;
  /** Stores the first password of an invited user (accepting the invitation), in `executor`. */
  setFirstPassword(executor: Executor, userId: string, passwordHash: string): Promise<void>;
  /** The first password of an invited user must meet the policy (history does not apply yet): PASSWORD_POLICY_VIOLATED. */
  assertFirstPasswordAcceptable(tenantId: string, user: User, password: string): Promise<PasswordPolicy>;
  /**
   * Checks a signed-in user's current password before a sensitive change (second factor), counted toward the
   * lockout exactly as a change of password is; a refusal is audited under `action` and answers
   * CURRENT_PASSWORD_INCORRECT or ACCOUNT_LOCKED. A right password resets the count.
   */
  confirmCurrentPassword(principal: Pick<Principal, 'userId' | 'tenantId'>, currentPassword: string, action: string, meta: RequestMeta): Promise<void>;
  /** Changes the password with the current one (counted toward the lockout): CURRENT_PASSWORD_INCORRECT, ACCOUNT_LOCKED, PASSWORD_POLICY_VIOLATED. */
  changePassword(principal: Principal, currentPassword: string, newPassword: string, meta: RequestMeta): Promise<void>;
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
  /** An administrator lifts a member's lockout: USER_NOT_FOUND for another tenant's user. */
  unlock(actor: Principal, userId: string, meta: RequestMeta): Promise<void>;
  /** Whether a password is on the common-password list (never kept, logged or audited). */
  isCommonPassword(password: string): Promise<boolean>;
  /** The tenant's policy, the roles' overrides and the presets. */
  getPolicySettings(tenantId: string): Promise<PolicySettings>;
  /** Sets the tenant's policy: PASSWORD_POLICY_INVALID when inconsistent. */
  setTenantPolicy(actor: Principal, policy: PasswordPolicy, meta: RequestMeta): Promise<void>;
  /** Sets (or with null removes) a role's override: PASSWORD_POLICY_INVALID, ROLE_NOT_FOUND. */
  setRolePolicy(actor: Principal, roleId: string, policy: PasswordPolicy | null, meta: RequestMeta): Promise<void>;
  /**
   * Supervisor-assisted unlock: a one-time code (8 symbols, 15 minutes) an administrator reads out to a member
   * of their tenant, replacing any earlier one; audited with both names: USER_NOT_FOUND, USER_NOT_ACTIVE.
   */
  issueUnlockCode(actor: Principal, userId: string, meta: RequestMeta): Promise<{ code: string; expiresAt: Date }>;
  /** Uses the user's pending unlock code that `typed` names, exactly once (of concurrent callers one wins); undefined otherwise. */
  consumeUnlockCode(userId: string, typed: string): Promise<{ linkId: string; issuedBy: string | null } | undefined>;
}

/** How long an unlock code read out over the phone stays valid. */
export const unlockCodeLifetimeMinutes = 15;

export function createPasswordsService(deps: {
  db: Db;
  clock: Clock;
  links: SingleUseLinksService;
  hasher: PasswordHasher;
  blocklist: () => Promise<PasswordBlocklist>;
  mail: Outbox;
  audit: AuditService;
  tenants: TenantsService;
  roles: RolesService;
  users: UsersService;
  sessions: SessionsService;
  logger: Pick<Logger, 'error' | 'warn'>;
}): PasswordsService {
  // A replaced reset link answers RESET_LINK_USED, as it always has: there is no separate code for it.
  const resetLinks = deps.links.kind({
    purpose: 'password-reset',
    route: 'reset-password',
    errors: { notFound: 'RESET_LINK_NOT_FOUND', expired: 'RESET_LINK_EXPIRED', used: 'RESET_LINK_USED', replaced: 'RESET_LINK_USED' },
  });
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

  /** Counts a second-factor code before it is checked, waiting like a password while verifications in flight hold every slot. */
  const admitCodeAttempt = async (userId: string, tenant: Tenant): Promise<CodeAttempt> => {
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
  };

  /** The wrong attempt that used up the window locked the account: audited once, by that request alone. */
  const recordLockout = async (executor: Executor, tenant: Tenant, userId: string, lockedUntil: Date | null, meta: RequestMeta): Promise<void> => {
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
  };

  /**
   * A signed-in person's current password, checked against the same window as a sign-in (a stolen session must not become a way
   * around the lockout): a slot first, then the hash; a wrong one is counted (and the lock it sets audited), a right one clears
   * the count. Locked: verified against the dummy hash, so the answer takes the same work.
   */
  const verifyCurrentPassword = async (userId: string, tenant: Tenant, passwordHash: string, password: string, meta: RequestMeta): Promise<'right' | 'wrong' | 'locked'> => {
    const attempt = await reservePasswordAttemptFor(userId, tenant);
    if (!attempt.held) {
      await deps.hasher.verifyAgainstDummy(password);
      return 'locked';
    }
    let right: boolean;
    try {
      right = await deps.hasher.verify(passwordHash, password);
    } catch (error) {
      // Nothing was learnt about the password: the slot goes back uncounted.
      await settlePasswordAttemptFor(deps.db, attempt, tenant, { failed: false });
      throw error;
    }
    if (!right) {
      await deps.db.transaction().execute(async (trx) => {
        const settled = await settlePasswordAttemptFor(trx, attempt, tenant, { failed: true });
        if (settled.locksNow) await recordLockout(trx, tenant, userId, settled.lockedUntil, meta);
      });
      return 'wrong';
    }
    await clearFailedLogins(deps.db, userId, { releaseSlot: true });
    return 'right';
  };

  /** The member's effective policy in a tenant: their role's override, else the tenant's. */
  const policyFor = async (tenantId: string, userId: string, executor: Executor = deps.db): Promise<PasswordPolicy> => {
    const [membership, tenant] = await Promise.all([deps.users.findMembership(tenantId, userId, executor), deps.tenants.getTenant(tenantId, executor)]);
    if (membership === undefined) throw new AppError('USER_NOT_FOUND', { details: { userId } });
    return effectivePolicy(tenant.settings.passwordPolicy, membership.role.passwordPolicy);
  };

  /** Every rule, including the ones only the server knows: common passwords and the user's history. */
  const failedRulesFor = async (policy: PasswordPolicy, user: User, password: string, withHistory: boolean): Promise<PasswordRuleId[]> => {
    const blocklist = policy.blocklist ? await deps.blocklist() : undefined;
    let reused: boolean | undefined;
    if (withHistory && (policy.historyCount > 0 || policy.historyDays > 0)) {
      const state = await findCredentialState(deps.db, user.id);
      const since = policy.historyDays > 0 ? new Date(deps.clock.now().getTime() - policy.historyDays * DAY) : undefined;
      // The current password counts as the most recent one.
      const earlier = await listPasswordHistory(deps.db, user.id, Math.max(policy.historyCount - 1, 0), since);
      const candidates = [...(state?.passwordHash === null || state === undefined ? [] : [state.passwordHash]), ...earlier];
      reused = false;
      for (const hash of candidates) {
        if (await deps.hasher.verify(hash, password)) {
          reused = true;
          break;
        }
      }
    }
    return failedRules(
      evaluatePassword(policy, password, {
        username: user.username,
        email: user.email,
        isCommon: blocklist === undefined ? undefined : (value) => blocklist.has(value),
        reused,
      }),
    );
  };

  const assertAcceptable = async (policy: PasswordPolicy, user: User, password: string): Promise<void> => {
    const failed = await failedRulesFor(policy, user, password, true);
    if (failed.length > 0) throw new AppError('PASSWORD_POLICY_VIOLATED', { details: { failedRules: failed } });
  };

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
    const passwordPolicy = await policyFor(reset.tenantId, reset.userId, executor);
    return { reset, user, passwordPolicy };
  };

  /** Stores a new password, signs the user out elsewhere, audits and notifies; all in one transaction. */
  const storeNewPassword = async (
    trx: Executor,
    user: User,
    tenantId: string,
    passwordHash: string,
    options: { keepSessionId: string | undefined; action: 'password.changed' | 'password.reset.completed'; ip: string | undefined },
  ): Promise<void> => {
    const now = deps.clock.now();
    await replacePassword(trx, user.id, passwordHash, now);
    // A new password lifts any lockout: an unlock code read out for it has nothing left to unlock.
    await unlockCodes.cancelOpen(trx, user.id);
    await deps.sessions.revokeUserSessions(user.id, options.keepSessionId, trx);
    if (options.keepSessionId !== undefined) await deps.sessions.clearPasswordChangeRequired(options.keepSessionId, trx);
    await deps.audit.record(trx, { tenantId, actorUserId: user.id, action: options.action, result: 'success', targetType: 'user', targetId: user.id, ip: options.ip });
    const tenant = await deps.tenants.getTenant(tenantId, trx);
    await deps.mail.enqueue(trx, {
      ...passwordChangedEmail({ firstName: user.firstName, tenantName: tenant.name, changedAt: now, ip: options.ip }),
      tenantId,
      to: user.email,
    });
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
    policyFor,

    async myPolicy(tenantId, userId) {
      const [passwordPolicy, credential] = await Promise.all([policyFor(tenantId, userId), findCredentialState(deps.db, userId)]);
      const changedAt = credential?.passwordHash === null ? null : (credential?.passwordChangedAt ?? null);
      return { passwordPolicy, passwordExpiresAt: passwordExpiresAt(passwordPolicy, changedAt) };
    },

    reservePasswordAttempt: reservePasswordAttemptFor,
    settlePasswordAttempt: settlePasswordAttemptFor,
    admitCodeAttempt,

    hasPassword(userId, executor = deps.db) {
      return hasPassword(executor, userId);
    },

    setFirstPassword(executor, userId, passwordHash) {
      return setFirstPassword(executor, userId, passwordHash, deps.clock.now());
    },

    recordLockout,

    /**
     * After a sign-in password was verified: rehashes when the parameters rose, and says whether the
     * password must be changed (expired, flagged, or no longer meeting the member's policy).
     */
    async afterVerifiedSignIn(
      account: { user: User; credential: CredentialState; tenant: Tenant; membership: Membership },
      password: string,
    ): Promise<{ passwordChangeRequired: boolean }> {
      const { user, credential, tenant, membership } = account;
      if (credential.passwordHash !== null && needsRehash(credential.passwordHash, deps.hasher.parameters)) {
        await updatePasswordHash(deps.db, user.id, await deps.hasher.hash(password));
      }
      const policy = effectivePolicy(tenant.settings.passwordPolicy, membership.role.passwordPolicy);
      const breaksPolicy = (await failedRulesFor(policy, user, password, false)).length > 0;
      const expired = isPasswordExpired(policy, credential.passwordChangedAt, deps.clock.now());
      return { passwordChangeRequired: credential.passwordMustChange || expired || breaksPolicy };
    },

    /** A right password resets the account's attempt count: part of the sign-in's own write (see writeTogether). */
    async clearPasswordAttempts(executor: Executor, userId: string, options: { cancelUnlockCodes?: boolean; releaseSlot?: boolean } = {}) {
      await clearFailedLogins(executor, userId, { releaseSlot: options.releaseSlot === true });
      if (options.cancelUnlockCodes === true) await unlockCodes.cancelOpen(executor, userId);
    },
    releasePasswordAttempt: (executor: Executor, userId: string) => releasePasswordAttempt(executor, userId),
    async abandonPasswordAttempt(attempt, tenant) {
      await settlePasswordAttemptFor(deps.db, attempt, tenant, { failed: false });
    },

    /** The first password of an invited user must meet the policy too (history does not apply yet). */
    async assertFirstPasswordAcceptable(tenantId: string, user: User, password: string): Promise<PasswordPolicy> {
      const policy = await policyFor(tenantId, user.id);
      const failed = await failedRulesFor(policy, user, password, false);
      if (failed.length > 0) throw new AppError('PASSWORD_POLICY_VIOLATED', { details: { failedRules: failed } });
      return policy;
    },

    async confirmCurrentPassword(principal, currentPassword, action, meta): Promise<void> {
      const state = await findCredentialState(deps.db, principal.userId);
      const refuse = async (reason: string, code: 'CURRENT_PASSWORD_INCORRECT' | 'ACCOUNT_LOCKED'): Promise<never> => {
        await deps.audit.record(deps.db, {
          tenantId: principal.tenantId,
          actorUserId: principal.userId,
          action,
          result: 'failure',
          targetType: 'user',
          targetId: principal.userId,
          ip: meta.ip,
          details: { reason },
        });
        throw new AppError(code);
      };
      if (state?.passwordHash == null) {
        await deps.hasher.verifyAgainstDummy(currentPassword);
        return refuse('no-password', 'CURRENT_PASSWORD_INCORRECT');
      }
      const tenant = await deps.tenants.getTenant(principal.tenantId);
      const verdict = await verifyCurrentPassword(principal.userId, tenant, state.passwordHash, currentPassword, meta);
      if (verdict === 'locked') return refuse('locked', 'ACCOUNT_LOCKED');
      if (verdict === 'wrong') return refuse('current-password-incorrect', 'CURRENT_PASSWORD_INCORRECT');
    },

    /** Change password (needs the current one); other sessions are signed out and an email follows. */
    async changePassword(principal: Principal, currentPassword: string, newPassword: string, meta: RequestMeta): Promise<void> {
      const user = await deps.users.getUser(principal.userId);
      const state = await findCredentialState(deps.db, user.id);
      const refuse = async (reason: string, code: 'CURRENT_PASSWORD_INCORRECT' | 'ACCOUNT_LOCKED'): Promise<never> => {
        await deps.audit.record(deps.db, {
          tenantId: principal.tenantId,
          actorUserId: user.id,
          action: 'password.changed',
          result: 'failure',
          targetType: 'user',
          targetId: user.id,
          ip: meta.ip,
          details: { reason },
        });
        throw new AppError(code);
      };
      if (state?.passwordHash == null) return refuse('no-password', 'CURRENT_PASSWORD_INCORRECT');
      // The current password is guessed against the same counter as a sign-in: a stolen session must not
      // become a way around the lockout.
      const tenant = await deps.tenants.getTenant(principal.tenantId);
      const verdict = await verifyCurrentPassword(user.id, tenant, state.passwordHash, currentPassword, meta);
      if (verdict === 'locked') return refuse('locked', 'ACCOUNT_LOCKED');
      if (verdict === 'wrong') return refuse('current-password-incorrect', 'CURRENT_PASSWORD_INCORRECT');
      await assertAcceptable(await policyFor(principal.tenantId, user.id), user, newPassword);
      const passwordHash = await deps.hasher.hash(newPassword);
      await deps.db.transaction().execute((trx) =>
        storeNewPassword(trx, user, principal.tenantId, passwordHash, { keepSessionId: principal.kind === 'session' ? principal.sessionId : undefined, action: 'password.changed', ip: meta.ip }),
      );
    },

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
      await assertAcceptable(passwordPolicy, user, newPassword);
      const passwordHash = await deps.hasher.hash(newPassword);
      await deps.db.transaction().execute(async (trx) => {
        await resetLinks.consume(trx, token, reset);
        await storeNewPassword(trx, user, reset.tenantId, passwordHash, { keepSessionId: undefined, action: 'password.reset.completed', ip: meta.ip });
        await resetLinks.replaceOpen(trx, user.id);
      });
    },

    async unlock(actor: Principal, userId: string, meta: RequestMeta): Promise<void> {
      await deps.db.transaction().execute(async (trx) => {
        await deps.users.getManageableMember(actor, 'account', userId, trx);
        await clearFailedLogins(trx, userId);
        await unlockCodes.cancelOpen(trx, userId);
        await deps.audit.record(trx, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'user.unlocked', result: 'success', targetType: 'user', targetId: userId, ip: meta.ip });
      });
    },

    /**
     * Whether a password is on the common-password list: the console ticks that rule live while a new
     * password is typed. The password is only looked up; it is never kept, logged or audited.
     */
    async isCommonPassword(password: string): Promise<boolean> {
      return (await deps.blocklist()).has(password);
    },

    async getPolicySettings(tenantId: string): Promise<PolicySettings> {
      const [tenant, roles] = await Promise.all([deps.tenants.getTenant(tenantId), deps.roles.listRoles(tenantId)]);
      return {
        tenantPolicy: tenant.settings.passwordPolicy,
        roles: roles.map((role) => ({ id: role.id, name: role.name, passwordPolicy: role.passwordPolicy })),
        presets: passwordPolicyPresets.map((preset) => ({ id: preset.id, name: preset.name, policy: preset.policy })),
      };
    },

    async setTenantPolicy(actor: Principal, policy: PasswordPolicy, meta: RequestMeta): Promise<void> {
      if (!isConsistentPolicy(policy)) throw new AppError('PASSWORD_POLICY_INVALID');
      await deps.db.transaction().execute(async (trx) => {
        await deps.tenants.updateSettings(actor.tenantId, (settings) => ({ ...settings, passwordPolicy: policy }), trx);
        await deps.audit.record(trx, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'policy.changed', result: 'success', targetType: 'tenant', targetId: actor.tenantId, ip: meta.ip, details: { passwordPolicy: policy } });
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

    async setRolePolicy(actor: Principal, roleId: string, policy: PasswordPolicy | null, meta: RequestMeta): Promise<void> {
      if (policy !== null && !isConsistentPolicy(policy)) throw new AppError('PASSWORD_POLICY_INVALID');
      await deps.db.transaction().execute(async (trx) => {
        await deps.roles.setPasswordPolicy(actor.tenantId, roleId, policy, trx);
        await deps.audit.record(trx, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'policy.changed', result: 'success', targetType: 'role', targetId: roleId, ip: meta.ip, details: { passwordPolicy: policy } });
      });
    },
  };
}

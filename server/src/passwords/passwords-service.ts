import { evaluatePassword, failedRules, type PasswordPolicy, type PasswordRuleId } from '@lanyard/contracts/password-policy';
import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import { DAY, type Clock } from '../kernel/clock.ts';
import type { Principal } from '../kernel/principal.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { LockoutService } from '../lockout/lockout-service.ts';
import type { Outbox } from '../mail/outbox.ts';
import { passwordChangedEmail } from '../mail/templates.ts';
import type { SessionsService } from '../sessions/sessions-service.ts';
import type { Db, Executor } from '../storage/db.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { Tenant } from '../tenants/tenants.ts';
import type { UsersService } from '../users/users-service.ts';
import type { Membership, User } from '../users/users.ts';
import type { PasswordBlocklist } from './blocklist.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { effectivePolicy, isPasswordExpired, needsRehash, passwordExpiresAt, type CredentialState } from './passwords.ts';
import { findCredentialState, hasPassword, listPasswordHistory, replacePassword, setFirstPassword, updatePasswordHash } from './passwords-repo.ts';

/** How a new password is stored (storeNewPassword): which session stays signed in, and what the audit row says. */
export interface NewPasswordOptions {
  /** The session that changed it stays signed in (its must-change flag cleared); every other session of the user ends. */
  keepSessionId: string | undefined;
  action: 'password.changed' | 'password.reset.completed';
  ip: string | undefined;
}

/**
 * The password credential: the member's policy and its evaluation (the common-password list and the history included),
 * first passwords, changing with the current one, storing a new one, rehashing and expiry at sign-in. The attempt counter
 * is lockout/'s, forgot/reset recovery/'s, the policy administration security-policies/'.
 */
export interface PasswordsService {
  /** The member's effective policy in a tenant (their role's override, else the tenant's); USER_NOT_FOUND for a non-member. */
  policyFor(tenantId: string, userId: string, executor?: Executor): Promise<PasswordPolicy>;
  /** The member's effective policy and when their current password expires under it (null: never, or no password). */
  myPolicy(tenantId: string, userId: string): Promise<{ passwordPolicy: PasswordPolicy; passwordExpiresAt: Date | null }>;
  /** After a verified sign-in password: rehashes when the parameters rose, and says whether it must be changed. */
  afterVerifiedSignIn(
    account: { user: User; credential: CredentialState; tenant: Tenant; membership: Membership },
    password: string,
  ): Promise<{ passwordChangeRequired: boolean }>;
  /** Whether the user has a password (one who never set one, or signs in through SSO only, has none). */
  hasPassword(userId: string, executor?: Executor): Promise<boolean>;
  /** Stores the first password of an invited user (accepting the invitation), in `executor`. */
  setFirstPassword(executor: Executor, userId: string, passwordHash: string): Promise<void>;
  /** The first password of an invited user must meet the policy (history does not apply yet): PASSWORD_POLICY_VIOLATED. */
  assertFirstPasswordAcceptable(tenantId: string, user: User, password: string): Promise<PasswordPolicy>;
  /**
   * A new password for an existing account (a change or a reset) checked against every rule of `policy`, the common-password
   * list and the user's history included: PASSWORD_POLICY_VIOLATED; its hash, to store with storeNewPassword.
   */
  acceptNewPassword(policy: PasswordPolicy, user: User, password: string): Promise<string>;
  /**
   * Stores a new password in `executor` (the change's or the reset's transaction): the old one goes to the history, the lockout
   * is lifted (lockout/, any open unlock code cancelled), the user is signed out elsewhere, audited under `action`, and emailed.
   */
  storeNewPassword(executor: Executor, user: User, tenantId: string, passwordHash: string, options: NewPasswordOptions): Promise<void>;
  /**
   * Checks a signed-in user's current password before a sensitive change (second factor), counted toward the
   * lockout exactly as a change of password is; a refusal is audited under `action` and answers
   * CURRENT_PASSWORD_INCORRECT or ACCOUNT_LOCKED. A right password resets the count.
   */
  confirmCurrentPassword(principal: Pick<Principal, 'userId' | 'tenantId'>, currentPassword: string, action: string, meta: RequestMeta): Promise<void>;
  /** Changes the password with the current one (counted toward the lockout): CURRENT_PASSWORD_INCORRECT, ACCOUNT_LOCKED, PASSWORD_POLICY_VIOLATED. */
  changePassword(principal: Principal, currentPassword: string, newPassword: string, meta: RequestMeta): Promise<void>;
  /** Whether a password is on the common-password list (never kept, logged or audited). */
  isCommonPassword(password: string): Promise<boolean>;
}

export function createPasswordsService(deps: {
  db: Db;
  clock: Clock;
  hasher: PasswordHasher;
  blocklist: () => Promise<PasswordBlocklist>;
  lockout: Pick<LockoutService, 'reservePasswordAttempt' | 'settlePasswordAttempt' | 'recordLockout' | 'clearPasswordAttempts'>;
  mail: Pick<Outbox, 'enqueue'>;
  audit: Pick<AuditService, 'record'>;
  tenants: Pick<TenantsService, 'getTenant'>;
  users: Pick<UsersService, 'findMembership' | 'getUser'>;
  sessions: Pick<SessionsService, 'revokeUserSessions' | 'clearPasswordChangeRequired'>;
}): PasswordsService {
  /**
   * A signed-in person's current password, checked against the same window as a sign-in (a stolen session must not become a way
   * around the lockout): a slot first, then the hash; a wrong one is counted (and the lock it sets audited), a right one clears
   * the count. Locked: verified against the dummy hash, so the answer takes the same work.
   */
  const verifyCurrentPassword = async (userId: string, tenant: Tenant, passwordHash: string, password: string, meta: RequestMeta): Promise<'right' | 'wrong' | 'locked'> => {
    const attempt = await deps.lockout.reservePasswordAttempt(userId, tenant);
    if (!attempt.held) {
      await deps.hasher.verifyAgainstDummy(password);
      return 'locked';
    }
    let right: boolean;
    try {
      right = await deps.hasher.verify(passwordHash, password);
    } catch (error) {
      // Nothing was learnt about the password: the slot goes back uncounted.
      await deps.lockout.settlePasswordAttempt(deps.db, attempt, tenant, { failed: false });
      throw error;
    }
    if (!right) {
      await deps.db.transaction().execute(async (trx) => {
        const settled = await deps.lockout.settlePasswordAttempt(trx, attempt, tenant, { failed: true });
        if (settled.locksNow) await deps.lockout.recordLockout(trx, tenant, userId, settled.lockedUntil, meta);
      });
      return 'wrong';
    }
    await deps.lockout.clearPasswordAttempts(deps.db, userId, { releaseSlot: true });
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

  const acceptNewPassword = async (policy: PasswordPolicy, user: User, password: string): Promise<string> => {
    const failed = await failedRulesFor(policy, user, password, true);
    if (failed.length > 0) throw new AppError('PASSWORD_POLICY_VIOLATED', { details: { failedRules: failed } });
    return deps.hasher.hash(password);
  };

  /** Stores a new password, signs the user out elsewhere, audits and notifies; all in the caller's transaction. */
  const storeNewPassword = async (trx: Executor, user: User, tenantId: string, passwordHash: string, options: NewPasswordOptions): Promise<void> => {
    const now = deps.clock.now();
    await replacePassword(trx, user.id, passwordHash, now);
    // A new password lifts any lockout: an unlock code read out for it has nothing left to unlock.
    await deps.lockout.clearPasswordAttempts(trx, user.id, { cancelUnlockCodes: true });
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

  /** A refused check of the current password, audited under `action`: CURRENT_PASSWORD_INCORRECT or ACCOUNT_LOCKED. */
  const refuseCurrentPassword = async (
    principal: Pick<Principal, 'userId' | 'tenantId'>,
    action: string,
    meta: RequestMeta,
    reason: string,
    code: 'CURRENT_PASSWORD_INCORRECT' | 'ACCOUNT_LOCKED',
  ): Promise<never> => {
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

  return {
    policyFor,

    async myPolicy(tenantId, userId) {
      const [passwordPolicy, credential] = await Promise.all([policyFor(tenantId, userId), findCredentialState(deps.db, userId)]);
      const changedAt = credential?.passwordHash === null ? null : (credential?.passwordChangedAt ?? null);
      return { passwordPolicy, passwordExpiresAt: passwordExpiresAt(passwordPolicy, changedAt) };
    },

    hasPassword(userId, executor = deps.db) {
      return hasPassword(executor, userId);
    },

    setFirstPassword(executor, userId, passwordHash) {
      return setFirstPassword(executor, userId, passwordHash, deps.clock.now());
    },

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

    /** The first password of an invited user must meet the policy too (history does not apply yet). */
    async assertFirstPasswordAcceptable(tenantId: string, user: User, password: string): Promise<PasswordPolicy> {
      const policy = await policyFor(tenantId, user.id);
      const failed = await failedRulesFor(policy, user, password, false);
      if (failed.length > 0) throw new AppError('PASSWORD_POLICY_VIOLATED', { details: { failedRules: failed } });
      return policy;
    },

    acceptNewPassword,
    storeNewPassword,

    async confirmCurrentPassword(principal, currentPassword, action, meta): Promise<void> {
      const state = await findCredentialState(deps.db, principal.userId);
      if (state?.passwordHash == null) {
        await deps.hasher.verifyAgainstDummy(currentPassword);
        return refuseCurrentPassword(principal, action, meta, 'no-password', 'CURRENT_PASSWORD_INCORRECT');
      }
      const tenant = await deps.tenants.getTenant(principal.tenantId);
      const verdict = await verifyCurrentPassword(principal.userId, tenant, state.passwordHash, currentPassword, meta);
      if (verdict === 'locked') return refuseCurrentPassword(principal, action, meta, 'locked', 'ACCOUNT_LOCKED');
      if (verdict === 'wrong') return refuseCurrentPassword(principal, action, meta, 'current-password-incorrect', 'CURRENT_PASSWORD_INCORRECT');
    },

    /** Change password (needs the current one); other sessions are signed out and an email follows. */
    async changePassword(principal: Principal, currentPassword: string, newPassword: string, meta: RequestMeta): Promise<void> {
      const user = await deps.users.getUser(principal.userId);
      const state = await findCredentialState(deps.db, user.id);
      const refuse = (reason: string, code: 'CURRENT_PASSWORD_INCORRECT' | 'ACCOUNT_LOCKED') =>
        refuseCurrentPassword({ tenantId: principal.tenantId, userId: user.id }, 'password.changed', meta, reason, code);
      if (state?.passwordHash == null) return refuse('no-password', 'CURRENT_PASSWORD_INCORRECT');
      // The current password is guessed against the same counter as a sign-in: a stolen session must not
      // become a way around the lockout.
      const tenant = await deps.tenants.getTenant(principal.tenantId);
      const verdict = await verifyCurrentPassword(user.id, tenant, state.passwordHash, currentPassword, meta);
      if (verdict === 'locked') return refuse('locked', 'ACCOUNT_LOCKED');
      if (verdict === 'wrong') return refuse('current-password-incorrect', 'CURRENT_PASSWORD_INCORRECT');
      const passwordHash = await acceptNewPassword(await policyFor(principal.tenantId, user.id), user, newPassword);
      await deps.db.transaction().execute((trx) =>
        storeNewPassword(trx, user, principal.tenantId, passwordHash, { keepSessionId: principal.kind === 'session' ? principal.sessionId : undefined, action: 'password.changed', ip: meta.ip }),
      );
    },

    /**
     * Whether a password is on the common-password list: the console ticks that rule live while a new
     * password is typed. The password is only looked up; it is never kept, logged or audited.
     */
    async isCommonPassword(password: string): Promise<boolean> {
      return (await deps.blocklist()).has(password);
    },
  };
}

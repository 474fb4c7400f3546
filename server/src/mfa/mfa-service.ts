import type { MfaPolicy, MfaStatus, TotpEnrolment, TotpPeriod } from '@lanyard/contracts/mfa';
import QRCode from 'qrcode';
import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Encryptor } from '../kernel/encryption.ts';
import { newId } from '../kernel/ids.ts';
import type { Principal } from '../kernel/principal.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { SecretHasher } from '../kernel/secrets.ts';
import type { Outbox } from '../mail/outbox.ts';
import { mfaNoticeEmail, type MfaNotice } from '../mail/templates.ts';
import type { PasswordsService } from '../passwords/passwords-service.ts';
import type { RolesService } from '../roles/roles-service.ts';
import type { Db, Executor } from '../storage/db.ts';
import type { Tenant } from '../tenants/tenants.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { User } from '../users/users.ts';
import type { UsersService } from '../users/users-service.ts';
import {
  allowedPeriod,
  isConsistentMfaPolicy,
  newRecoveryCodes,
  newSeed,
  normaliseRecoveryCode,
  normaliseTypedSecret,
  otpauthUri,
  matchingStep,
  requiredByPolicy,
  seedAssociatedData,
  seedFromBase32,
  secondStepOf,
  seedToBase32,
  type SecondStep,
  type TotpRecord,
} from './mfa.ts';
import {
  consumeRecoveryCode,
  consumeTotpStep,
  countUnusedRecoveryCodes,
  deleteRecoveryCodes,
  deleteTotp,
  findTotp,
  replaceRecoveryCodes,
  upsertPendingTotp,
} from './mfa-repo.ts';

/** A user's TOTP with its seed decrypted, for the moment a code is checked. Never logged, never answered. */
export interface MfaFactor {
  totp: TotpRecord;
  seed: Buffer;
}


/** The audit action of each notice; every one is audited and emailed together (notify). */
const noticeActions: Record<MfaNotice, string> = {
  'mfa-enabled': 'mfa.enabled',
  'mfa-disabled': 'mfa.disabled',
  'mfa-reset': 'mfa.reset',
  'mfa-recovery-code-used': 'mfa.recoveryCode.used',
  'mfa-replay-detected': 'mfa.replay.detected',
};

/** The second factor: enrolment, recovery codes, the tenant's MFA policy, and the primitives the sign-in step uses. */
export interface MfaService {
  /** Whether a user has an active factor and since when (for the administrator's user detail, `mfa`). */
  factorState(userId: string): Promise<{ enabled: boolean; enrolledAt: Date | null }>;
  /** GET /api/v1/me/mfa. */
  status(principal: Principal): Promise<MfaStatus>;
  /** A pending enrolment (generated or typed secret), after the current password: MFA_NOT_AVAILABLE, MFA_ALREADY_ENABLED, MFA_SECRET_INVALID, MFA_PERIOD_NOT_ALLOWED, CURRENT_PASSWORD_INCORRECT, ACCOUNT_LOCKED. */
  startEnrolment(principal: Principal, input: { currentPassword: string; secret?: string | undefined; period?: TotpPeriod | undefined }, meta: RequestMeta): Promise<TotpEnrolment>;
  /** A current code activates the pending enrolment: ten recovery codes, audited and emailed; 422 MFA_CODE_INVALID, MFA_NOT_ENROLLED. */
  confirmEnrolment(principal: Principal, code: string, meta: RequestMeta): Promise<string[]>;
  /** Turns the factor off after the current password: MFA_REQUIRED_BY_POLICY, MFA_NOT_ENROLLED. */
  disable(principal: Principal, currentPassword: string, meta: RequestMeta): Promise<void>;
  /** Ten new recovery codes replacing the old ones, after the current password: MFA_NOT_ENROLLED. */
  regenerateRecoveryCodes(principal: Principal, currentPassword: string, meta: RequestMeta): Promise<string[]>;
  /** An administrator removes a member's factor and recovery codes: USER_NOT_FOUND for another tenant's user. */
  resetByAdministrator(actor: Principal, userId: string, meta: RequestMeta): Promise<void>;
  getPolicy(tenantId: string): Promise<MfaPolicy>;
  /** MFA_POLICY_INVALID; ROLE_NOT_FOUND when a role is not this tenant's. */
  setPolicy(actor: Principal, policy: MfaPolicy, meta: RequestMeta): Promise<MfaPolicy>;

  // --- For the sign-in second step (login/) ---
  /** After a right password: nothing more, a code, or an enrolment the policy requires. */
  secondStepFor(account: { user: Pick<User, 'id'>; membership: { role: { id: string } }; tenant: Tenant }): Promise<SecondStep>;
  /** A pending enrolment without a password (the sign-in challenge stood for it): MFA_ALREADY_ENABLED, MFA_SECRET_INVALID, MFA_PERIOD_NOT_ALLOWED. */
  startSignInEnrolment(account: { user: Pick<User, 'id' | 'username'>; tenant: Tenant }, input: { secret?: string | undefined; period?: TotpPeriod | undefined }): Promise<TotpEnrolment>;
  /** The user's factor (pending or active) with its seed decrypted, or undefined. */
  findFactor(userId: string): Promise<MfaFactor | undefined>;
  /** The time step a code matches (±1 step of now), or undefined. */
  matchingStep(factor: MfaFactor, code: string): number | undefined;
  /** Accepts a step once (and, with `confirm`, activates a pending enrolment); false when the step was already used. */
  consumeStep(trx: Executor, userId: string, step: number, options?: { confirm?: boolean }): Promise<boolean>;
  /** Uses a recovery code once; false when it is not one of the user's unused codes. */
  useRecoveryCode(trx: Executor, userId: string, typed: string): Promise<boolean>;
  /** Ten new recovery codes in `trx`, replacing any; answered once, stored as keyed hashes. */
  issueRecoveryCodes(trx: Executor, userId: string): Promise<string[]>;
  countRecoveryCodes(userId: string, executor?: Executor): Promise<number>;
  /** Audits a second-factor event and emails the user about it, in `executor` (the change's transaction). */
  notify(
    executor: Executor,
    notice: MfaNotice,
    context: { user: User; tenant: Tenant; actorUserId: string | null; meta: RequestMeta; details?: Record<string, unknown>; recoveryCodesRemaining?: number },
  ): Promise<void>;
}

export function createMfaService(deps: {
  db: Db;
  clock: Clock;
  encryptor: Encryptor;
  secrets: Pick<SecretHasher, 'hash'>;
  passwords: Pick<PasswordsService, 'confirmCurrentPassword'>;
  tenants: Pick<TenantsService, 'getTenant' | 'updateSettings'>;
  roles: Pick<RolesService, 'listRoles'>;
  users: Pick<UsersService, 'getUser' | 'getManageableMember' | 'findMembership'>;
  audit: Pick<AuditService, 'record'>;
  mail: Outbox;
}): MfaService {
  const findFactor = async (userId: string, executor: Executor = deps.db): Promise<MfaFactor | undefined> => {
    const found = await findTotp(executor, userId);
    if (found === undefined) return undefined;
    return { totp: found.totp, seed: deps.encryptor.decrypt(found.sealedSeed, seedAssociatedData(userId)) };
  };

  const isRequired = async (tenant: Tenant, userId: string): Promise<boolean> => {
    const membership = await deps.users.findMembership(tenant.id, userId);
    return membership !== undefined && requiredByPolicy(tenant.settings.mfaPolicy, membership.role.id);
  };

  /** Validates the asked period and secret against the tenant's policy: nothing is stored when they are refused. */
  const prepareSeed = (tenant: Tenant, input: { secret?: string | undefined; period?: TotpPeriod | undefined }): { seed: Buffer; secret: string; period: TotpPeriod } => {
    const period = allowedPeriod(tenant.settings.mfaPolicy, input.period);
    if (period === undefined) throw new AppError('MFA_PERIOD_NOT_ALLOWED', { details: { allowedPeriods: tenant.settings.mfaPolicy.allowedPeriods } });
    if (input.secret === undefined) {
      const seed = newSeed();
      return { seed, secret: seedToBase32(seed), period };
    }
    const secret = normaliseTypedSecret(input.secret);
    if (secret === undefined) throw new AppError('MFA_SECRET_INVALID', { details: { lengths: [16, 26, 32] } });
    return { seed: seedFromBase32(secret), secret, period };
  };

  /** Stores the pending enrolment (sealed seed) and answers what the person scans or types. */
  const storePending = async (user: Pick<User, 'id' | 'username'>, prepared: { seed: Buffer; secret: string; period: TotpPeriod }): Promise<TotpEnrolment> => {
    const sealed = deps.encryptor.encrypt(prepared.seed, seedAssociatedData(user.id));
    if (!(await upsertPendingTotp(deps.db, user.id, sealed, prepared.period, deps.clock.now()))) throw new AppError('MFA_ALREADY_ENABLED');
    const uri = otpauthUri(prepared.seed, prepared.period, { username: user.username, issuer: 'Lanyard' });
    const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { secret: prepared.secret, otpauthUri: uri, qrSvg, period: prepared.period };
  };

  const issueRecoveryCodes = async (trx: Executor, userId: string): Promise<string[]> => {
    const now = deps.clock.now();
    const codes = newRecoveryCodes();
    await replaceRecoveryCodes(
      trx,
      userId,
      codes.map((code) => ({ id: newId(now.getTime()), hash: deps.secrets.hash(`mfa-recovery:${normaliseRecoveryCode(code)}`) })),
      now,
    );
    return codes;
  };

  const notify: MfaService['notify'] = async (executor, notice, context) => {
    const { user, tenant, meta } = context;
    const now = deps.clock.now();
    await deps.audit.record(executor, {
      tenantId: tenant.id,
      actorUserId: context.actorUserId,
      action: noticeActions[notice],
      result: notice === 'mfa-replay-detected' ? 'failure' : 'success',
      targetType: 'user',
      targetId: user.id,
      ip: meta.ip,
      ...(context.details === undefined ? {} : { details: context.details }),
    });
    await deps.mail.enqueue(executor, {
      ...mfaNoticeEmail(notice, {
        firstName: user.firstName,
        username: user.username,
        tenantName: tenant.name,
        at: now,
        ip: meta.ip,
        ...(context.recoveryCodesRemaining === undefined ? {} : { recoveryCodesRemaining: context.recoveryCodesRemaining }),
      }),
      tenantId: tenant.id,
      to: user.email,
    });
  };

  const activeFactorOrRefuse = async (userId: string): Promise<MfaFactor> => {
    const factor = await findFactor(userId);
    if (factor?.totp.confirmedAt == null) throw new AppError('MFA_NOT_ENROLLED');
    return factor;
  };

  return {
    async factorState(userId) {
      const found = await findTotp(deps.db, userId);
      const enrolledAt = found?.totp.confirmedAt ?? null;
      return { enabled: enrolledAt !== null, enrolledAt };
    },

    async status(principal) {
      const [tenant, factor, remaining] = await Promise.all([
        deps.tenants.getTenant(principal.tenantId),
        findTotp(deps.db, principal.userId),
        countUnusedRecoveryCodes(deps.db, principal.userId),
      ]);
      const active = factor !== undefined && factor.totp.confirmedAt !== null;
      return {
        totp: {
          enabled: active,
          period: active ? factor.totp.period : null,
          enrolledAt: active ? (factor.totp.confirmedAt?.toISOString() ?? null) : null,
        },
        recoveryCodesRemaining: active ? remaining : 0,
        required: await isRequired(tenant, principal.userId),
        allowedPeriods: [...tenant.settings.mfaPolicy.allowedPeriods],
        available: tenant.settings.mfaPolicy.mode !== 'off',
      };
    },

    async startEnrolment(principal, input, meta) {
      const tenant = await deps.tenants.getTenant(principal.tenantId);
      if (tenant.settings.mfaPolicy.mode === 'off') throw new AppError('MFA_NOT_AVAILABLE');
      const prepared = prepareSeed(tenant, input);
      const existing = await findTotp(deps.db, principal.userId);
      if (existing?.totp.confirmedAt != null) throw new AppError('MFA_ALREADY_ENABLED');
      await deps.passwords.confirmCurrentPassword(principal, input.currentPassword, 'mfa.enrolment.started', meta);
      const user = await deps.users.getUser(principal.userId);
      return storePending(user, prepared);
    },

    async confirmEnrolment(principal, code, meta) {
      const factor = await findFactor(principal.userId);
      if (factor === undefined) throw new AppError('MFA_NOT_ENROLLED');
      if (factor.totp.confirmedAt !== null) throw new AppError('MFA_ALREADY_ENABLED');
      const step = matchingStep(factor.seed, factor.totp.period, code.replace(/\s+/gu, ''), deps.clock.now());
      if (step === undefined) throw new AppError('MFA_CODE_INVALID');
      const [user, tenant] = await Promise.all([deps.users.getUser(principal.userId), deps.tenants.getTenant(principal.tenantId)]);
      return deps.db.transaction().execute(async (trx) => {
        if (!(await consumeTotpStep(trx, principal.userId, step, { confirmAt: deps.clock.now() }))) throw new AppError('MFA_CODE_INVALID');
        const codes = await issueRecoveryCodes(trx, principal.userId);
        await notify(trx, 'mfa-enabled', { user, tenant, actorUserId: user.id, meta, details: { period: factor.totp.period } });
        return codes;
      });
    },

    async disable(principal, currentPassword, meta) {
      const tenant = await deps.tenants.getTenant(principal.tenantId);
      if (await isRequired(tenant, principal.userId)) throw new AppError('MFA_REQUIRED_BY_POLICY');
      await activeFactorOrRefuse(principal.userId);
      await deps.passwords.confirmCurrentPassword(principal, currentPassword, 'mfa.disabled', meta);
      const user = await deps.users.getUser(principal.userId);
      await deps.db.transaction().execute(async (trx) => {
        await deleteTotp(trx, principal.userId);
        await deleteRecoveryCodes(trx, principal.userId);
        await notify(trx, 'mfa-disabled', { user, tenant, actorUserId: user.id, meta });
      });
    },

    async regenerateRecoveryCodes(principal, currentPassword, meta) {
      await activeFactorOrRefuse(principal.userId);
      await deps.passwords.confirmCurrentPassword(principal, currentPassword, 'mfa.recoveryCodes.regenerated', meta);
      return deps.db.transaction().execute(async (trx) => {
        const codes = await issueRecoveryCodes(trx, principal.userId);
        await deps.audit.record(trx, {
          tenantId: principal.tenantId,
          actorUserId: principal.userId,
          action: 'mfa.recoveryCodes.regenerated',
          result: 'success',
          targetType: 'user',
          targetId: principal.userId,
          ip: meta.ip,
        });
        return codes;
      });
    },

    async resetByAdministrator(actor, userId, meta) {
      await deps.db.transaction().execute(async (trx) => {
        const { user } = await deps.users.getManageableMember(actor, 'account', userId, trx);
        const tenant = await deps.tenants.getTenant(actor.tenantId, trx);
        const hadFactor = await deleteTotp(trx, userId);
        await deleteRecoveryCodes(trx, userId);
        if (hadFactor) {
          await notify(trx, 'mfa-reset', { user, tenant, actorUserId: actor.userId, meta });
        } else {
          await deps.audit.record(trx, { tenantId: tenant.id, actorUserId: actor.userId, action: 'mfa.reset', result: 'success', targetType: 'user', targetId: userId, ip: meta.ip, details: { hadFactor } });
        }
      });
    },

    async getPolicy(tenantId) {
      return (await deps.tenants.getTenant(tenantId)).settings.mfaPolicy;
    },

    async setPolicy(actor, policy, meta) {
      const requiredRoleIds = [...new Set(policy.requiredRoleIds)];
      const normalised: MfaPolicy = { ...policy, requiredRoleIds };
      if (!isConsistentMfaPolicy(normalised)) throw new AppError('MFA_POLICY_INVALID');
      const roleIds = new Set((await deps.roles.listRoles(actor.tenantId)).map((role) => role.id));
      const unknown = requiredRoleIds.filter((id) => !roleIds.has(id));
      if (unknown.length > 0) throw new AppError('ROLE_NOT_FOUND', { details: { roleIds: unknown } });
      await deps.db.transaction().execute(async (trx) => {
        await deps.tenants.updateSettings(actor.tenantId, (settings) => ({ ...settings, mfaPolicy: normalised }), trx);
        await deps.audit.record(trx, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'policy.changed', result: 'success', targetType: 'tenant', targetId: actor.tenantId, ip: meta.ip, details: { mfaPolicy: normalised } });
      });
      return normalised;
    },

    async secondStepFor(account) {
      const found = await findTotp(deps.db, account.user.id);
      return secondStepOf(found !== undefined && found.totp.confirmedAt !== null, account.tenant.settings.mfaPolicy, account.membership.role.id);
    },

    async startSignInEnrolment(account, input) {
      return storePending(account.user, prepareSeed(account.tenant, input));
    },

    findFactor: (userId) => findFactor(userId),
    matchingStep: (factor, code) => matchingStep(factor.seed, factor.totp.period, code, deps.clock.now()),
    consumeStep: (trx, userId, step, options = {}) => consumeTotpStep(trx, userId, step, options.confirm === true ? { confirmAt: deps.clock.now() } : {}),
    useRecoveryCode: (trx, userId, typed) => consumeRecoveryCode(trx, userId, deps.secrets.hash(`mfa-recovery:${normaliseRecoveryCode(typed)}`), deps.clock.now()),
    issueRecoveryCodes,
    countRecoveryCodes: (userId, executor = deps.db) => countUnusedRecoveryCodes(executor, userId),
    notify,
  };
}

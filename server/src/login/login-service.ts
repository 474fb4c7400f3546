import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { PasswordsService } from '../passwords/passwords-service.ts';
import type { SessionsService, StartedSession } from '../sessions/sessions-service.ts';
import type { Db } from '../storage/db.ts';
import { writeTogether } from '../storage/write-together.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { UsersService } from '../users/users-service.ts';
import { refusalDetails, type MethodResult, type SignInCandidate } from './login.ts';
import type { PasswordMethod } from './password-method.ts';

/**
 * Sign-in, from the username to the session. Loads the candidate once, hands it to a method (password
 * today; TOTP and OpenID Connect next), and writes every `auth.login.*` audit row. Every refusal answers
 * AUTH_INVALID_CREDENTIALS after the same argon2 work, whatever the reason.
 */
export interface LoginService {
  /** Password sign-in into the user's default tenant: a session, or AUTH_INVALID_CREDENTIALS. */
  loginWithPassword(username: string, password: string, meta: RequestMeta, options?: { unlockCode?: string | undefined }): Promise<StartedSession>;
  /** A sign-in whose body was refused at the edge is still a failed sign-in: audited with reason invalid-input. */
  recordRefusedInput(attemptedUsername: unknown, meta: RequestMeta): Promise<void>;
}

// eslint-disable-next-line no-control-regex -- control characters and lone surrogates are what a refused username may hold
const unprintable = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/gu;

export function createLoginService(deps: {
  db: Db;
  users: Pick<UsersService, 'findSignInRecord'>;
  tenants: Pick<TenantsService, 'getTenant'>;
  passwords: Pick<PasswordsService, 'clearPasswordAttempts' | 'recordLockout'>;
  sessions: Pick<SessionsService, 'start'>;
  audit: Pick<AuditService, 'record'>;
  password: PasswordMethod;
}): LoginService {
  /** User, membership and credential state in one read, then the tenant (see users.findSignInRecord). */
  const loadCandidate = async (username: string): Promise<SignInCandidate | undefined> => {
    const record = await deps.users.findSignInRecord(username);
    if (record === undefined) return undefined;
    const tenant = await deps.tenants.getTenant(record.user.defaultTenantId);
    return { ...record, tenant };
  };

  const refuse = async (result: Extract<MethodResult, { ok: false }>, attemptedUsername: string, meta: RequestMeta): Promise<never> => {
    const { candidate } = result;
    if (candidate !== undefined && result.lockedUntil !== undefined) {
      await deps.passwords.recordLockout(candidate.tenant, candidate.user.id, result.lockedUntil, meta);
    }
    await deps.audit.record(deps.db, {
      tenantId: candidate?.tenant.id ?? null,
      actorUserId: candidate?.user.id ?? null,
      action: 'auth.login.failed',
      result: 'failure',
      targetType: 'user',
      targetId: candidate?.user.id,
      ip: meta.ip,
      details: { ...refusalDetails(result.reason, candidate, attemptedUsername), ...(result.unlockCode === undefined ? {} : { unlockCodeSpent: result.unlockCode.linkId }) },
    });
    throw new AppError('AUTH_INVALID_CREDENTIALS');
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
      // The session, the reset attempt count and the audit row: one statement, one round trip (see writeTogether).
      let started: StartedSession | undefined;
      await writeTogether(deps.db, async (writes) => {
        started = await deps.sessions.start(account.user.id, account.tenant, { ...meta, passwordChangeRequired }, writes);
        await deps.passwords.clearPasswordAttempts(writes, account.user.id);
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
        if (result.unlockCode !== undefined) {
          await deps.audit.record(writes, {
            tenantId: account.tenant.id,
            actorUserId: account.user.id,
            action: 'auth.unlock.code.used',
            result: 'success',
            targetType: 'user',
            targetId: account.user.id,
            ip: meta.ip,
            details: { issuedBy: result.unlockCode.issuedBy, codeId: result.unlockCode.linkId },
          });
        }
      });
      if (started === undefined) throw new Error('writeTogether did not run the session write');
      return started;
    },
  };
}

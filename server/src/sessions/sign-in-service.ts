import { AppError } from '../errors/app-error.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { PasswordsService } from '../passwords/passwords-service.ts';
import type { Db } from '../storage/db.ts';
import { writeTogether } from '../storage/write-together.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { UsersService } from '../users/users-service.ts';
import type { RequestMeta, SessionsService, StartedSession } from './sessions-service.ts';

export type SignInService = ReturnType<typeof createSignInService>;

// eslint-disable-next-line no-control-regex -- control characters and lone surrogates are what a refused username may hold
const unprintable = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/gu;

/**
 * Password sign-in into the user's default tenant. Every refusal (unknown user, wrong password, locked,
 * not active, no membership) answers AUTH_INVALID_CREDENTIALS after the same argon2 work.
 */
export function createSignInService(deps: {
  db: Db;
  users: UsersService;
  tenants: TenantsService;
  passwords: PasswordsService;
  sessions: SessionsService;
  audit: AuditService;
}) {
  return {
    /**
     * A sign-in refused at the edge (its body failed validation) is still a failed sign-in: it is audited
     * as auth.login.failed with reason invalid-input and the attempted username made printable.
     */
    async recordRefusedInput(attemptedUsername: unknown, meta: RequestMeta): Promise<void> {
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

    async login(username: string, password: string, meta: RequestMeta): Promise<StartedSession> {
      // Everything the check needs: the user, membership and credential state in one read, then the tenant.
      const record = await deps.users.findSignInRecord(username);
      const user = record?.user;
      const tenant = user === undefined ? undefined : await deps.tenants.getTenant(user.defaultTenantId);
      const signInAccount = record === undefined || tenant === undefined ? undefined : { ...record, tenant };
      const { passwordChangeRequired } = await deps.passwords.checkSignInPassword(signInAccount, username, password, meta);
      const account = user as NonNullable<typeof user>;
      if (tenant === undefined) throw new AppError('AUTH_INVALID_CREDENTIALS');
      // The session and its audit row: one statement, one round trip (see writeTogether).
      let started: StartedSession | undefined;
      await writeTogether(deps.db, async (writes) => {
        started = await deps.sessions.start(account.id, tenant, { ...meta, passwordChangeRequired }, writes);
        await deps.audit.record(writes, {
          tenantId: tenant.id,
          actorUserId: account.id,
          action: 'auth.login.succeeded',
          result: 'success',
          targetType: 'user',
          targetId: account.id,
          ip: meta.ip,
          details: { method: 'password', passwordChangeRequired },
        });
      });
      return started as StartedSession;
    },
  };
}

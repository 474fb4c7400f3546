import { AppError } from '../errors/app-error.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { PasswordsService } from '../passwords/passwords-service.ts';
import type { Db } from '../storage/db.ts';
import { writeTogether } from '../storage/write-together.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { UsersService } from '../users/users-service.ts';
import type { RequestMeta, SessionsService, StartedSession } from './sessions-service.ts';

export type SignInService = ReturnType<typeof createSignInService>;

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
    async login(username: string, password: string, meta: RequestMeta): Promise<StartedSession> {
      // Everything the check needs: the user, membership and credential state in one read, then the tenant.
      const record = await deps.users.findSignInRecord(username);
      const user = record?.user;
      const tenant = user === undefined ? undefined : await deps.tenants.getTenant(user.defaultTenantId);
      const signInAccount = record === undefined || tenant === undefined ? undefined : { ...record, tenant };
      const { passwordChangeRequired } = await deps.passwords.checkSignInPassword(signInAccount, username, password, meta);
      const account = user as NonNullable<typeof user>;
      if (tenant === undefined) throw new AppError('AUTH_INVALID_CREDENTIALS');
      // The session, the reset attempt count and the audit row: one statement, one round trip (see writeTogether).
      let started: StartedSession | undefined;
      await writeTogether(deps.db, async (writes) => {
        started = await deps.sessions.start(account.id, tenant, { ...meta, passwordChangeRequired }, writes);
        await deps.passwords.clearPasswordAttempts(writes, account.id);
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

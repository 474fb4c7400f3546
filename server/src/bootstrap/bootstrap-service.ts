import type { Logger } from 'pino';
import type { IssuedInvitation, InvitationsService } from '../invitations/invitations-service.ts';
import type { RolesService } from '../roles/roles-service.ts';
import { takeTransactionLock, type Db } from '../storage/db.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';

/** Any constant: the advisory lock that keeps two instances from bootstrapping the same empty database. */
const bootstrapLockKey = 0x4c414e59;

/**
 * On an empty database, creates tenant "Default" and an invitation for its first administrator, so a new
 * operator can sign in within a minute. Returns the invitation, or undefined when there was nothing to do.
 */
export async function bootstrapIfEmpty(deps: {
  db: Db;
  logger: Pick<Logger, 'info'>;
  tenants: Pick<TenantsService, 'countTenants' | 'createTenant'>;
  roles: Pick<RolesService, 'getRoleByName'>;
  invitations: Pick<InvitationsService, 'inviteUser'>;
  admin: { username: string; email: string };
}): Promise<IssuedInvitation | undefined> {
  const issued = await deps.db.transaction().execute(async (trx) => {
    await takeTransactionLock(trx, bootstrapLockKey);
    if ((await deps.tenants.countTenants(trx)) > 0) return undefined;
    const tenant = await deps.tenants.createTenant('Default', trx);
    const administrator = await deps.roles.getRoleByName(tenant.id, 'Administrator', trx);
    return deps.invitations.inviteUser(
      tenant.id,
      // The first administrator has no name until they give one: emails greet them without one ("Hello,").
      { username: deps.admin.username, email: deps.admin.email, firstName: '', lastName: '', roleId: administrator.id },
      undefined,
      trx,
    );
  });
  if (issued !== undefined) {
    deps.logger.info(
      { firstAccessUrl: issued.url, username: issued.user.username, expiresAt: issued.invitation.expiresAt.toISOString() },
      `First start: tenant "Default" created. Open ${issued.url} to set the password of "${issued.user.username}".`,
    );
  }
  return issued;
}

import type { PasswordPolicy } from '@lanyard/contracts/password-policy';
import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { HOUR } from '../kernel/clock.ts';
import type { Principal } from '../kernel/principal.ts';
import type { Outbox } from '../mail/outbox.ts';
import { invitationEmail } from '../mail/templates.ts';
import type { PasswordHasher } from '../passwords/password-hasher.ts';
import type { PasswordsService } from '../passwords/passwords-service.ts';
import { canGrant } from '../roles/roles.ts';
import type { RolesService } from '../roles/roles-service.ts';
import type { Db, Executor } from '../storage/db.ts';
import type { SingleUseLink } from '../links/links.ts';
import type { SingleUseLinksService } from '../links/links-service.ts';
import type { TeamsService } from '../teams/teams-service.ts';
import type { Tenant } from '../tenants/tenants.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { User } from '../users/users.ts';
import type { UsersService } from '../users/users-service.ts';

export type InvitationsService = ReturnType<typeof createInvitationsService>;

export interface InviteInput {
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  roleId: string;
  teamId?: string | null | undefined;
}

export interface IssuedInvitation {
  user: User;
  invitation: { id: string; expiresAt: Date };
  /** The first-access link. Shown once (CLI, bootstrap log) and emailed; never stored. */
  url: string;
}

export interface InvitationDescription {
  invitation: SingleUseLink;
  user: User;
  tenant: Tenant;
  passwordPolicy: PasswordPolicy;
}


export function createInvitationsService(deps: {
  db: Db;
  clock: Clock;
  links: SingleUseLinksService;
  hasher: PasswordHasher;
  mail: Outbox;
  audit: AuditService;
  passwords: PasswordsService;
  tenants: TenantsService;
  roles: RolesService;
  teams: TeamsService;
  users: UsersService;
}) {
  const links = deps.links.kind({
    purpose: 'invitation',
    route: 'first-access',
    errors: { notFound: 'INVITATION_NOT_FOUND', expired: 'INVITATION_EXPIRED', used: 'INVITATION_USED', replaced: 'INVITATION_REVOKED' },
  });

  /** Creates a fresh link for a user, stores only its hash and queues the email, all in `trx`. */
  const issue = async (trx: Executor, tenant: Tenant, user: User, invitedBy: string | null): Promise<IssuedInvitation> => {
    const expiresAt = new Date(deps.clock.now().getTime() + tenant.settings.invitationLifetimeHours * HOUR);
    const { link, url } = await links.create(trx, { tenantId: tenant.id, userId: user.id, createdBy: invitedBy, expiresAt });
    await deps.mail.enqueue(trx, {
      ...invitationEmail({ firstName: user.firstName, username: user.username, tenantName: tenant.name, url, expiresAt }),
      tenantId: tenant.id,
      to: user.email,
    });
    return { user, invitation: { id: link.id, expiresAt }, url };
  };

  /** Looks a token up and refuses it unless it is pending now. */
  const describe = async (token: string, executor: Executor = deps.db): Promise<InvitationDescription> => {
    const invitation = await links.describe(token, executor);
    const [user, tenant] = await Promise.all([deps.users.getUser(invitation.userId, executor), deps.tenants.getTenant(invitation.tenantId, executor)]);
    return { invitation, user, tenant, passwordPolicy: await deps.passwords.policyFor(tenant.id, user.id, executor) };
  };

  return {
    /**
     * Invites a new user into a tenant. `actor` is the administrator (undefined for the operator's CLI and
     * the first-start bootstrap); an administrator can only grant a role within their own permissions.
     */
    async inviteUser(tenantId: string, input: InviteInput, actor?: Principal, executor?: Executor): Promise<IssuedInvitation> {
      const work = async (trx: Executor): Promise<IssuedInvitation> => {
        const tenant = await deps.tenants.getTenant(tenantId, trx);
        const role = await deps.roles.getRole(tenantId, input.roleId, trx);
        if (actor !== undefined && !canGrant(actor.permissions, role)) {
          throw new AppError('ROLE_NOT_GRANTABLE', { details: { roleId: role.id } });
        }
        const teamId = input.teamId ?? null;
        if (teamId !== null) await deps.teams.getTeam(tenantId, teamId, trx);
        const user = await deps.users.createInvitedUser(
          { tenantId, username: input.username, email: input.email, firstName: input.firstName, lastName: input.lastName, roleId: role.id, teamId },
          trx,
        );
        const issued = await issue(trx, tenant, user, actor?.userId ?? null);
        await deps.audit.record(trx, {
          tenantId,
          actorUserId: actor?.userId ?? null,
          action: 'user.invited',
          result: 'success',
          targetType: 'user',
          targetId: user.id,
          details: { username: user.username, roleId: role.id },
        });
        return issued;
      };
      return executor === undefined ? deps.db.transaction().execute(work) : work(executor);
    },

    /** Makes a new link for a user who has not accepted yet; every older link stops working. */
    async resendInvitation(tenantId: string, userId: string, actor?: Principal): Promise<IssuedInvitation> {
      return deps.db.transaction().execute(async (trx) => {
        const { user } = await deps.users.getMember(tenantId, userId, trx);
        if (user.status !== 'invited') throw new AppError('INVITATION_NOT_PENDING', { details: { userId } });
        const tenant = await deps.tenants.getTenant(tenantId, trx);
        await links.replaceOpen(trx, userId, tenantId);
        const issued = await issue(trx, tenant, user, actor?.userId ?? null);
        await deps.audit.record(trx, { tenantId, actorUserId: actor?.userId ?? null, action: 'invitation.resent', result: 'success', targetType: 'user', targetId: userId });
        return issued;
      });
    },

    describeInvitation: (token: string) => describe(token),

    /** Sets the first password. The link is consumed atomically: of concurrent submits exactly one wins. */
    async acceptInvitation(token: string, password: string): Promise<void> {
      const { invitation, user, tenant } = await describe(token);
      await deps.passwords.assertFirstPasswordAcceptable(tenant.id, user, password);
      const passwordHash = await deps.hasher.hash(password);
      await deps.db.transaction().execute(async (trx) => {
        await links.consume(trx, token, invitation);
        await deps.users.activateWithPassword(invitation.userId, passwordHash, trx);
        await deps.audit.record(trx, {
          tenantId: invitation.tenantId,
          actorUserId: invitation.userId,
          action: 'invitation.accepted',
          result: 'success',
          targetType: 'user',
          targetId: invitation.userId,
        });
      });
    },
  };
}

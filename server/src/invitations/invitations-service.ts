import type { PasswordPolicy } from '@lanyard/contracts/password-policy';
import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Principal } from '../kernel/principal.ts';
import type { Outbox } from '../mail/outbox.ts';
import { invitationEmail, ssoWelcomeEmail } from '../mail/templates.ts';
import type { PasswordHasher } from '../passwords/password-hasher.ts';
import type { PasswordsService } from '../passwords/passwords-service.ts';
import type { RolesService } from '../roles/roles-service.ts';
import type { Db, Executor } from '../storage/db.ts';
import type { SingleUseLink } from '../links/links.ts';
import type { SingleUseLinksService } from '../links/links-service.ts';
import type { TeamsService } from '../teams/teams-service.ts';
import type { Tenant } from '../tenants/tenants.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { User } from '../users/users.ts';
import type { UsersService } from '../users/users-service.ts';
import { assertGrantable, invitationExpiresAt, invitedUserInput, type InviteInput } from './invitations.ts';

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

/** Invitations: a first-access link emailed to a new user, who sets their first password with it. */
export interface InvitationsService {
  /**
   * Invites a new user into a tenant (in `executor`, else in its own transaction). `actor` is the administrator (undefined for the
   * operator's CLI and the first-start bootstrap); refuses with TENANT_NOT_FOUND, ROLE_NOT_FOUND, ROLE_NOT_GRANTABLE (a role beyond
   * the actor's own permissions), TEAM_NOT_FOUND or USERNAME_TAKEN.
   */
  inviteUser(tenantId: string, input: InviteInput, actor?: Pick<Principal, 'userId' | 'permissions'>, executor?: Executor): Promise<IssuedInvitation>;
  /**
   * Creates a user who signs in through single sign-on only (status SSO Only): no password, no first-access link; an email tells them
   * to sign in with single sign-on. Refuses as inviteUser does.
   */
  createSsoOnlyUser(tenantId: string, input: InviteInput, actor?: Principal): Promise<{ user: User }>;
  /** Makes a new link for a member who has not accepted yet, and every older link stops working; refuses with USER_NOT_FOUND or INVITATION_NOT_PENDING. */
  resendInvitation(tenantId: string, userId: string, actor?: Principal): Promise<IssuedInvitation>;
  /** What the first-access page shows for a link; refuses with INVITATION_NOT_FOUND, INVITATION_EXPIRED, INVITATION_USED or INVITATION_REVOKED. */
  describeInvitation(token: string): Promise<InvitationDescription>;
  /** Sets the first password, consuming the link atomically (of concurrent submits exactly one wins); refuses as describeInvitation does, and with PASSWORD_POLICY_VIOLATED. */
  acceptInvitation(token: string, password: string): Promise<void>;
}

export function createInvitationsService(deps: {
  db: Db;
  clock: Clock;
  links: Pick<SingleUseLinksService, 'kind'>;
  hasher: Pick<PasswordHasher, 'hash'>;
  mail: Pick<Outbox, 'enqueue'>;
  audit: Pick<AuditService, 'record'>;
  passwords: Pick<PasswordsService, 'policyFor' | 'assertFirstPasswordAcceptable' | 'setFirstPassword'>;
  tenants: Pick<TenantsService, 'getTenant'>;
  roles: Pick<RolesService, 'getRole'>;
  teams: Pick<TeamsService, 'getTeam'>;
  users: Pick<UsersService, 'getUser' | 'getMember' | 'getManageableMember' | 'createInvitedUser' | 'activate' | 'recordInvitation'>;
  /** The console's sign-in page, under LANYARD_PUBLIC_URL (the SSO-only welcome email links to it). */
  loginUrl: string;
}): InvitationsService {
  const links = deps.links.kind({
    purpose: 'invitation',
    route: 'first-access',
    errors: { notFound: 'INVITATION_NOT_FOUND', expired: 'INVITATION_EXPIRED', used: 'INVITATION_USED', replaced: 'INVITATION_REVOKED' },
  });

  /** Creates a fresh link for a user, stores only its hash and queues the email, all in `trx`. */
  const issue = async (trx: Executor, tenant: Tenant, user: User, invitedBy: string | null): Promise<IssuedInvitation> => {
    const expiresAt = invitationExpiresAt(tenant, deps.clock.now());
    const { link, url } = await links.create(trx, { tenantId: tenant.id, userId: user.id, createdBy: invitedBy, expiresAt });
    await deps.users.recordInvitation(tenant.id, user.id, expiresAt, trx);
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

  /** Checks the tenant, role (grantable by the actor) and team, and creates the user, in `trx`. */
  const createUser = async (trx: Executor, tenantId: string, input: InviteInput, actor: Pick<Principal, 'userId' | 'permissions'> | undefined, ssoOnly: boolean) => {
    const tenant = await deps.tenants.getTenant(tenantId, trx);
    const role = await deps.roles.getRole(tenantId, input.roleId, trx);
    assertGrantable(actor, role);
    const newUser = invitedUserInput(tenantId, input, role.id);
    if (newUser.teamId !== null) await deps.teams.getTeam(tenantId, newUser.teamId, trx);
    const user = await deps.users.createInvitedUser(newUser, trx, { ssoOnly });
    return { tenant, role, user };
  };

  return {
    async createSsoOnlyUser(tenantId, input, actor) {
      return deps.db.transaction().execute(async (trx) => {
        const { tenant, role, user } = await createUser(trx, tenantId, input, actor, true);
        await deps.mail.enqueue(trx, {
          ...ssoWelcomeEmail({ firstName: user.firstName, username: user.username, tenantName: tenant.name, loginUrl: deps.loginUrl }),
          tenantId,
          to: user.email,
        });
        await deps.audit.record(trx, {
          tenantId,
          actorUserId: actor?.userId ?? null,
          action: 'user.created',
          result: 'success',
          targetType: 'user',
          targetId: user.id,
          details: { username: user.username, roleId: role.id, ssoOnly: true },
        });
        return { user };
      });
    },

    async inviteUser(tenantId, input, actor, executor) {
      const work = async (trx: Executor): Promise<IssuedInvitation> => {
        const { tenant, role, user } = await createUser(trx, tenantId, input, actor, false);
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

    async resendInvitation(tenantId, userId, actor) {
      return deps.db.transaction().execute(async (trx) => {
        // A first-access link sets the account's password: the home tenant's to send, and only to someone the actor outranks.
        const { user } = actor === undefined ? await deps.users.getMember(tenantId, userId, trx) : await deps.users.getManageableMember(actor, 'account', userId, trx);
        if (user.status !== 'invited') throw new AppError('INVITATION_NOT_PENDING', { details: { userId } });
        const tenant = await deps.tenants.getTenant(tenantId, trx);
        await links.replaceOpen(trx, userId, tenantId);
        const issued = await issue(trx, tenant, user, actor?.userId ?? null);
        await deps.audit.record(trx, { tenantId, actorUserId: actor?.userId ?? null, action: 'invitation.resent', result: 'success', targetType: 'user', targetId: userId });
        return issued;
      });
    },

    describeInvitation: (token) => describe(token),

    async acceptInvitation(token, password) {
      const { invitation, user, tenant } = await describe(token);
      await deps.passwords.assertFirstPasswordAcceptable(tenant.id, user, password);
      const passwordHash = await deps.hasher.hash(password);
      await deps.db.transaction().execute(async (trx) => {
        await links.consume(trx, token, invitation);
        await deps.passwords.setFirstPassword(trx, invitation.userId, passwordHash);
        await deps.users.activate(invitation.userId, trx);
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

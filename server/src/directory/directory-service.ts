import type { AdminUpdateUserBody, AdminUserDetail, AdminUsersPage, AdminUserStatus } from '@lanyard/contracts/admin';
import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Principal } from '../kernel/principal.ts';
import type { MfaService } from '../mfa/mfa-service.ts';
import type { SsoService } from '../sso/sso-service.ts';
import type { PasswordsService } from '../passwords/passwords-service.ts';
import type { PresenceService } from '../presence/presence-service.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import { canGrant } from '../roles/roles.ts';
import type { RolesService } from '../roles/roles-service.ts';
import type { SessionsService } from '../sessions/sessions-service.ts';
import type { Db } from '../storage/db.ts';
import { invalidationTopics, type Notifications } from '../storage/notifications.ts';
import type { TeamsService } from '../teams/teams-service.ts';
import { statusCondition } from '../users/users.ts';
import type { UsersService } from '../users/users-service.ts';
import { cursorAfter, decodeCursor, pageOf, searchRange, summaryOf, windowFor } from './directory.ts';
import { findDirectoryEntry, listDirectoryPage } from './directory-read.ts';

export interface DirectoryQuery {
  q?: string | undefined;
  roleId?: string | undefined;
  teamId?: string | undefined;
  status?: AdminUserStatus | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** The name of the built-in role whose enabled members the tenant must never run out of. */
const administratorRoleName = 'Administrator';

/** Administration › Users: the tenant's user directory, one user's page, and the changes an administrator makes to a user. */
export interface DirectoryService {
  /** A page of the tenant's members; refuses a cursor of another kind of list with USER_CURSOR_INVALID. */
  list(tenantId: string, query: DirectoryQuery): Promise<AdminUsersPage>;
  /** One member of the tenant; another tenant's user (or an unknown id) is USER_NOT_FOUND. */
  get(tenantId: string, userId: string): Promise<AdminUserDetail>;
  /**
   * Changes a member's role, team, status or password sign-in override, each audited in the same transaction, and answers the user as
   * now. Refuses, changing nothing: USER_NOT_FOUND; ROLE_NOT_GRANTABLE (the new role, or the user's current one, holds a permission the
   * actor lacks); ROLE_NOT_FOUND, TEAM_NOT_FOUND, PRESENCE_REASON_LIST_NOT_FOUND; CANNOT_DISABLE_SELF; LAST_ADMINISTRATOR (no enabled
   * member of the built-in Administrator role would remain). Disabling ends the user's sessions and, through the invalidation of the
   * `user` topic, their access-key tokens on every instance within a second.
   */
  update(actor: Principal, userId: string, change: AdminUpdateUserBody, meta: RequestMeta): Promise<AdminUserDetail>;
}

export function createDirectoryService(deps: {
  db: Db;
  clock: Clock;
  users: Pick<UsersService, 'getMember' | 'lockMembership' | 'lockEnabledMembersOfRole' | 'changeMembership' | 'setEnabled'>;
  roles: Pick<RolesService, 'getRole' | 'listRoles'>;
  teams: Pick<TeamsService, 'getTeam'>;
  sessions: Pick<SessionsService, 'revokeUserSessions' | 'countUserSessions'>;
  audit: Pick<AuditService, 'record'>;
  notifications: Pick<Notifications, 'publish' | 'deliverCommitted'>;
  mfa: Pick<MfaService, 'factorState'>;
  presence: Pick<PresenceService, 'assignList' | 'effectiveListOf'>;
  passwords: Pick<PasswordsService, 'hasPassword'>;
  sso: Pick<SsoService, 'listLinksOf'>;
}): DirectoryService {
  const get = async (tenantId: string, userId: string): Promise<AdminUserDetail> => {
    const entry = await findDirectoryEntry(deps.db, tenantId, userId);
    if (entry === undefined) throw new AppError('USER_NOT_FOUND', { details: { userId } });
    const [sessionsCount, factor, links, presenceList] = await Promise.all([
      deps.sessions.countUserSessions(userId, tenantId),
      deps.mfa.factorState(userId),
      deps.sso.listLinksOf(tenantId, userId),
      deps.presence.effectiveListOf(tenantId, userId),
    ]);
    const now = deps.clock.now();
    const summary = summaryOf(entry, now);
    return {
      ...summary,
      createdAt: entry.createdAt.toISOString(),
      invitation: entry.statusBase === 'invited' && entry.invitationExpiresAt !== null ? { expiresAt: entry.invitationExpiresAt.toISOString() } : null,
      // Only this tenant's membership: another tenant's name is not this administrator's to see.
      memberships: [{ tenant: entry.tenant, role: entry.role, team: entry.team, isDefault: entry.isDefault }],
      mfa: { enabled: factor.enabled, enrolledAt: factor.enrolledAt?.toISOString() ?? null },
      identityLinks: links.map((link) => ({ id: link.id, providerName: link.providerName, linkedAt: link.linkedAt.toISOString() })),
      passwordLogin: entry.passwordLogin,
      sessionsCount,
      // Only a list of the member's own: the tenant default is not stored on the membership.
      presenceReasonList: presenceList?.source === 'own' ? { id: presenceList.id, name: presenceList.name } : null,
    };
  };

  return {
    async list(tenantId, query) {
      const search = searchRange(query.q);
      const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, search !== undefined);
      const now = deps.clock.now();
      const entries = await listDirectoryPage(deps.db, {
        tenantId,
        search,
        roleId: query.roleId,
        teamId: query.teamId,
        status: query.status === undefined ? undefined : statusCondition(query.status, now),
        cursor,
        limit: windowFor(query.limit, search !== undefined),
      });
      const { page, after } = pageOf(entries, query.limit, windowFor(query.limit, search !== undefined));
      return {
        items: page.map((entry) => summaryOf(entry, now)),
        nextCursor: after === undefined ? null : cursorAfter(after, search !== undefined),
      };
    },

    get: (tenantId, userId) => get(tenantId, userId),

    async update(actor, userId, change, meta) {
      const tenantId = actor.tenantId;
      let invalidate = false;
      await deps.db.transaction().execute(async (trx) => {
        await deps.users.getMember(tenantId, userId, trx);
        const administrator = (await deps.roles.listRoles(tenantId, trx)).find((role) => role.builtIn && role.name === administratorRoleName);
        const touchesAdministrators = administrator !== undefined && (change.roleId !== undefined || change.status === 'disabled');
        // Lock order, always: the tenant's enabled Administrators, then the member (no two changes wait for each other).
        const enabledAdministrators = touchesAdministrators ? await deps.users.lockEnabledMembersOfRole(tenantId, administrator.id, trx) : [];
        await deps.users.lockMembership(tenantId, userId, trx);
        // Read again under the locks: a change committed meanwhile is seen.
        const { user, membership } = await deps.users.getMember(tenantId, userId, trx);

        // Same or lower: an administrator manages only users whose role they could grant.
        if (!membership.role.permissions.every((permission) => (actor.permissions as ReadonlySet<string>).has(permission))) throw new AppError('ROLE_NOT_GRANTABLE', { details: { roleId: membership.role.id } });
        const newRole = change.roleId === undefined || change.roleId === membership.role.id ? undefined : await deps.roles.getRole(tenantId, change.roleId, trx);
        if (newRole !== undefined && !canGrant(actor.permissions, newRole)) throw new AppError('ROLE_NOT_GRANTABLE', { details: { roleId: newRole.id } });
        const currentTeamId = membership.team?.id ?? null;
        const newTeamId = change.teamId === undefined || change.teamId === currentTeamId ? undefined : change.teamId;
        if (newTeamId !== undefined && newTeamId !== null) await deps.teams.getTeam(tenantId, newTeamId, trx);
        const disabling = change.status === 'disabled' && user.status !== 'disabled';
        const enabling = change.status === 'enabled' && user.status === 'disabled';
        if (disabling && userId === actor.userId) throw new AppError('CANNOT_DISABLE_SELF', { details: { userId } });
        if (administrator !== undefined && enabledAdministrators.includes(userId) && (disabling || (newRole !== undefined && newRole.id !== administrator.id))) {
          if (enabledAdministrators.every((id) => id === userId)) throw new AppError('LAST_ADMINISTRATOR', { details: { userId } });
        }
        const newPasswordLogin = change.passwordLogin === undefined || change.passwordLogin === membership.passwordLogin ? undefined : change.passwordLogin;

        const audit = (action: string, details: Record<string, unknown>) =>
          deps.audit.record(trx, { tenantId, actorUserId: actor.userId, action, result: 'success', targetType: 'user', targetId: userId, ip: meta.ip, details });
        if (newRole !== undefined || newTeamId !== undefined || newPasswordLogin !== undefined) {
          await deps.users.changeMembership(
            tenantId,
            userId,
            {
              ...(newRole === undefined ? {} : { roleId: newRole.id }),
              ...(newTeamId === undefined ? {} : { teamId: newTeamId }),
              ...(newPasswordLogin === undefined ? {} : { passwordLogin: newPasswordLogin }),
            },
            trx,
          );
        }
        // Last of the checks (it refuses an unknown list, changing nothing: the transaction rolls back), first of the writes.
        if (change.presenceReasonListId !== undefined) await deps.presence.assignList(actor, userId, change.presenceReasonListId, meta, trx);
        if (newRole !== undefined) await audit('user.role.changed', { fromRoleId: membership.role.id, toRoleId: newRole.id, toRoleName: newRole.name });
        if (newTeamId !== undefined) await audit('user.team.changed', { fromTeamId: currentTeamId, toTeamId: newTeamId });
        if (newPasswordLogin !== undefined) await audit('user.passwordLogin.changed', { from: membership.passwordLogin, to: newPasswordLogin });
        if (disabling) {
          await deps.users.setEnabled(userId, false, trx);
          const sessionsEnded = await deps.sessions.revokeUserSessions(userId, undefined, trx);
          await audit('user.disabled', { sessionsEnded });
        }
        if (enabling) {
          const enabled = await deps.users.setEnabled(userId, true, trx, { hasPassword: await deps.passwords.hasPassword(userId, trx) });
          await audit('user.enabled', { status: enabled.status });
        }
        invalidate = newRole !== undefined || newTeamId !== undefined || disabling || enabling;
        if (invalidate) await deps.notifications.publish(trx, { topic: invalidationTopics.user, id: userId });
      });
      if (invalidate) deps.notifications.deliverCommitted({ topic: invalidationTopics.user, id: userId });
      return get(tenantId, userId);
    },
  };
}

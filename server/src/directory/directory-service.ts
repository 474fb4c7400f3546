import type { AdminUpdateUserBody, AdminUserDetail, AdminUserSessionList, AdminUsersPage, AdminUserStatus } from '@lanyard/contracts/admin';
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
import type { Db, Executor } from '../storage/db.ts';
import type { AccessKeysService } from '../access-keys/access-keys-service.ts';
import type { AccountService } from '../account/account-service.ts';
import { managedHere, refusalOf, type Actor } from '../users/authority.ts';
import { invalidationTopics, type Notifications } from '../storage/notifications.ts';
import type { TeamsService } from '../teams/teams-service.ts';
import { deviceOf } from '../sessions/sessions.ts';
import { statusCondition } from '../users/users.ts';
import type { UsersService } from '../users/users-service.ts';
import { cursorAfter, decodeCursor, failedAttemptsNow, pageOf, searchRange, summaryOf, windowFor } from './directory.ts';
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
  /** One member of the actor's tenant, with what the actor may do to them here; another tenant's user (or an unknown id) is USER_NOT_FOUND. */
  get(actor: Actor, userId: string): Promise<AdminUserDetail>;
  /**
   * Changes a member's role, team, status or password sign-in override, each audited in the same transaction, and answers the user as
   * now. Refuses, changing nothing: USER_NOT_FOUND; ROLE_NOT_GRANTABLE (the new role, or the user's current one, holds a permission the
   * actor lacks); ROLE_NOT_FOUND, TEAM_NOT_FOUND, PRESENCE_REASON_LIST_NOT_FOUND; CANNOT_DISABLE_SELF; LAST_ADMINISTRATOR (no enabled
   * member of the built-in Administrator role would remain). Disabling ends the user's sessions and, through the invalidation of the
   * `user` topic, their access-key tokens on every instance within a second.
   */
  update(actor: Principal, userId: string, change: AdminUpdateUserBody, meta: RequestMeta): Promise<AdminUserDetail>;
  /**
   * Removes a person from the actor's tenant (SPEC §3.12): their sessions and access keys here end, and the account stays — its
   * default tenant (and home, when this was it) move to another membership, and an account left with none is disabled. Audited.
   * Refuses, changing nothing: USER_NOT_FOUND; PERMISSION_DENIED (outranked); CANNOT_REMOVE_SELF; LAST_ADMINISTRATOR.
   */
  remove(actor: Principal, userId: string, meta: RequestMeta): Promise<void>;
  /**
   * The member's live console sessions in the actor's tenant only (a session they have in another tenant is never listed).
   * Refuses: USER_NOT_FOUND (no member here); PERMISSION_DENIED (the member holds an authority the actor lacks).
   */
  listSessions(actor: Actor, userId: string): Promise<AdminUserSessionList>;
  /**
   * Ends one of the member's sessions in the actor's tenant, audited (`session.ended`); the next request with its cookie is refused on
   * every instance. Refuses, changing nothing: USER_NOT_FOUND; PERMISSION_DENIED; SESSION_NOT_FOUND (unknown, another person's, or
   * in another tenant).
   */
  endSession(actor: Principal, userId: string, sessionId: string, meta: RequestMeta): Promise<void>;
  /** Ends every session of the member in the actor's tenant, each audited; returns how many. Refuses as `listSessions`. */
  endSessions(actor: Principal, userId: string, meta: RequestMeta): Promise<number>;
}

export function createDirectoryService(deps: {
  db: Db;
  clock: Clock;
  users: Pick<
    UsersService,
    'getManageableMember' | 'lockMembership' | 'lockEnabledMembersOfRole' | 'changeMembership' | 'setEnabled' | 'setMembershipEnabled' | 'removeMembership' | 'updatePersonalDetails'
  >;
  accessKeys: Pick<AccessKeysService, 'endTokensOf'>;
  roles: Pick<RolesService, 'getRole' | 'listRoles'>;
  teams: Pick<TeamsService, 'getTeam'>;
  sessions: Pick<
    SessionsService,
    'revokeUserSessions' | 'revokeUserSessionsInTenant' | 'countUserSessions' | 'listMemberSessions' | 'endMemberSession' | 'endMemberSessions'
  >;
  audit: Pick<AuditService, 'record' | 'lastFailedSignInAt'>;
  notifications: Pick<Notifications, 'publish' | 'deliverCommitted'>;
  mfa: Pick<MfaService, 'factorState'>;
  presence: Pick<PresenceService, 'assignList' | 'effectiveListOf'>;
  passwords: Pick<PasswordsService, 'hasPassword'>;
  sso: Pick<SsoService, 'listLinksOf'>;
  account: Pick<AccountService, 'requestEmailChangeFor'>;
}): DirectoryService {
  /** The tenant's built-in Administrator role, whose enabled members it must never run out of. */
  const administratorRole = async (tenantId: string, executor: Executor) =>
    (await deps.roles.listRoles(tenantId, executor)).find((role) => role.builtIn && role.name === administratorRoleName);

  /** One row per session an administrator ends: the person is the target, the session in the details. */
  const sessionEnded = (executor: Executor, actor: Principal, userId: string, sessionId: string, meta: RequestMeta, scope: 'one' | 'all') =>
    deps.audit.record(executor, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: 'session.ended',
      result: 'success',
      targetType: 'user',
      targetId: userId,
      ip: meta.ip,
      details: { sessionId, byAdministrator: true, scope, current: actor.kind === 'session' && actor.sessionId === sessionId },
    });

  const get = async (actor: Actor, userId: string): Promise<AdminUserDetail> => {
    const tenantId = actor.tenantId;
    const entry = await findDirectoryEntry(deps.db, tenantId, userId);
    if (entry === undefined) throw new AppError('USER_NOT_FOUND', { details: { userId } });
    const [sessionsCount, factor, links, presenceList, lastFailureAt] = await Promise.all([
      deps.sessions.countUserSessions(userId, tenantId),
      deps.mfa.factorState(userId),
      deps.sso.listLinksOf(tenantId, userId),
      deps.presence.effectiveListOf(tenantId, userId),
      deps.audit.lastFailedSignInAt(userId),
    ]);
    const now = deps.clock.now();
    const summary = summaryOf(entry, now);
    const target = { userId, homeTenantId: entry.homeTenantId, permissions: entry.permissions };
    return {
      ...summary,
      createdAt: entry.createdAt.toISOString(),
      invitation: entry.statusBase === 'invited' && entry.invitationExpiresAt !== null ? { expiresAt: entry.invitationExpiresAt.toISOString() } : null,
      // Only this tenant's membership: another tenant's name is not this administrator's to see.
      memberships: [{ tenant: entry.tenant, role: entry.role, team: entry.team, isDefault: entry.isDefault }],
      mfa: { enabled: factor.enabled, enrolledAt: factor.enrolledAt?.toISOString() ?? null },
      identityLinks: links.map((link) => ({ id: link.id, providerName: link.providerName, linkedAt: link.linkedAt.toISOString() })),
      passwordLogin: entry.passwordLogin,
      failedAttempts: { count: failedAttemptsNow(entry, now), lastAt: lastFailureAt?.toISOString() ?? null },
      sessionsCount,
      // Only a list of the member's own: the tenant default is not stored on the membership.
      presenceReasonList: presenceList?.source === 'own' ? { id: presenceList.id, name: presenceList.name } : null,
      homeTenant: managedHere(actor, entry) ? entry.tenant : null,
      managedHere: managedHere(actor, entry),
      allowedActions: {
        membership: refusalOf(actor, 'membership', target) === undefined,
        account: refusalOf(actor, 'account', target) === undefined,
      },
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

    get: (actor, userId) => get(actor, userId),

    async update(actor, userId, change, meta) {
      const tenantId = actor.tenantId;
      let invalidate = false;
      // Names and email are the account's: the home tenant's to change (SPEC §3.12); everything else is the membership's.
      const action = change.firstName !== undefined || change.lastName !== undefined || change.email !== undefined ? 'account' : 'membership';
      await deps.db.transaction().execute(async (trx) => {
        // Rank first, before any lock: someone the actor may not manage learns nothing more.
        await deps.users.getManageableMember(actor, action, userId, trx);
        const administrator = await administratorRole(tenantId, trx);
        const touchesAdministrators = administrator !== undefined && (change.roleId !== undefined || change.status === 'disabled');
        // Lock order, always: the tenant's enabled Administrators, then the member (no two changes wait for each other).
        const enabledAdministrators = touchesAdministrators ? await deps.users.lockEnabledMembersOfRole(tenantId, administrator.id, trx) : [];
        await deps.users.lockMembership(tenantId, userId, trx);
        // Read again under the locks: a change committed meanwhile is seen. A status change of an account homed elsewhere is the
        // membership's only; of one homed here, the account's (SPEC §3.12).
        const { user, membership } = await deps.users.getManageableMember(actor, action, userId, trx);
        const accountWide = managedHere(actor, user);
        const names = {
          ...(change.firstName === undefined || change.firstName === user.firstName ? {} : { firstName: change.firstName }),
          ...(change.lastName === undefined || change.lastName === user.lastName ? {} : { lastName: change.lastName }),
        };
        const newEmail = change.email === undefined || change.email.toLowerCase() === user.email.toLowerCase() ? undefined : change.email;

        const newRole = change.roleId === undefined || change.roleId === membership.role.id ? undefined : await deps.roles.getRole(tenantId, change.roleId, trx);
        if (newRole !== undefined && !canGrant(actor.permissions, newRole)) throw new AppError('ROLE_NOT_GRANTABLE', { details: { roleId: newRole.id } });
        const currentTeamId = membership.team?.id ?? null;
        const newTeamId = change.teamId === undefined || change.teamId === currentTeamId ? undefined : change.teamId;
        if (newTeamId !== undefined && newTeamId !== null) await deps.teams.getTeam(tenantId, newTeamId, trx);
        const disabledNow = accountWide ? user.status === 'disabled' : membership.disabled;
        const disabling = change.status === 'disabled' && !disabledNow;
        const enabling = change.status === 'enabled' && disabledNow;
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
        if (Object.keys(names).length > 0) {
          await deps.users.updatePersonalDetails(userId, names, trx);
          await audit('account.updated', { fields: Object.keys(names).sort(), byAdministrator: true });
        }
        // As in My Account: the new address confirms it (a link there, a notice to the current one); it changes once followed.
        if (newEmail !== undefined) await deps.account.requestEmailChangeFor(trx, { userId, tenantId, email: newEmail, actorUserId: actor.userId, meta });
        if (disabling && accountWide) {
          await deps.users.setEnabled(userId, false, trx);
          const sessionsEnded = await deps.sessions.revokeUserSessions(userId, undefined, trx);
          // Tokens issued until now never work again, even once the account is enabled (they are not revived).
          await deps.accessKeys.endTokensOf(userId, undefined, trx);
          await audit('user.disabled', { sessionsEnded, scope: 'account' });
        }
        if (disabling && !accountWide) {
          await deps.users.setMembershipEnabled(tenantId, user, false, trx);
          const sessionsEnded = await deps.sessions.revokeUserSessionsInTenant(userId, tenantId, trx);
          await deps.accessKeys.endTokensOf(userId, tenantId, trx);
          await audit('user.disabled', { sessionsEnded, scope: 'membership' });
        }
        if (enabling && accountWide) {
          const enabled = await deps.users.setEnabled(userId, true, trx, { hasPassword: await deps.passwords.hasPassword(userId, trx) });
          await audit('user.enabled', { status: enabled.status, scope: 'account' });
        }
        if (enabling && !accountWide) {
          await deps.users.setMembershipEnabled(tenantId, user, true, trx);
          await audit('user.enabled', { scope: 'membership' });
        }
        invalidate = newRole !== undefined || newTeamId !== undefined || disabling || enabling || Object.keys(names).length > 0;
        if (invalidate) await deps.notifications.publish(trx, { topic: invalidationTopics.user, id: userId });
      });
      if (invalidate) deps.notifications.deliverCommitted({ topic: invalidationTopics.user, id: userId });
      return get(actor, userId);
    },

    async listSessions(actor, userId) {
      await deps.users.getManageableMember(actor, 'sessions', userId);
      const sessions = await deps.sessions.listMemberSessions(userId, actor.tenantId);
      return {
        items: sessions.map((session) => ({
          id: session.id,
          createdAt: session.createdAt.toISOString(),
          lastSeenAt: session.lastSeenAt.toISOString(),
          ip: session.ip,
          userAgent: session.userAgent,
          device: deviceOf(session.userAgent),
          tenantId: session.tenantId,
        })),
      };
    },

    async endSession(actor, userId, sessionId, meta) {
      await deps.db.transaction().execute(async (trx) => {
        await deps.users.getManageableMember(actor, 'sessions', userId, trx);
        await deps.sessions.endMemberSession(userId, actor.tenantId, sessionId, trx);
        await sessionEnded(trx, actor, userId, sessionId, meta, 'one');
      });
    },

    async endSessions(actor, userId, meta) {
      return deps.db.transaction().execute(async (trx) => {
        await deps.users.getManageableMember(actor, 'sessions', userId, trx);
        const ended = await deps.sessions.endMemberSessions(userId, actor.tenantId, trx);
        for (const sessionId of ended) await sessionEnded(trx, actor, userId, sessionId, meta, 'all');
        return ended.length;
      });
    },

    async remove(actor, userId, meta) {
      const tenantId = actor.tenantId;
      await deps.db.transaction().execute(async (trx) => {
        await deps.users.getManageableMember(actor, 'membership', userId, trx);
        if (userId === actor.userId) throw new AppError('CANNOT_REMOVE_SELF', { details: { userId } });
        const administrator = await administratorRole(tenantId, trx);
        const enabledAdministrators = administrator === undefined ? [] : await deps.users.lockEnabledMembersOfRole(tenantId, administrator.id, trx);
        await deps.users.lockMembership(tenantId, userId, trx);
        const { user, membership } = await deps.users.getManageableMember(actor, 'membership', userId, trx);
        if (enabledAdministrators.includes(userId) && enabledAdministrators.every((id) => id === userId)) throw new AppError('LAST_ADMINISTRATOR', { details: { userId } });
        const sessionsEnded = await deps.sessions.revokeUserSessionsInTenant(userId, tenantId, trx);
        const outcome = await deps.users.removeMembership(tenantId, user, trx);
        await deps.audit.record(trx, {
          tenantId,
          actorUserId: actor.userId,
          action: 'user.membership.removed',
          result: 'success',
          targetType: 'user',
          targetId: userId,
          ip: meta.ip,
          details: { roleId: membership.role.id, sessionsEnded, accountDisabled: outcome.accountDisabled, homeMoved: outcome.homeTenantId !== user.homeTenantId },
        });
        // The new home tenant's log tells its administrators they now manage the account as a whole.
        if (outcome.homeTenantId !== user.homeTenantId) {
          await deps.audit.record(trx, {
            tenantId: outcome.homeTenantId,
            actorUserId: null,
            action: 'user.homeTenant.changed',
            result: 'success',
            targetType: 'user',
            targetId: userId,
            ip: null,
            details: { fromTenantId: tenantId, reason: 'removed-from-home-tenant' },
          });
        }
        await deps.notifications.publish(trx, { topic: invalidationTopics.user, id: userId });
      });
      deps.notifications.deliverCommitted({ topic: invalidationTopics.user, id: userId });
    },
  };
}

import { canonicalUsername } from '@lanyard/contracts/common';
import type { MyTenant } from '@lanyard/contracts/tenancy';
import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import type { Principal } from '../kernel/principal.ts';
import type { LoginService } from '../login/login-service.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { Outbox } from '../mail/outbox.ts';
import type { MfaService } from '../mfa/mfa-service.ts';
import { requiredByPolicy } from '../mfa/mfa.ts';
import { membershipAddedEmail } from '../mail/templates.ts';
import type { PresenceService } from '../presence/presence-service.ts';
import type { RegionsService } from '../regions/regions-service.ts';
import { canGrant } from '../roles/roles.ts';
import type { RolesService } from '../roles/roles-service.ts';
import type { SessionsService } from '../sessions/sessions-service.ts';
import type { Db } from '../storage/db.ts';
import type { TeamsService } from '../teams/teams-service.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { UsersService } from '../users/users-service.ts';
import { findUserIdsByUsernameOrEmail, listMembershipsOfUser } from './tenancy-read.ts';

/** Several tenants per person (SPEC §2): the tenants a person belongs to, switching the session's tenant, the default tenant, adding an existing user to a tenant. */
export interface TenancyService {
  myTenants(principal: Principal): Promise<MyTenant[]>;
  /**
   * Moves the console session to another tenant of the person; the next request acts with that membership's role, permissions and
   * policies. Refuses: a bearer token (tokens stay scoped to their tenant: PERMISSION_DENIED), 421 TENANT_IN_OTHER_REGION, 403
   * TENANT_MEMBERSHIP_REQUIRED (not a member, or no such tenant), 403 PRESENCE_REASON_LIST_REQUIRED (audited), 403
   * MFA_ENROLLMENT_REQUIRED (audited): the tenant's MFA policy requires a factor of the role there and the person has none — the
   * session stays where it is, and the details carry a forced-enrolment challenge (`challenge`, `allowedPeriods`) whose completion
   * at the sign-in's second step opens a session in that tenant and ends this one; 403 MFA_CODE_REQUIRED (audited): the policy
   * requires a factor of the role there, the person has one, and this session was opened without it (single sign-on, or signed in
   * before enrolling) — the details carry a code challenge (`challenge`) completed the same way. Audited.
   */
  switchTenant(principal: Principal, tenantId: string, meta: RequestMeta): Promise<{ tenant: { id: string; name: string; region: string }; role: { id: string; name: string } }>;
  /** The tenant the next sign-in lands in: TENANT_MEMBERSHIP_REQUIRED. Audited. */
  setDefaultTenant(principal: Principal, tenantId: string, meta: RequestMeta): Promise<void>;
  /**
   * Gives an existing user (by username, or by an email only one user has) access to the actor's tenant with a role the actor could
   * grant, and tells them by email: USER_NOT_FOUND, ROLE_NOT_FOUND, ROLE_NOT_GRANTABLE, TEAM_NOT_FOUND, USER_ALREADY_MEMBER. Audited.
   */
  addExistingUser(actor: Principal, input: { user: string; roleId: string; teamId?: string | null | undefined }, meta: RequestMeta): Promise<{ userId: string; username: string; role: { id: string; name: string }; team: { id: string; name: string } | null }>;
}

export function createTenancyService(deps: {
  db: Db;
  users: Pick<UsersService, 'getUser' | 'findMembership' | 'addMembership' | 'setDefaultTenant'>;
  tenants: Pick<TenantsService, 'getTenant'>;
  roles: Pick<RolesService, 'getRole'>;
  teams: Pick<TeamsService, 'getTeam'>;
  sessions: Pick<SessionsService, 'moveToTenant'>;
  mfa: Pick<MfaService, 'secondStepFor'>;
  login: Pick<LoginService, 'issueTenantSwitchChallenge'>;
  presence: Pick<PresenceService, 'mayUsePresence'>;
  regions: Pick<RegionsService, 'assertServedHere' | 'region'>;
  audit: Pick<AuditService, 'record'>;
  mail: Pick<Outbox, 'enqueue'>;
  loginUrl: string;
}): TenancyService {
  const switched = (tenant: { id: string; name: string; homeRegion: string }, membership: { role: { id: string; name: string } }) => ({
    tenant: { id: tenant.id, name: tenant.name, region: tenant.homeRegion },
    role: { id: membership.role.id, name: membership.role.name },
  });
  const membershipRequired = (tenantId: string) => new AppError('TENANT_MEMBERSHIP_REQUIRED', { details: { tenantId } });

  /** The person's membership in a tenant of this region; another region's tenant is 421, a tenant they do not belong to 403. */
  const memberOf = async (userId: string, tenantId: string) => {
    await deps.regions.assertServedHere(tenantId);
    const membership = await deps.users.findMembership(tenantId, userId);
    // A membership its tenant disabled is no way in: like none at all.
    if (membership === undefined || membership.disabled) throw membershipRequired(tenantId);
    return { membership, tenant: await deps.tenants.getTenant(tenantId) };
  };

  return {
    async myTenants(principal) {
      const [user, memberships] = await Promise.all([deps.users.getUser(principal.userId), listMembershipsOfUser(deps.db, principal.userId)]);
      return memberships.map((entry) => ({
        id: entry.tenantId,
        name: entry.tenantName,
        region: entry.region,
        role: entry.role,
        isDefault: entry.tenantId === user.defaultTenantId,
        current: entry.tenantId === principal.tenantId,
      }));
    },

    async switchTenant(principal, tenantId, meta) {
      if (principal.kind !== 'session') throw new AppError('PERMISSION_DENIED', { details: { reason: 'tokens are scoped to one tenant' } });
      const { membership, tenant } = await memberOf(principal.userId, tenantId);
      const auditRow = (result: 'success' | 'failure', details: Record<string, unknown>) => ({
        tenantId: tenant.id,
        actorUserId: principal.userId,
        action: 'session.tenant.switched',
        result,
        targetType: 'session',
        targetId: principal.sessionId,
        ip: meta.ip,
        details: { fromTenantId: principal.tenantId, ...details },
      });
      // The sign-in check applies to a switch too: a presence.use role without any list does not act in the tenant.
      if (!(await deps.presence.mayUsePresence(tenant.id, principal.userId, membership.role.permissions))) {
        await deps.audit.record(deps.db, auditRow('failure', { reason: 'no-presence-reason-list' }));
        throw new AppError('PRESENCE_REASON_LIST_REQUIRED');
      }
      if (tenant.id === principal.tenantId) return switched(tenant, membership);
      // The sign-in's second-step rule applies to a switch too. One the policy requires to enrol enrols first, as at sign-in. A person
      // with an active TOTP gave its code at a password sign-in (every one asks it, whatever the policy); a session opened without it
      // (single sign-on, or signed in before enrolling) gives a code first where the policy requires a factor of the role.
      const step = await deps.mfa.secondStepFor({ user: { id: principal.userId }, membership, tenant });
      const challengeStep = step === 'enrolment' ? 'enrolment' : step === 'totp' && !principal.secondFactor && requiredByPolicy(tenant.settings.mfaPolicy, membership.role.id) ? 'totp' : undefined;
      if (challengeStep !== undefined) {
        const issued = await deps.db.transaction().execute(async (trx) => {
          const challenge = await deps.login.issueTenantSwitchChallenge(trx, {
            step: challengeStep,
            userId: principal.userId,
            tenant,
            replacesSessionId: principal.sessionId,
            fromTenantId: principal.tenantId,
            passwordChangeRequired: principal.passwordChangeRequired,
          });
          await deps.audit.record(trx, auditRow('failure', { reason: challengeStep === 'enrolment' ? 'mfa-enrolment-required' : 'mfa-code-required' }));
          return challenge;
        });
        const headers = { 'cache-control': 'no-store' };
        if (challengeStep === 'totp') throw new AppError('MFA_CODE_REQUIRED', { details: { challenge: issued.challenge }, headers });
        throw new AppError('MFA_ENROLLMENT_REQUIRED', { details: { challenge: issued.challenge, allowedPeriods: issued.allowedPeriods }, headers });
      }
      await deps.db.transaction().execute(async (trx) => {
        await deps.sessions.moveToTenant(principal.sessionId, tenant, trx);
        await deps.audit.record(trx, auditRow('success', {}));
      });
      return switched(tenant, membership);
    },

    async setDefaultTenant(principal, tenantId, meta) {
      await memberOf(principal.userId, tenantId);
      const user = await deps.users.getUser(principal.userId);
      if (user.defaultTenantId === tenantId) return;
      await deps.db.transaction().execute(async (trx) => {
        await deps.users.setDefaultTenant(principal.userId, tenantId, trx);
        await deps.audit.record(trx, {
          tenantId,
          actorUserId: principal.userId,
          action: 'user.defaultTenant.changed',
          result: 'success',
          targetType: 'user',
          targetId: principal.userId,
          ip: meta.ip,
          details: { fromTenantId: user.defaultTenantId, toTenantId: tenantId },
        });
      });
    },

    async addExistingUser(actor, input, meta) {
      const ids = await findUserIdsByUsernameOrEmail(deps.db, canonicalUsername(input.user), input.user);
      // Not found, and an email two accounts share, answer alike: the administrator must name the username.
      if (ids.length !== 1 || ids[0] === undefined) throw new AppError('USER_NOT_FOUND', { details: { user: input.user } });
      const userId = ids[0];
      const role = await deps.roles.getRole(actor.tenantId, input.roleId);
      if (!canGrant(actor.permissions, role)) throw new AppError('ROLE_NOT_GRANTABLE', { details: { roleId: role.id } });
      const team = input.teamId === undefined || input.teamId === null ? null : await deps.teams.getTeam(actor.tenantId, input.teamId);
      const [user, tenant] = await Promise.all([deps.users.getUser(userId), deps.tenants.getTenant(actor.tenantId)]);
      await deps.db.transaction().execute(async (trx) => {
        await deps.users.addMembership(actor.tenantId, user, { roleId: role.id, teamId: team?.id ?? null }, trx);
        await deps.audit.record(trx, {
          tenantId: actor.tenantId,
          actorUserId: actor.userId,
          action: 'user.membership.added',
          result: 'success',
          targetType: 'user',
          targetId: user.id,
          ip: meta.ip,
          details: { roleId: role.id, teamId: team?.id ?? null },
        });
        await deps.mail.enqueue(trx, {
          ...membershipAddedEmail({ firstName: user.firstName, username: user.username, tenantName: tenant.name, roleName: role.name, loginUrl: deps.loginUrl }),
          tenantId: actor.tenantId,
          to: user.email,
        });
      });
      return { userId: user.id, username: user.username, role: { id: role.id, name: role.name }, team: team === null ? null : { id: team.id, name: team.name } };
    },
  };
}

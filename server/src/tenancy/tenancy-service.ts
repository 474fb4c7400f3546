import { canonicalUsername } from '@lanyard/contracts/common';
import type { MembershipInvitation, MyTenant } from '@lanyard/contracts/tenancy';
import type { AuditService } from '../audit/audit-service.ts';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import type { Principal } from '../kernel/principal.ts';
import type { LoginFlow } from '../login/login-flow.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { Outbox } from '../mail/outbox.ts';
import type { MfaService } from '../mfa/mfa-service.ts';
import { requiredByPolicy } from '../mfa/mfa.ts';
import { membershipInvitationEmail } from '../mail/templates.ts';
import type { PresenceService } from '../presence/presence-service.ts';
import type { RegionsService } from '../regions/regions-service.ts';
import { canGrant } from '../roles/roles.ts';
import type { RolesService } from '../roles/roles-service.ts';
import type { SessionsService } from '../sessions/sessions-service.ts';
import type { Db } from '../storage/db.ts';
import type { TeamsService } from '../teams/teams-service.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { UsersService } from '../users/users-service.ts';
import { answerPendingInvitation, putPendingInvitation, type InvitationAnswer } from './membership-invitations-repo.ts';
import { findInvitees, listMembershipsOfUser, listPendingInvitationsOfUser } from './tenancy-read.ts';

/**
 * How long an invitation to join another tenant stays open. Fixed rather than the tenant's invitation lifetime (1 hour to 7 days,
 * made for first-access links that carry a secret): this one carries none, and its person has to sign in to answer it.
 */
export const membershipInvitationLifetimeMs = 7 * 24 * 60 * 60 * 1000;

/** The id the same statements use when the administrator named no account of this deployment: it matches no row. */
const nobody = '00000000-0000-0000-0000-000000000000';

/**
 * Several tenants per person (SPEC §2, §3.12): the tenants a person belongs to, switching the session's tenant, the default tenant,
 * and joining another tenant, which needs the person's consent: an administrator invites, the person accepts or declines, signed in.
 */
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
   * Invites an existing account (by username, or by an email only one account has) to join the actor's tenant with a role the actor
   * could grant: ROLE_NOT_FOUND, ROLE_NOT_GRANTABLE, TEAM_NOT_FOUND, which say nothing about the person. Otherwise the same answer
   * (nothing) and comparable work whether the account exists, is already a member, or was invited before: an account that exists
   * and is not a member gets a pending invitation (replacing the tenant's earlier one) and an email; no membership exists until they
   * accept. Audited as `user.membership.invited` with what the administrator typed, alike in every case.
   */
  inviteExistingUser(actor: Principal, input: { user: string; roleId: string; teamId?: string | null | undefined }, meta: RequestMeta): Promise<void>;
  /** The signed-in person's pending, unexpired invitations to join a tenant, newest first. */
  myInvitations(principal: Principal): Promise<MembershipInvitation[]>;
  /**
   * Answers one of the person's invitations, from a console session only (PERMISSION_DENIED for a bearer token): accepting makes the
   * membership active and declining closes it, once — of concurrent answers one wins; another person's invitation, an expired,
   * accepted or declined one is MEMBERSHIP_INVITATION_NOT_FOUND. Audited in the inviting tenant (`user.membership.added` with the
   * invitation id, `user.membership.declined`).
   */
  answerInvitation(principal: Principal, invitationId: string, answer: InvitationAnswer, meta: RequestMeta): Promise<void>;
}

export function createTenancyService(deps: {
  db: Db;
  clock: Clock;
  users: Pick<UsersService, 'getUser' | 'findMembership' | 'addMembership' | 'setDefaultTenant'>;
  tenants: Pick<TenantsService, 'getTenant'>;
  roles: Pick<RolesService, 'getRole'>;
  teams: Pick<TeamsService, 'getTeam'>;
  sessions: Pick<SessionsService, 'moveToTenant'>;
  mfa: Pick<MfaService, 'secondStepFor'>;
  login: Pick<LoginFlow, 'issueTenantSwitchChallenge'>;
  presence: Pick<PresenceService, 'mayUsePresence'>;
  regions: Pick<RegionsService, 'assertServedHere' | 'region'>;
  audit: Pick<AuditService, 'record'>;
  mail: Pick<Outbox, 'enqueue'>;
  /** The console page that lists the person's invitations, under LANYARD_PUBLIC_URL (the invitation email links to it). */
  invitationsUrl: string;
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

    async inviteExistingUser(actor, input, meta) {
      // What reveals nothing about the person is checked first, and refused as before.
      const role = await deps.roles.getRole(actor.tenantId, input.roleId);
      if (!canGrant(actor.permissions, role)) throw new AppError('ROLE_NOT_GRANTABLE', { details: { roleId: role.id } });
      const team = input.teamId === undefined || input.teamId === null ? null : await deps.teams.getTeam(actor.tenantId, input.teamId);
      const [tenant, found] = await Promise.all([deps.tenants.getTenant(actor.tenantId), findInvitees(deps.db, actor.tenantId, canonicalUsername(input.user), input.user)]);
      // Not found, an email two accounts share, and a member already there are alike from here on: the same statements, the same answer.
      const invitee = found.length === 1 && found[0]?.isMember === false ? found[0] : undefined;
      const createdAt = deps.clock.now();
      const expiresAt = new Date(createdAt.getTime() + membershipInvitationLifetimeMs);
      const email = membershipInvitationEmail({
        firstName: invitee?.firstName ?? '',
        username: invitee?.username ?? input.user,
        tenantName: tenant.name,
        roleName: role.name,
        url: deps.invitationsUrl,
        expiresAt,
      });
      await deps.db.transaction().execute(async (trx) => {
        if (invitee === undefined) {
          await answerPendingInvitation(trx, nobody, nobody, 'declined', createdAt);
        } else {
          await putPendingInvitation(trx, tenant.id, { id: newId(createdAt.getTime()), userId: invitee.id, roleId: role.id, teamId: team?.id ?? null, invitedBy: actor.userId, createdAt, expiresAt });
          await deps.mail.enqueue(trx, { ...email, tenantId: tenant.id, to: invitee.email });
        }
        // Alike in every case, so the audit log does not tell its readers whether the account exists either.
        await deps.audit.record(trx, {
          tenantId: tenant.id,
          actorUserId: actor.userId,
          action: 'user.membership.invited',
          result: 'success',
          ip: meta.ip,
          details: { user: input.user, roleId: role.id, teamId: team?.id ?? null },
        });
      });
    },

    async myInvitations(principal) {
      const pending = await listPendingInvitationsOfUser(deps.db, principal.userId, deps.clock.now());
      return pending.map((invitation) => ({ ...invitation, invitedAt: invitation.invitedAt.toISOString(), expiresAt: invitation.expiresAt.toISOString() }));
    },

    async answerInvitation(principal, invitationId, answer, meta) {
      if (principal.kind !== 'session') throw new AppError('PERMISSION_DENIED', { details: { reason: 'joining a tenant is decided in a console session' } });
      const notFound = () => new AppError('MEMBERSHIP_INVITATION_NOT_FOUND', { details: { invitationId } });
      await deps.db.transaction().execute(async (trx) => {
        const invitation = await answerPendingInvitation(trx, principal.userId, invitationId, answer, deps.clock.now());
        if (invitation === undefined) throw notFound();
        const audited = { tenantId: invitation.tenantId, actorUserId: principal.userId, result: 'success' as const, targetType: 'user', targetId: principal.userId, ip: meta.ip };
        const details = { invitationId: invitation.id, roleId: invitation.roleId, teamId: invitation.teamId, invitedBy: invitation.invitedBy };
        if (answer === 'declined') {
          await deps.audit.record(trx, { ...audited, action: 'user.membership.declined', details });
          return;
        }
        // The role's foreign key deletes the invitation with it; read here, in the transaction, so a role gone meanwhile refuses.
        const role = await deps.roles.getRole(invitation.tenantId, invitation.roleId, trx).catch((error: unknown) => {
          throw error instanceof AppError && error.code === 'ROLE_NOT_FOUND' ? notFound() : error;
        });
        const user = await deps.users.getUser(principal.userId, trx);
        await deps.users.addMembership(invitation.tenantId, user, { roleId: role.id, teamId: invitation.teamId }, trx);
        await deps.audit.record(trx, { ...audited, action: 'user.membership.added', details });
      });
    },
  };
}

import type { AdminUserStatus } from '@lanyard/contracts/admin';
import { passwordPolicySchema, type PasswordPolicy } from '@lanyard/contracts/password-policy';

/** invited: has not set a first password yet; active: can sign in; disabled: an administrator stopped the account. */
export type UserStatus = 'invited' | 'active' | 'disabled';

export interface User {
  id: string;
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  status: UserStatus;
  /** Signs in through single sign-on only: created without a password or a first-access link. */
  ssoOnly: boolean;
  defaultTenantId: string;
  /** The tenant whose administrators manage the account as a whole (SPEC §3.12): the one that created it. */
  homeTenantId: string;
  createdAt: Date;
}

/** What an invitation knows of a new user: their names, contact and the membership they get. */
export interface NewInvitedUser {
  tenantId: string;
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  roleId: string;
  teamId: string | null;
}

/** The record of a user just invited: no password yet, homed in the inviting tenant. */
export function invitedUser(input: NewInvitedUser, id: string, createdAt: Date): User {
  return {
    id,
    username: input.username,
    email: input.email,
    firstName: input.firstName,
    lastName: input.lastName,
    status: 'invited',
    ssoOnly: false,
    defaultTenantId: input.tenantId,
    homeTenantId: input.tenantId,
    createdAt,
  };
}

/** The record of a user who signs in through single sign-on only: active at once, no password, no invitation. */
export function ssoOnlyUser(input: NewInvitedUser, id: string, createdAt: Date): User {
  return { ...invitedUser(input, id, createdAt), status: 'active', ssoOnly: true };
}

/** What an administrator's "enable" makes of a disabled user: active if they can sign in (a password, or SSO only), else back to invited. */
export function enabledStatus(user: Pick<User, 'ssoOnly'>, hasPassword: boolean): UserStatus {
  return hasPassword || user.ssoOnly ? 'active' : 'invited';
}

// --- The status the user directory shows (SPEC §3.1): derived here, and only here ---

/** The part of the directory status that does not depend on time, stored on each membership row (`status_base`). */
export type StatusBase = 'invited' | 'enabled' | 'disabled' | 'sso_only';

export function statusBase(user: Pick<User, 'status' | 'ssoOnly'>): StatusBase {
  if (user.status === 'disabled') return 'disabled';
  if (user.status === 'invited') return 'invited';
  return user.ssoOnly ? 'sso_only' : 'enabled';
}

/** What the directory stores per membership to derive the status. */
export interface StatusFacts {
  base: StatusBase;
  /** The expiry of the invitation in force; null while none has been issued. */
  invitationExpiresAt: Date | null;
}

/**
 * The status shown in the user directory at `now`:
 * - **Pending Invite**: the account exists, but no invitation has been issued for it yet (a bulk import
 *   creates accounts first and issues their invitations at a bounded rate); nobody has a link.
 * - **Invited**: an invitation link is out and still valid.
 * - **Expired Invitation**: the link in force has expired (at `now`: no job changes anything; resending makes it Invited again).
 * - **Enabled**, **Disabled**, **SSO Only** (active, signs in through single sign-on only).
 */
export function directoryStatus(facts: StatusFacts, now: Date): AdminUserStatus {
  if (facts.base !== 'invited') return facts.base;
  if (facts.invitationExpiresAt === null) return 'pending_invite';
  return facts.invitationExpiresAt.getTime() <= now.getTime() ? 'invitation_expired' : 'invited';
}

/** The condition on the stored facts that selects exactly the memberships `directoryStatus` maps to a status at `now` (the SQL filter). */
export interface StatusCondition {
  base: StatusBase;
  invitation?: { kind: 'none' } | { kind: 'expiresAfter'; at: Date } | { kind: 'expiredBy'; at: Date };
}

export function statusCondition(status: AdminUserStatus, now: Date): StatusCondition {
  switch (status) {
    case 'pending_invite':
      return { base: 'invited', invitation: { kind: 'none' } };
    case 'invited':
      return { base: 'invited', invitation: { kind: 'expiresAfter', at: now } };
    case 'invitation_expired':
      return { base: 'invited', invitation: { kind: 'expiredBy', at: now } };
    default:
      return { base: status };
  }
}

/** Whether facts meet a condition, exactly as the repository's SQL reads it (tested against `directoryStatus`). */
export function meetsStatusCondition(condition: StatusCondition, facts: StatusFacts): boolean {
  if (facts.base !== condition.base) return false;
  const invitation = condition.invitation;
  if (invitation === undefined) return true;
  const expiresAt = facts.invitationExpiresAt;
  if (invitation.kind === 'none') return expiresAt === null;
  if (expiresAt === null) return false;
  return invitation.kind === 'expiresAfter' ? expiresAt.getTime() > invitation.at.getTime() : expiresAt.getTime() <= invitation.at.getTime();
}

export interface Membership {
  tenantId: string;
  userId: string;
  /** The role, with its password policy override (null = the tenant's). */
  role: { id: string; name: string; permissions: string[]; passwordPolicy: PasswordPolicy | null };
  team: { id: string; name: string } | null;
  /** The per-user password sign-in override in this tenant ('tenant': the tenant's setting decides). */
  passwordLogin: PasswordLoginSetting;
  /** This membership alone is disabled by its tenant (the account may be active elsewhere). */
  disabled: boolean;
}

export type PasswordLoginSetting = 'tenant' | 'enabled' | 'disabled';

/** The columns of a users row a user record is made of, as the repositories and read models select them. */
export interface UserColumns {
  id: string;
  username: string;
  email: string;
  first_name: string;
  last_name: string;
  status: UserStatus;
  sso_only: boolean;
  default_tenant_id: string;
  home_tenant_id: string;
  created_at: Date;
}

export function userOf(row: UserColumns): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    status: row.status,
    ssoOnly: row.sso_only,
    defaultTenantId: row.default_tenant_id,
    homeTenantId: row.home_tenant_id,
    createdAt: row.created_at,
  };
}

/** The columns of a membership joined with its role and team, as the repositories and read models select them. */
export interface MembershipColumns {
  role_id: string;
  role_name: string;
  permissions: string[];
  password_policy: unknown;
  team_id: string | null;
  team_name: string | null;
  password_login: PasswordLoginSetting;
  /** Absent in reads that only ever see enabled memberships. */
  disabled?: boolean;
}

export function membershipOf(tenantId: string, userId: string, row: MembershipColumns): Membership {
  return {
    tenantId,
    userId,
    role: {
      id: row.role_id,
      name: row.role_name,
      permissions: row.permissions,
      passwordPolicy: row.password_policy === null ? null : passwordPolicySchema.parse(row.password_policy),
    },
    team: row.team_id === null || row.team_name === null ? null : { id: row.team_id, name: row.team_name },
    passwordLogin: row.password_login,
    disabled: row.disabled === true,
  };
}

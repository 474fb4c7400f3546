import type { PasswordPolicy } from '@lanyard/contracts/password-policy';

/** invited: has not set a first password yet; active: can sign in; disabled: an administrator stopped the account. */
export type UserStatus = 'invited' | 'active' | 'disabled';

export interface User {
  id: string;
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  status: UserStatus;
  passwordHash: string | null;
  passwordChangedAt: Date | null;
  defaultTenantId: string;
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
    passwordHash: null,
    passwordChangedAt: null,
    defaultTenantId: input.tenantId,
    createdAt,
  };
}

export interface Membership {
  tenantId: string;
  userId: string;
  /** The role, with its password policy override (null = the tenant's). */
  role: { id: string; name: string; permissions: string[]; passwordPolicy: PasswordPolicy | null };
  team: { id: string; name: string } | null;
}

/**
 * What a password sign-in reads, in one query: the user, their membership in their default tenant
 * (undefined if it is gone) and the credential columns of the same row. The passwords domain owns those
 * columns and decides what they mean; here they are only read.
 */
export interface SignInRecord {
  user: User;
  membership: Membership | undefined;
  credential: CredentialState;
}

/** The password columns of a users row: hash, change time, must-change flag and lockout counters. Only the passwords domain writes them. */
export interface CredentialState {
  userId: string;
  passwordHash: string | null;
  passwordChangedAt: Date | null;
  passwordMustChange: boolean;
  failedLoginCount: number;
  lockedUntil: Date | null;
}

/** The credential columns of a users row, as the repositories that read them select them. */
export interface CredentialColumns {
  id: string;
  password_hash: string | null;
  password_changed_at: Date | null;
  password_must_change: boolean;
  failed_login_count: number;
  locked_until: Date | null;
}

export function credentialStateOf(row: CredentialColumns): CredentialState {
  return {
    userId: row.id,
    passwordHash: row.password_hash,
    passwordChangedAt: row.password_changed_at,
    passwordMustChange: row.password_must_change,
    failedLoginCount: row.failed_login_count,
    lockedUntil: row.locked_until,
  };
}

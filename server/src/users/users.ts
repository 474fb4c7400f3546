import type { PasswordPolicy } from '@lanyard/contracts/password-policy';
import type { UserStatus } from '../storage/database.ts';

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
  credential: {
    userId: string;
    passwordHash: string | null;
    passwordChangedAt: Date | null;
    passwordMustChange: boolean;
    failedLoginCount: number;
    lockedUntil: Date | null;
  };
}

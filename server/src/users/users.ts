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

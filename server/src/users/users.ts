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
  role: { id: string; name: string; permissions: string[] };
  team: { id: string; name: string } | null;
}

import { z } from 'zod';
import { contactCenterDefaultPolicy, passwordPolicySchema } from '@lanyard/contracts/password-policy';

/** A tenant's settings, stored as JSON. Missing keys take their defaults, so new settings need no backfill. */
export const tenantSettingsSchema = z.object({
  passwordPolicy: passwordPolicySchema.default(contactCenterDefaultPolicy),
  session: z
    .object({
      idleMinutes: z.int().min(1).max(1440).default(30),
      absoluteHours: z.int().min(1).max(720).default(12),
    })
    .prefault({}),
  invitationLifetimeHours: z.int().min(1).max(168).default(24),
  lockout: z
    .object({
      maxFailures: z.int().min(1).max(100).default(6),
      lockMinutes: z.int().min(1).max(1440).default(30),
    })
    .prefault({}),
  passwordResetLifetimeMinutes: z.int().min(5).max(1440).default(60),
});

export type TenantSettings = z.infer<typeof tenantSettingsSchema>;

export function parseTenantSettings(stored: unknown): TenantSettings {
  return tenantSettingsSchema.parse(stored ?? {});
}

export interface Tenant {
  id: string;
  name: string;
  homeRegion: string;
  settings: TenantSettings;
  createdAt: Date;
}

export function canonicalName(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase();
}

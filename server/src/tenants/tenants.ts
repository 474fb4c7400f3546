import { z } from 'zod';
import { defaultMfaPolicy, mfaPolicySchema } from '@lanyard/contracts/mfa';
import { contactCenterDefaultPolicy, passwordPolicySchema } from '@lanyard/contracts/password-policy';

/** The longest access-token lifetime any tenant may choose; a retired signing key stays published this long. */
export const maxTokenLifetimeMinutes = 60;

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
  accessKeys: z
    .object({
      maxPerUser: z.int().min(1).max(100).default(5),
      /** Days a new key lives at most (a key created without an expiry gets this one); null = no limit. */
      maxKeyLifetimeDays: z.int().min(1).max(3650).nullable().default(null),
      /** Lifetime of access tokens issued for the tenant's keys; bounded so retired signing keys can be unpublished. */
      tokenLifetimeMinutes: z.int().min(1).max(maxTokenLifetimeMinutes).default(15),
    })
    .prefault({}),
  lockout: z
    .object({
      maxFailures: z.int().min(1).max(100).default(6),
      lockMinutes: z.int().min(1).max(1440).default(30),
    })
    .prefault({}),
  passwordResetLifetimeMinutes: z.int().min(5).max(1440).default(60),
  /** Second factor: off, optional (the default) or required for the roles named; the TOTP periods allowed. */
  mfaPolicy: mfaPolicySchema.default(defaultMfaPolicy),
  /** Password sign-in for the tenant's members: enabled (the default) or disabled (SSO only); a member's override wins. */
  loginMethods: z.object({ passwordLogin: z.enum(['enabled', 'disabled']).default('enabled') }).prefault({}),
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

/** A new tenant: its name trimmed, every setting at its default. */
export function newTenant(name: string, fields: Pick<Tenant, 'id' | 'homeRegion' | 'createdAt'>): Tenant {
  return { id: fields.id, name: name.trim(), homeRegion: fields.homeRegion, settings: parseTenantSettings({}), createdAt: fields.createdAt };
}

import { z } from 'zod';
import { emailSchema, idSchema, passwordInput, personNameSchema, tokenSchema, usernameSchema } from './common.ts';
import { passwordPolicySchema } from './password-policy.ts';

/** Request and response shapes of the HTTP API, shared by the server (validation, OpenAPI) and the console. */

export const tenantRefSchema = z.object({ id: idSchema, name: z.string() });

// --- Invitations (first access) ---
export const invitationInfoSchema = z.object({
  username: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  tenant: tenantRefSchema,
  expiresAt: z.iso.datetime(),
  passwordPolicy: passwordPolicySchema,
});
export type InvitationInfo = z.infer<typeof invitationInfoSchema>;

export const acceptInvitationBodySchema = z.strictObject({ password: passwordInput });
export type AcceptInvitationBody = z.infer<typeof acceptInvitationBodySchema>;

// --- Sign-in ---
export const loginBodySchema = z.strictObject({
  username: z.string().min(1).max(254).refine((value) => !value.includes('\u0000')),
  password: passwordInput,
});
export type LoginBody = z.infer<typeof loginBodySchema>;

export const loginResponseSchema = z.object({
  mfaRequired: z.literal(false),
  /** The password expired or no longer meets the policy: it must be changed before anything else. */
  passwordChangeRequired: z.boolean(),
  tenant: tenantRefSchema,
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

// --- Me ---
export const meSchema = z.object({
  user: z.object({
    id: idSchema,
    username: z.string(),
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
  }),
  tenant: z.object({ id: idSchema, name: z.string(), region: z.string() }),
  role: z.object({ id: idSchema, name: z.string() }),
  team: z.object({ id: idSchema, name: z.string() }).nullable(),
  permissions: z.array(z.string()),
  system: z.object({ version: z.string(), region: z.string() }),
  /** This session may only change the password (and sign out) until it does. */
  passwordChangeRequired: z.boolean(),
});
export type Me = z.infer<typeof meSchema>;

// --- Administration ---
export const roleSchema = z.object({
  id: idSchema,
  name: z.string(),
  builtIn: z.boolean(),
  permissions: z.array(z.string()),
});
export type Role = z.infer<typeof roleSchema>;

export const teamSchema = z.object({ id: idSchema, name: z.string() });
export type Team = z.infer<typeof teamSchema>;

export const createTeamBodySchema = z.strictObject({ name: personNameSchema });

export const inviteUserBodySchema = z.strictObject({
  username: usernameSchema,
  email: emailSchema,
  firstName: personNameSchema,
  lastName: personNameSchema,
  roleId: idSchema,
  teamId: idSchema.nullable().optional(),
});
export type InviteUserBody = z.infer<typeof inviteUserBodySchema>;

export const invitationSummarySchema = z.object({
  id: idSchema,
  userId: idSchema,
  expiresAt: z.iso.datetime(),
});

export const inviteUserResponseSchema = z.object({
  user: z.object({ id: idSchema, username: z.string(), email: z.string(), status: z.string() }),
  invitation: invitationSummarySchema,
});

// --- Audit ---
export const auditEventSchema = z.object({
  id: idSchema,
  actorUserId: idSchema.nullable(),
  action: z.string(),
  result: z.enum(['success', 'failure']),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  occurredAt: z.iso.datetime(),
});
export type AuditEventView = z.infer<typeof auditEventSchema>;

export const auditQuerySchema = z.strictObject({
  userId: idSchema.optional(),
  action: z.string().max(64).regex(/^[a-zA-Z.]+$/).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  before: idSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const auditPageSchema = z.object({ items: z.array(auditEventSchema), nextCursor: idSchema.nullable() });

// --- Passwords ---
export const changePasswordBodySchema = z.strictObject({ currentPassword: passwordInput, newPassword: passwordInput });
export type ChangePasswordBody = z.infer<typeof changePasswordBodySchema>;

export const effectivePasswordPolicySchema = z.object({ passwordPolicy: passwordPolicySchema });

export const forgotPasswordBodySchema = z.strictObject({
  username: z.string().min(1).max(254).refine((value) => !value.includes('\u0000')),
});

export const resetPasswordBodySchema = z.strictObject({ token: tokenSchema, newPassword: passwordInput });
export type ResetPasswordBody = z.infer<typeof resetPasswordBodySchema>;

export const resetInfoSchema = z.object({
  username: z.string(),
  email: z.string(),
  expiresAt: z.iso.datetime(),
  passwordPolicy: passwordPolicySchema,
});
export type ResetInfo = z.infer<typeof resetInfoSchema>;

export const passwordPolicySettingsSchema = z.object({
  tenantPolicy: passwordPolicySchema,
  roles: z.array(z.object({ id: idSchema, name: z.string(), passwordPolicy: passwordPolicySchema.nullable() })),
  presets: z.array(z.object({ id: z.string(), name: z.string(), policy: passwordPolicySchema })),
});
export type PasswordPolicySettings = z.infer<typeof passwordPolicySettingsSchema>;

export const updateTenantPasswordPolicyBodySchema = z.strictObject({ passwordPolicy: passwordPolicySchema });
export const updateRolePasswordPolicyBodySchema = z.strictObject({ passwordPolicy: passwordPolicySchema.nullable() });

import { z } from 'zod';
import { displayText, emailSchema, idSchema, passwordInput, personNameSchema, singleLine, teamNameSchema, tokenSchema, usernameInput, usernameSchema } from './common.ts';
import { loginMfaChallengeSchema, loginMfaEnrolmentChallengeSchema } from './mfa.ts';
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
  username: usernameInput,
  password: passwordInput,
  /**
   * A one-time unlock code an administrator read out (supervisor-assisted unlock): with the right password
   * it lifts a lockout. Spaces, hyphens and case do not matter.
   */
  unlockCode: singleLine(32).optional(),
});
export type LoginBody = z.infer<typeof loginBodySchema>;

/** A sign-in that is complete: the session cookie is set. */
export const loginSuccessSchema = z.object({
  mfaRequired: z.literal(false),
  /** The password expired or no longer meets the policy: it must be changed before anything else. */
  passwordChangeRequired: z.boolean(),
  tenant: tenantRefSchema,
});
export type LoginSuccess = z.infer<typeof loginSuccessSchema>;

/**
 * `POST /api/v1/auth/login`: signed in (cookie set), or a second step is needed first (no cookie):
 * `{mfaRequired:true, challenge}` for an enrolled TOTP, `{mfaEnrolmentRequired:true, challenge}` when the
 * tenant's policy requires a factor the user has not enrolled (see mfa.ts).
 */
export const loginResponseSchema = z.union([loginSuccessSchema, loginMfaChallengeSchema, loginMfaEnrolmentChallengeSchema]);
export type LoginResponse = z.infer<typeof loginResponseSchema>;

/** `POST /api/v1/auth/login/mfa`: signed in; `recoveryCodes` only when this step enrolled the factor (shown once). */
export const loginMfaResponseSchema = loginSuccessSchema.extend({ recoveryCodes: z.array(z.string()).optional() });
export type LoginMfaResponse = z.infer<typeof loginMfaResponseSchema>;

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

export const createTeamBodySchema = z.strictObject({ name: teamNameSchema });

export const inviteUserBodySchema = z.strictObject({
  username: usernameSchema,
  email: emailSchema,
  firstName: personNameSchema,
  lastName: personNameSchema,
  roleId: idSchema,
  teamId: idSchema.nullable().optional(),
  /** The person signs in through single sign-on only: no password and no first-access link; an email tells them to sign in with SSO. */
  ssoOnly: z.boolean().optional(),
});
export type InviteUserBody = z.infer<typeof inviteUserBodySchema>;

export const invitationSummarySchema = z.object({
  id: idSchema,
  userId: idSchema,
  expiresAt: z.iso.datetime(),
});

export const inviteUserResponseSchema = z.object({
  user: z.object({ id: idSchema, username: z.string(), email: z.string(), status: z.string() }),
  /** The invitation issued; null for a user created with `ssoOnly`. */
  invitation: invitationSummarySchema.nullable(),
});

// --- Access keys (My Profile › Access Keys) and tokens ---
export const accessKeyStateSchema = z.enum(['active', 'inactive']);
export type AccessKeyState = z.infer<typeof accessKeyStateSchema>;

/** Access Key IDs are public: `LAK` and 20 characters of base32 (100 random bits). */
export const accessKeyIdSchema = z.string().regex(/^LAK[A-Z2-7]{20}$/, 'An Access Key ID is LAK followed by 20 characters A–Z and 2–7');
/** A presented secret: bounded before it is hashed, never logged. */
export const accessKeySecretInput = singleLine(256).min(1);

export const accessKeyDescriptionSchema = displayText(256);

export const accessKeySchema = z.object({
  id: idSchema,
  accessKeyId: z.string(),
  description: z.string().nullable(),
  state: accessKeyStateSchema,
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  lastUsedIp: z.string().nullable(),
  expiresAt: z.iso.datetime().nullable(),
});
export type AccessKey = z.infer<typeof accessKeySchema>;

/** The create answer: the only one that ever holds the Secret Access Key. */
export const createdAccessKeySchema = accessKeySchema.extend({ accessKeySecret: z.string() });
export type CreatedAccessKey = z.infer<typeof createdAccessKeySchema>;

export const accessKeyListSchema = z.object({ items: z.array(accessKeySchema), limit: z.int() });
export type AccessKeyList = z.infer<typeof accessKeyListSchema>;

export const createAccessKeyBodySchema = z.strictObject({
  description: accessKeyDescriptionSchema.optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type CreateAccessKeyBody = z.infer<typeof createAccessKeyBodySchema>;

export const updateAccessKeyBodySchema = z
  .strictObject({ state: accessKeyStateSchema.optional(), description: accessKeyDescriptionSchema.optional() })
  .refine((body) => body.state !== undefined || body.description !== undefined, { message: 'Give a state or a description' });
export type UpdateAccessKeyBody = z.infer<typeof updateAccessKeyBodySchema>;

export const adminAccessKeySchema = accessKeySchema.extend({ user: z.object({ id: idSchema, username: z.string() }) });
export const adminAccessKeyListSchema = z.object({ items: z.array(adminAccessKeySchema) });

export const adminUpdateAccessKeyBodySchema = z.strictObject({ state: accessKeyStateSchema });

/** `POST /authentication/v1/token/access-key` (SPEC §4a). */
export const accessKeyTokenBodySchema = z.strictObject({ accessKeyId: singleLine(64).min(1), accessKeySecret: accessKeySecretInput });
export type AccessKeyTokenBody = z.infer<typeof accessKeyTokenBodySchema>;

/** RFC 6749 §5.1 token answer, shared by both exchange endpoints. */
export const tokenResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.int(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;
export type AdminAccessKeyList = z.infer<typeof adminAccessKeyListSchema>;
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
  /**
   * Who acted, named as they are now: null when no person did (the system, an unknown username). `username` and `name` are null
   * when the person is no member of this tenant any more (a name is never read from another tenant).
   */
  actor: z.object({ id: idSchema, username: z.string().nullable(), name: z.string().nullable() }).nullable(),
  /** What it was done to (`targetType`/`targetId`), named as it is now in this tenant; `name` null when it is gone, another tenant's, or has no name (a session). */
  target: z.object({ type: z.string(), id: z.string(), name: z.string().nullable() }).nullable(),
});
export type AuditEventView = z.infer<typeof auditEventSchema>;

/** An instant to filter by: ISO 8601 in UTC, year 1 or later (PostgreSQL has no year 0 in ISO form). */
const auditInstantSchema = z.iso.datetime().refine((value) => !value.startsWith('0000'), { message: 'The year must be 1 or later' });

export const auditQuerySchema = z.strictObject({
  userId: idSchema.optional(),
  action: z.string().max(64).regex(/^[a-zA-Z.]+$/).optional(),
  from: auditInstantSchema.optional(),
  to: auditInstantSchema.optional(),
  result: z.enum(['success', 'failure']).optional(),
  before: idSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** `GET /api/v1/admin/audit-events/export`: every event matching the list's filters, streamed as CSV (default) or NDJSON. */
export const auditExportQuerySchema = auditQuerySchema.omit({ before: true, limit: true }).extend({ format: z.enum(['csv', 'ndjson']).default('csv') });
export type AuditExportQuery = z.input<typeof auditExportQuerySchema>;

export const auditPageSchema = z.object({ items: z.array(auditEventSchema), nextCursor: idSchema.nullable() });

// --- Passwords ---
export const changePasswordBodySchema = z.strictObject({ currentPassword: passwordInput, newPassword: passwordInput });
export type ChangePasswordBody = z.infer<typeof changePasswordBodySchema>;

/** `POST /api/v1/passwords/common-check`: the console's live check of the common-password rule. */
export const commonPasswordCheckBodySchema = z.strictObject({ password: passwordInput });
export type CommonPasswordCheckBody = z.infer<typeof commonPasswordCheckBodySchema>;
export const commonPasswordCheckSchema = z.object({
  /** The password (after NFKC normalisation, ignoring case) is on Lanyard's list of common and breached passwords. */
  common: z.boolean(),
});
export type CommonPasswordCheck = z.infer<typeof commonPasswordCheckSchema>;

export const effectivePasswordPolicySchema = z.object({
  passwordPolicy: passwordPolicySchema,
  /** When my password must be changed under this policy (its `expiryDays` after the last change); null when it never expires or I have no password. */
  passwordExpiresAt: z.iso.datetime().nullable(),
});

export const forgotPasswordBodySchema = z.strictObject({ username: usernameInput });

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

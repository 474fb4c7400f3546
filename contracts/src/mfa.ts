import { z } from 'zod';
import { idSchema, passwordInput, singleLine, tokenSchema } from './common.ts';

/**
 * Second factor (TOTP) and sessions: the shapes of SPEC §4b "Second factor (TOTP)" and "Sessions", shared
 * by the server (validation, OpenAPI) and the console.
 */

// --- TOTP ---

/** How often the code changes, in seconds ("The default value is 30"); 60 only where the tenant allows it. */
export const totpPeriodSchema = z.union([z.literal(30), z.literal(60)]);
export type TotpPeriod = z.infer<typeof totpPeriodSchema>;

/**
 * A secret typed by the person: Base32 of 16, 26 or 32 characters, spaces and lower case tolerated. The
 * shape is only bounded here; whether it is valid Base32 of an accepted length is judged by the server
 * (422 MFA_SECRET_INVALID), so the answer names the problem.
 */
export const totpSecretInput = singleLine(128);

/** A code as typed: six digits, or (at sign-in) one recovery code. Judged by the server (MFA_CODE_INVALID). */
export const mfaCodeInput = singleLine(64);

/** A sign-in challenge: the opaque single-use value of `{mfaRequired, challenge}`. */
export const mfaChallengeSchema = tokenSchema;

export const mfaStatusSchema = z.object({
  totp: z.object({
    enabled: z.boolean(),
    /** The period of the enabled factor; null when none is enabled. */
    period: totpPeriodSchema.nullable(),
    enrolledAt: z.iso.datetime().nullable(),
  }),
  recoveryCodesRemaining: z.int().min(0),
  /** The tenant's MFA policy requires a second factor of this user's role. */
  required: z.boolean(),
  /** The periods this user may choose when enrolling (extra field: the tenant's allowedPeriods). */
  allowedPeriods: z.array(totpPeriodSchema),
  /** Whether this user may set up a factor: the tenant's policy is not "off" (extra field). */
  available: z.boolean(),
});
export type MfaStatus = z.infer<typeof mfaStatusSchema>;

export const startTotpBodySchema = z.strictObject({
  currentPassword: passwordInput,
  secret: totpSecretInput.optional(),
  period: totpPeriodSchema.optional(),
});
export type StartTotpBody = z.infer<typeof startTotpBodySchema>;

/** The pending enrolment: the only answers that hold the secret. Nothing is active until a code confirms it. */
export const totpEnrolmentSchema = z.object({
  /** Base32, without padding or spaces. */
  secret: z.string(),
  otpauthUri: z.string(),
  /** The otpauth URI as an SVG QR code. */
  qrSvg: z.string(),
  period: totpPeriodSchema,
});
export type TotpEnrolment = z.infer<typeof totpEnrolmentSchema>;

export const confirmTotpBodySchema = z.strictObject({ code: mfaCodeInput });
export type ConfirmTotpBody = z.infer<typeof confirmTotpBodySchema>;

/** Ten single-use recovery codes, shown once. */
export const recoveryCodesSchema = z.object({ recoveryCodes: z.array(z.string()) });
export type RecoveryCodes = z.infer<typeof recoveryCodesSchema>;

export const currentPasswordBodySchema = z.strictObject({ currentPassword: passwordInput });
export type CurrentPasswordBody = z.infer<typeof currentPasswordBodySchema>;

// --- Sign-in second step ---

/** After a right password, when a TOTP is enrolled: no cookie yet. `mfaEnrolmentRequired` is an extra field. */
export const loginMfaChallengeSchema = z.object({
  mfaRequired: z.literal(true),
  mfaEnrolmentRequired: z.literal(false),
  challenge: z.string(),
});

/** After a right password, when the policy requires a factor and none is enrolled: enrol first, no cookie yet. */
export const loginMfaEnrolmentChallengeSchema = z.object({
  mfaRequired: z.literal(true),
  mfaEnrolmentRequired: z.literal(true),
  challenge: z.string(),
  /** The periods the enrolment may choose: the tenant's allowedPeriods (extra field). */
  allowedPeriods: z.array(totpPeriodSchema),
});

export const loginMfaBodySchema = z.strictObject({ challenge: mfaChallengeSchema, code: mfaCodeInput });
export type LoginMfaBody = z.infer<typeof loginMfaBodySchema>;

export const loginMfaEnrolmentBodySchema = z.strictObject({
  challenge: mfaChallengeSchema,
  secret: totpSecretInput.optional(),
  period: totpPeriodSchema.optional(),
});
export type LoginMfaEnrolmentBody = z.infer<typeof loginMfaEnrolmentBodySchema>;

// --- MFA policy (Administration › Security) ---

export const mfaPolicyModeSchema = z.enum(['off', 'optional', 'required']);
export type MfaPolicyMode = z.infer<typeof mfaPolicyModeSchema>;

export const mfaPolicySchema = z.strictObject({
  /** off: nobody can enrol (already enrolled users keep their factor); optional: anyone may; required: the roles named must. */
  mode: mfaPolicyModeSchema,
  /** Roles of this tenant whose members must use MFA; only with mode "required", and then at least one. */
  requiredRoleIds: z.array(idSchema).max(100),
  allowedPeriods: z.union([z.tuple([z.literal(30)]), z.tuple([z.literal(30), z.literal(60)])]),
});
export type MfaPolicy = z.infer<typeof mfaPolicySchema>;

export const defaultMfaPolicy: MfaPolicy = { mode: 'optional', requiredRoleIds: [], allowedPeriods: [30] };

// --- Sessions ---

export const sessionItemSchema = z.object({
  /** The session's row id: never the cookie value. */
  id: idSchema,
  current: z.boolean(),
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  /** The user agent read as "Chrome on Windows"; null when it says nothing recognisable (extra field). */
  device: z.string().nullable(),
});
export type SessionItem = z.infer<typeof sessionItemSchema>;

export const sessionListSchema = z.object({ items: z.array(sessionItemSchema) });
export type SessionList = z.infer<typeof sessionListSchema>;

export const sessionIdParamsSchema = z.strictObject({ id: idSchema });

import { z } from 'zod';
import { displayText, emailSchema, idSchema, passwordInput, singleLine, tokenSchema } from './common.ts';

/**
 * My Profile › Account, › Accessibility, the accessibility statement's feedback and Support and Downloads:
 * the shapes of SPEC §4b "Account, preferences, accessibility, downloads", shared by the server
 * (validation, OpenAPI) and the console.
 */

// --- Account details ---

/** WFM notifications: on/off and the minutes before a schedule change (1–120). */
export const wfmNotificationsSchema = z.object({
  enabled: z.boolean(),
  intervalMinutes: z.int().min(1).max(120),
});
export type WfmNotifications = z.infer<typeof wfmNotificationsSchema>;

export const accountSchema = z.object({
  username: z.string(),
  userId: idSchema,
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  /** The new address waiting for its confirmation link to be followed; null when none is pending. */
  pendingEmail: z.string().nullable(),
  location: z.string(),
  /** An IANA time zone (`Europe/Paris`); null until the person chooses one. */
  timeZone: z.string().nullable(),
  /** A BCP 47 language tag (`en-GB`); null until the person chooses one. */
  language: z.string().nullable(),
  defaultDialingPattern: z.string(),
  /** Null without `profile.wfmNotifications`. */
  wfmNotifications: wfmNotificationsSchema.nullable(),
  canEdit: z.object({ details: z.boolean(), defaultDialingPattern: z.boolean(), wfmNotifications: z.boolean() }),
});
export type Account = z.infer<typeof accountSchema>;

/**
 * `PATCH /api/v1/me/account`: any of the fields. The time zone and the language are only bounded here; whether
 * they are a real IANA zone and a well-formed BCP 47 tag is judged by the server (422 TIME_ZONE_INVALID,
 * LANGUAGE_INVALID), so the answer names the problem.
 */
export const accountPatchSchema = z
  .object({
    firstName: displayText(100).pipe(z.string().min(1)),
    lastName: displayText(100).pipe(z.string().min(1)),
    location: displayText(200),
    timeZone: singleLine(100).min(1),
    language: singleLine(100).min(1),
    defaultDialingPattern: singleLine(64),
    wfmNotifications: z.object({ enabled: z.boolean(), intervalMinutes: z.number() }),
  })
  .partial()
  .strict();
export type AccountPatch = z.infer<typeof accountPatchSchema>;

/** `POST /api/v1/me/email`. */
export const emailChangeBodySchema = z.object({ email: emailSchema, currentPassword: passwordInput }).strict();
export const emailChangeAcceptedSchema = z.object({ pendingEmail: z.string(), expiresAt: z.iso.datetime() });
/** `POST /api/v1/me/email/confirm`. */
export const emailConfirmBodySchema = z.object({ token: tokenSchema }).strict();

// --- Preferences ---

export const textSizes = ['default', 'large', 'larger'] as const;
export const textSizeSchema = z.enum(textSizes);
export type TextSize = z.infer<typeof textSizeSchema>;

export const toastDurationMinSeconds = 1;
export const toastDurationMaxSeconds = 10;
export const toastDurationDefaultSeconds = 3;

export const preferencesSchema = z.object({
  /** Whole seconds from 1 to 10, default 3; a hovered or focused toast stays up to 30 seconds. */
  toastDurationSeconds: z.int().min(toastDurationMinSeconds).max(toastDurationMaxSeconds),
  reducedMotion: z.boolean(),
  highContrast: z.boolean(),
  textSize: textSizeSchema,
});
export type Preferences = z.infer<typeof preferencesSchema>;

export const defaultPreferences: Preferences = { toastDurationSeconds: toastDurationDefaultSeconds, reducedMotion: false, highContrast: false, textSize: 'default' };

/** `PUT /api/v1/me/preferences`: the duration is judged by the server (422 PREFERENCES_INVALID), anything else by its shape. */
export const preferencesBodySchema = z
  .object({ toastDurationSeconds: z.number(), reducedMotion: z.boolean(), highContrast: z.boolean(), textSize: textSizeSchema })
  .strict();

// --- Accessibility feedback ---

/** Several lines people type: tabs and line breaks kept, every other control character and lone surrogates refused. */
const feedbackText = z
  .string()
  .trim()
  .min(1)
  .max(4000)
  // eslint-disable-next-line no-control-regex -- the control characters are what is refused
  .refine((value) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff]/u.test(value), {
    message: 'Must not contain control characters or unpaired surrogates',
  });

export const accessibilityFeedbackBodySchema = z
  .object({
    message: feedbackText,
    page: singleLine(500).optional(),
    contactEmail: emailSchema.optional(),
    /**
     * Signed out: the tenant the feedback is for (the console sends the tenant of the pages the person came
     * from, else the one last signed in to); absent, the deployment's first tenant. Ignored when signed in.
     */
    tenantId: idSchema.optional(),
  })
  .strict();
export type AccessibilityFeedbackBody = z.infer<typeof accessibilityFeedbackBodySchema>;

export const accessibilityFeedbackSchema = z.object({
  id: idSchema,
  tenantId: idSchema.nullable(),
  message: z.string(),
  page: z.string().nullable(),
  contactEmail: z.string().nullable(),
  /** The signed-in person who sent it; null when sent signed out. */
  userId: idSchema.nullable(),
  username: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type AccessibilityFeedback = z.infer<typeof accessibilityFeedbackSchema>;
export const accessibilityFeedbackListSchema = z.object({ items: z.array(accessibilityFeedbackSchema), nextCursor: z.string().nullable() });
export const accessibilityFeedbackQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: singleLine(200).optional(),
});

// --- Downloads ---

export const downloadPlatformSchema = singleLine(50).trim().pipe(z.string().min(1));

/** The file name a download is saved as: no path, no separators, no `..`; judged by the server (422 DOWNLOAD_FILE_NAME_INVALID). */
export const downloadFileNameInput = singleLine(200).min(1);

export const downloadSchema = z.object({
  id: idSchema,
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  fileName: z.string(),
  /** Null until a file is uploaded. */
  sizeBytes: z.int().min(0).nullable(),
  sha256: z.string().nullable(),
  instructionsUrl: z.string().nullable(),
  /** Null until a file is uploaded. */
  downloadUrl: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Download = z.infer<typeof downloadSchema>;
export const downloadListSchema = z.object({ items: z.array(downloadSchema) });

const instructionsUrlInput = singleLine(2000).pipe(z.url({ protocol: /^https?$/ }));

export const downloadCreateSchema = z
  .object({
    name: displayText(100).pipe(z.string().min(1)),
    version: singleLine(50).trim().pipe(z.string().min(1)),
    platform: downloadPlatformSchema,
    instructionsUrl: instructionsUrlInput.nullable().optional(),
    fileName: downloadFileNameInput.optional(),
  })
  .strict();
export type DownloadCreate = z.infer<typeof downloadCreateSchema>;
export const downloadPatchSchema = downloadCreateSchema.partial().strict();
export type DownloadPatch = z.infer<typeof downloadPatchSchema>;

export const downloadUploadedSchema = z.object({ sizeBytes: z.int().min(0), sha256: z.string() });

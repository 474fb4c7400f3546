import { z } from 'zod';
import { displayText, emailSchema, idSchema, personNameSchema, roleNameSchema, teamNameSchema } from './common.ts';

/**
 * Administration shapes (SPEC §4b "Administration"): the user directory, user actions, bulk import,
 * roles, teams and the tenant's security policies. Shared by the server (validation, OpenAPI) and the
 * console.
 */

// --- The user directory ---

/** Derived in one place on the server (never stored): see the users domain. Labels live in the console's catalogue. */
export const userStatuses = ['pending_invite', 'invited', 'invitation_expired', 'enabled', 'disabled', 'sso_only'] as const;
export const adminUserStatusSchema = z.enum(userStatuses);
export type AdminUserStatus = z.infer<typeof adminUserStatusSchema>;

/** An opaque keyset cursor: the server encodes the sort key of the last row answered (base64url; a key can be a 254-character email in any script, hence the length). */
export const userCursorSchema = z.string().min(1).max(2048).regex(/^[A-Za-z0-9_-]+$/);

export const adminUsersQuerySchema = z.strictObject({
  /** Prefix of the username, email, first or last name; case- and accent-insensitive. */
  q: displayText(100).optional(),
  roleId: idSchema.optional(),
  teamId: idSchema.optional(),
  status: adminUserStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: userCursorSchema.optional(),
});
export type AdminUsersQuery = z.input<typeof adminUsersQuerySchema>;

export const adminUserSummarySchema = z.object({
  id: idSchema,
  username: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  role: z.object({ id: idSchema, name: z.string() }),
  team: z.object({ id: idSchema, name: z.string() }).nullable(),
  status: adminUserStatusSchema,
  /** Set while the account is locked out (wrong passwords or codes); null otherwise. */
  lockedUntil: z.iso.datetime().nullable(),
});
export type AdminUserSummary = z.infer<typeof adminUserSummarySchema>;

export const adminUsersPageSchema = z.object({ items: z.array(adminUserSummarySchema), nextCursor: userCursorSchema.nullable() });
export type AdminUsersPage = z.infer<typeof adminUsersPageSchema>;

export const passwordLoginSettingSchema = z.enum(['tenant', 'enabled', 'disabled']);

export const adminUserMembershipSchema = z.object({
  tenant: z.object({ id: idSchema, name: z.string() }),
  role: z.object({ id: idSchema, name: z.string() }),
  team: z.object({ id: idSchema, name: z.string() }).nullable(),
  isDefault: z.boolean(),
});

export const adminUserDetailSchema = adminUserSummarySchema.extend({
  createdAt: z.iso.datetime(),
  /** The invitation in force, if the person has not accepted one yet. */
  invitation: z.object({ expiresAt: z.iso.datetime() }).nullable(),
  memberships: z.array(adminUserMembershipSchema),
  mfa: z.object({ enabled: z.boolean(), enrolledAt: z.iso.datetime().nullable() }),
  /** Linked OpenID Connect identities (empty until single sign-on exists). */
  identityLinks: z.array(z.object({ id: idSchema, providerName: z.string(), linkedAt: z.iso.datetime() })),
  /** This member's password sign-in override here: `tenant` (the tenant's login methods decide), `enabled` or `disabled`. */
  passwordLogin: passwordLoginSettingSchema,
  /**
   * Failed sign-ins of the account: `count`, the wrong passwords or codes counted in the current lockout window (reset by a
   * successful sign-in or an unlock, none once a lock has lapsed); `lastAt`, when the last sign-in failed for any reason, or null.
   */
  failedAttempts: z.object({ count: z.int().min(0), lastAt: z.iso.datetime().nullable() }),
  sessionsCount: z.int().min(0),
  /** The member's own presence reason list in this tenant; null: the tenant default applies (if there is one). */
  presenceReasonList: z.object({ id: idSchema, name: z.string() }).nullable(),
  /** The tenant that manages the account as a whole (SPEC §3.12); null when it is another tenant, which this one may not name. */
  homeTenant: z.object({ id: idSchema, name: z.string() }).nullable(),
  /** Whether this tenant manages the account as a whole: password and MFA resets, unlock codes, identity links, email, the account's status. */
  managedHere: z.boolean(),
  /**
   * What the signed-in administrator may do to this person here: `membership` (role, team, presence reason list, status of the
   * membership, removal) needs every permission the person holds here; `account` needs that and `managedHere` as well.
   */
  allowedActions: z.object({ membership: z.boolean(), account: z.boolean() }),
});
export type AdminUserDetail = z.infer<typeof adminUserDetailSchema>;

export const adminUpdateUserBodySchema = z
  .strictObject({
    roleId: idSchema,
    teamId: idSchema.nullable(),
    presenceReasonListId: idSchema.nullable(),
    status: z.enum(['enabled', 'disabled']),
    passwordLogin: passwordLoginSettingSchema,
    /** Names and email are the account's: only the home tenant changes them (else 403 ACCOUNT_MANAGED_ELSEWHERE). Names change at once. */
    firstName: personNameSchema,
    lastName: personNameSchema,
    /** A new address is confirmed by the person, exactly as in My Account: a link goes to it, a notice to the current one. */
    email: emailSchema,
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'Name at least one field to change' });
export type AdminUpdateUserBody = z.infer<typeof adminUpdateUserBodySchema>;

/** `GET /api/v1/admin/users/{userId}/sessions`: the person's live console sessions in this tenant only, newest first. */
export const adminUserSessionSchema = z.object({
  /** The session's row id: never the cookie value. */
  id: idSchema,
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  /** The user agent read as "Chrome on Windows"; null when it says nothing recognisable (extra field). */
  device: z.string().nullable(),
  /** Always the tenant asking: a session the person has in another tenant is never listed. */
  tenantId: idSchema,
});
export type AdminUserSession = z.infer<typeof adminUserSessionSchema>;
export const adminUserSessionListSchema = z.object({ items: z.array(adminUserSessionSchema) });
export type AdminUserSessionList = z.infer<typeof adminUserSessionListSchema>;

/** Supervisor-assisted unlock: a one-time code an administrator reads out to a locked-out agent. */
export const unlockCodeSchema = z.object({ code: z.string(), expiresAt: z.iso.datetime() });
export type UnlockCode = z.infer<typeof unlockCodeSchema>;

// --- Bulk invitation from CSV ---

/** The header a CSV import must start with, in this order. */
export const userImportHeader = ['username', 'email', 'firstName', 'lastName', 'role', 'team'] as const;

/** Largest CSV body `POST /api/v1/admin/users/import` accepts (64 MiB), and most data rows in one file. */
export const userImportMaxBytes = 64 * 1024 * 1024;
export const userImportMaxRows = 200_000;

export const importJobAcceptedSchema = z.object({ jobId: idSchema });

export const importRowReportSchema = z.object({
  /** The line of the file where the row starts, the header being line 1. */
  line: z.int().min(1),
  /** The username cell as given (cut to 256 characters), for the report. */
  username: z.string(),
  outcome: z.enum(['invited', 'failed']),
  /** Why the row failed: an error code, and the column at fault when one is (IMPORT_ROW_INVALID). */
  error: z.object({ code: z.string(), field: z.enum(userImportHeader).optional() }).nullable(),
});
export type ImportRowReport = z.infer<typeof importRowReportSchema>;

/** `GET /api/v1/admin/users/import/{jobId}`: the job's progress and one page of its processed rows, in line order. */
export const importJobQuerySchema = z.strictObject({
  /** Only rows with this outcome (the console shows the failed ones). */
  outcome: z.enum(['invited', 'failed']).optional(),
  /** Rows after this line (the `nextCursor` of the previous answer). */
  cursor: z.coerce.number().int().min(1).max(10_000_000).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type ImportJobQuery = z.input<typeof importJobQuerySchema>;

export const importJobSchema = z.object({
  state: z.enum(['running', 'done']),
  total: z.int().min(0),
  processed: z.int().min(0),
  succeeded: z.int().min(0),
  failed: z.int().min(0),
  /** At most `limit` processed rows (default 100, at most 1,000); the full report is `…/report.csv`. */
  rows: z.array(importRowReportSchema),
  /** The line to pass as `cursor` for the next page of rows; null when this page is the last so far. */
  nextCursor: z.int().min(1).nullable(),
});
export type ImportJob = z.infer<typeof importJobSchema>;

// --- Roles and teams ---

export const roleBodySchema = z.strictObject({
  name: roleNameSchema,
  permissions: z.array(z.string().max(64)).max(64),
});
export type RoleBody = z.infer<typeof roleBodySchema>;

export const updateRoleBodySchema = roleBodySchema.partial().refine((body) => Object.keys(body).length > 0, {
  message: 'Name at least one field to change',
});

export const teamWithCountSchema = z.object({ id: idSchema, name: z.string(), membersCount: z.int().min(0) });

export const updateTeamBodySchema = z.strictObject({ name: teamNameSchema });

// --- Security policies beside the password policy ---

export const sessionPolicySchema = z.strictObject({
  /** Minutes without a request before a console session ends (1 minute to 24 hours; default 30). */
  idleMinutes: z.int().min(1).max(1440),
  /** Hours after sign-in when a session ends whatever happens (1 hour to 30 days; default 12). */
  absoluteHours: z.int().min(1).max(720),
});
export type SessionPolicy = z.infer<typeof sessionPolicySchema>;

export const accessKeyPolicySchema = z.strictObject({
  /** Keys per user per tenant (default 5). */
  maxPerUser: z.int().min(1).max(100),
  /** Days a new key lives at most; null = no limit (the default). */
  maxKeyLifetimeDays: z.int().min(1).max(3650).nullable(),
  /** Lifetime of access tokens issued for the tenant's keys (default 15; at most 60, so retired signing keys can be unpublished). */
  tokenLifetimeMinutes: z.int().min(1).max(60),
});
export type AccessKeyPolicy = z.infer<typeof accessKeyPolicySchema>;

export const invitationPolicySchema = z.strictObject({ lifetimeHours: z.int().min(1).max(168) });
export type InvitationPolicy = z.infer<typeof invitationPolicySchema>;

export const lockoutPolicySchema = z.strictObject({
  /** Wrong passwords or codes in a row before the account locks (default 6). */
  maxFailures: z.int().min(1).max(100),
  /** How long a lockout lasts (default 30). */
  lockMinutes: z.int().min(1).max(1440),
});
export type LockoutPolicy = z.infer<typeof lockoutPolicySchema>;

/** The tenant's login methods: password sign-in Enabled, or Disabled (SSO only); a member's override is PATCH admin users `passwordLogin`. */
export const loginMethodsSchema = z.strictObject({ passwordLogin: z.enum(['enabled', 'disabled']) });
export type LoginMethods = z.infer<typeof loginMethodsSchema>;

/**
 * The one catalogue of error codes Lanyard answers with. Append-only: a code is never renamed or reused,
 * because clients and documentation depend on it. `docs/errors.md` is kept identical by a test.
 */
export const errorCodes = {
  // Request shape
  VALIDATION_FAILED: { status: 400, message: 'The request does not match the expected shape.' },
  MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body has an unsupported content type.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route.' },

  // Authentication and sessions
  AUTH_REQUIRED: { status: 401, message: 'Sign in to continue.' },
  AUTH_SESSION_EXPIRED: { status: 401, message: 'Your session has expired. Sign in again.' },
  AUTH_INVALID_CREDENTIALS: { status: 401, message: 'The username or password is incorrect.' },
  CSRF_REJECTED: { status: 403, message: 'The request did not come from the Lanyard console.' },
  PERMISSION_DENIED: { status: 403, message: 'You do not have permission to do this.' },

  // Invitations and first access
  INVITATION_NOT_FOUND: { status: 404, message: 'This invitation link is not valid.' },
  INVITATION_EXPIRED: { status: 410, message: 'This invitation link has expired. Ask your administrator for a new one.' },
  INVITATION_USED: { status: 410, message: 'This invitation link has already been used.' },
  INVITATION_REVOKED: { status: 410, message: 'This invitation link was replaced by a newer one.' },
  INVITATION_NOT_PENDING: { status: 409, message: 'This user has already accepted their invitation.' },

  // Passwords
  PASSWORD_POLICY_VIOLATED: { status: 422, message: 'The password does not meet the password rules.' },
  PASSWORD_POLICY_INVALID: { status: 422, message: 'The password policy is not consistent (for example, the minimum length exceeds the maximum).' },
  CURRENT_PASSWORD_INCORRECT: { status: 403, message: 'The current password is incorrect.' },
  ACCOUNT_LOCKED: { status: 403, message: 'Too many wrong passwords: your account is locked for a while. Try again later, or reset your password.' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, message: 'Change your password to continue.' },
  RESET_LINK_NOT_FOUND: { status: 404, message: 'This password reset link is not valid.' },
  RESET_LINK_EXPIRED: { status: 410, message: 'This password reset link has expired. Request a new one.' },
  RESET_LINK_USED: { status: 410, message: 'This password reset link has already been used.' },

  // Directory
  TENANT_NOT_FOUND: { status: 404, message: 'No such tenant.' },
  TENANT_NAME_TAKEN: { status: 409, message: 'A tenant with this name already exists.' },
  USER_NOT_FOUND: { status: 404, message: 'No such user.' },
  USERNAME_TAKEN: { status: 409, message: 'This username is already in use.' },
  USER_NOT_ACTIVE: { status: 409, message: 'This user has not activated their account or is disabled.' },
  ROLE_NOT_FOUND: { status: 404, message: 'No such role.' },
  ROLE_NOT_GRANTABLE: { status: 403, message: 'You can only grant a role with the same or fewer permissions than your own.' },
  TEAM_NOT_FOUND: { status: 404, message: 'No such team.' },
  TEAM_NAME_TAKEN: { status: 409, message: 'A team with this name already exists.' },

  // Access keys and tokens
  ACCESS_KEY_NOT_FOUND: { status: 404, message: 'No such access key.' },
  ACCESS_KEY_LIMIT_REACHED: { status: 409, message: 'You have reached the maximum number of access keys. Delete one to add another.' },
  ACCESS_KEY_INVALID_CREDENTIALS: { status: 401, message: 'The access key ID or secret access key is incorrect, or the key is not active.' },
  ACCESS_KEY_EXPIRY_INVALID: { status: 422, message: 'The expiry date must be in the future.' },
  TOKEN_INVALID: { status: 401, message: 'The access token is invalid, expired or revoked.' },
  OAUTH_INVALID_REQUEST: { status: 400, message: 'The OAuth request is malformed: a parameter is missing or repeated, or the client authenticated twice.' },
  OAUTH_UNSUPPORTED_GRANT_TYPE: { status: 400, message: 'Only grant_type=client_credentials is supported.' },
  // Abuse protection
  RATE_LIMITED: { status: 429, message: 'Too many requests. Wait a moment and try again.' },

  // Service
  SERVICE_OVERLOADED: { status: 503, message: 'Lanyard is busy. Try again in a moment.' },
  SERVICE_NOT_READY: { status: 503, message: 'Lanyard is not ready to serve requests.' },
  SERVICE_OUTCOME_UNKNOWN: { status: 503, message: 'The request may or may not have been applied; check before retrying.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side.' },

  // Request shape, answered before any route is found (appended later)
  URI_TOO_LONG: { status: 414, message: 'A part of the request path is too long.' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large.' },
  MALFORMED_URL: { status: 400, message: 'The request path is not valid: it holds invalid percent-encoding.' },
  MALFORMED_REQUEST: { status: 400, message: 'The request is not valid HTTP.' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request took too long to arrive.' },

  // Administration: user directory and user actions (issue 11)
  LAST_ADMINISTRATOR: { status: 409, message: 'This would leave the tenant without an enabled Administrator.' },
  CANNOT_DISABLE_SELF: { status: 409, message: 'You cannot disable your own account.' },
  PRESENCE_REASON_LIST_NOT_FOUND: { status: 404, message: 'No such presence reason list.' },
  USER_CURSOR_INVALID: { status: 400, message: 'This page cursor is not valid for this list. Start again from the first page.' },

  // Administration: roles, teams and security policies (issue 11)
  PERMISSION_UNKNOWN: { status: 422, message: 'A permission is not in the permission catalogue.' },
  ROLE_NAME_TAKEN: { status: 409, message: 'A role with this name already exists.' },
  ROLE_BUILT_IN: { status: 409, message: 'Built-in roles cannot be deleted or renamed.' },
  ROLE_ADMINISTRATOR_FIXED: { status: 409, message: 'The Administrator role always holds every permission.' },
  ROLE_IN_USE: { status: 409, message: 'This role is assigned to members. Give them another role first.' },
  SECURITY_POLICY_INVALID: { status: 422, message: 'The policy is not consistent (for example, the idle timeout is longer than the absolute session lifetime).' },
  ACCESS_KEY_EXPIRY_TOO_LATE: { status: 422, message: "The expiry date is later than the tenant's maximum access-key lifetime allows." },

  // Administration: bulk import and audit export (issue 11)
  IMPORT_HEADER_INVALID: { status: 422, message: 'The first line of the file must be exactly: username,email,firstName,lastName,role,team.' },
  IMPORT_CSV_MALFORMED: { status: 422, message: 'The file is not valid CSV in UTF-8 (for example, a quote is never closed or a line is far too long).' },
  IMPORT_TOO_MANY_ROWS: { status: 413, message: 'The file has more rows than one import may hold. Split it into smaller files.' },
  IMPORT_JOB_NOT_FOUND: { status: 404, message: 'No such import.' },
  IMPORT_ROW_COLUMNS: { status: 422, message: 'This row does not have the six columns of the header.' },
  IMPORT_ROW_INVALID: { status: 422, message: 'A value in this row does not meet the rules for that column.' },
  IMPORT_DUPLICATE_USERNAME: { status: 409, message: 'This username appears on an earlier row of the same file.' },

  // Second factor and sessions (issue 12)
  // One code, one meaning: a wrong code is 422 where a signed-in person confirms an enrolment, and 401 at
  // sign-in, where it refuses a credential (SPEC §4b). `alsoStatus` lists the statuses a code may answer
  // besides its own; the route that answers another status names it (AppError's `status` option).
  MFA_CODE_INVALID: { status: 422, alsoStatus: [401], message: 'The authentication code is not valid. Enter the current code from your authenticator app.' },
  MFA_REQUIRED_BY_POLICY: { status: 403, message: 'Your role must use multi-factor authentication, so it cannot be turned off.' },
  MFA_SECRET_INVALID: { status: 422, message: 'The secret must be Base32 (letters A–Z and digits 2–7) of 16, 26 or 32 characters.' },
  MFA_PERIOD_NOT_ALLOWED: { status: 422, message: 'Your organisation does not allow this code period.' },
  MFA_NOT_AVAILABLE: { status: 403, message: 'Multi-factor authentication is turned off for your organisation.' },
  MFA_ALREADY_ENABLED: { status: 409, message: 'Multi-factor authentication is already on. Turn it off first to set up another authenticator.' },
  MFA_NOT_ENROLLED: { status: 409, message: 'Multi-factor authentication is not set up for this account.' },
  MFA_CHALLENGE_INVALID: { status: 401, message: 'This sign-in step has expired or was already used. Sign in again.' },
  MFA_POLICY_INVALID: { status: 422, message: 'The MFA policy is not consistent: mode "required" needs at least one role, and only it may name roles.' },
  SESSION_NOT_FOUND: { status: 404, message: 'No such session.' },
  // Contact-center sign-in, tenants, regions (issue 15)
  PRESENCE_REASON_LIST_REQUIRED: { status: 403, message: 'You need a Presence Reason list to sign in. Contact your administrator.' },
  PRESENCE_REASON_LIST_NAME_TAKEN: { status: 409, message: 'A presence reason list with this name already exists.' },
  PRESENCE_REASON_LIST_IN_USE: { status: 409, message: 'This presence reason list is assigned to users. Assign them another list first.' },
  PRESENCE_REASON_LIST_IS_DEFAULT: { status: 409, message: "This is the tenant's default presence reason list. Choose another default (or none) first." },
  TENANT_MEMBERSHIP_REQUIRED: { status: 403, message: 'You are not a member of this tenant.' },
  TENANT_IN_OTHER_REGION: { status: 421, message: "This tenant is served in another region. Use that region's console." },
  REGION_UNAVAILABLE: { status: 503, message: 'The region that serves this tenant cannot be reached right now. Try again in a moment.' },
  USER_ALREADY_MEMBER: { status: 409, message: 'This person is already a member of this tenant.' },
  // Account, preferences, accessibility feedback and downloads (issue 14)
  TIME_ZONE_INVALID: { status: 422, message: 'The time zone is not one Lanyard knows. Choose an IANA time zone such as Europe/Paris.' },
  LANGUAGE_INVALID: { status: 422, message: 'The language is not a valid BCP 47 language tag, such as en or en-GB.' },
  WFM_INTERVAL_INVALID: { status: 422, message: 'The WFM notification interval must be a whole number of minutes from 1 to 120.' },
  PREFERENCES_INVALID: { status: 422, message: 'The toast message duration must be a whole number of seconds from 1 to 10.' },
  EMAIL_UNCHANGED: { status: 422, message: 'This is already your email address.' },
  EMAIL_CHANGE_LINK_NOT_FOUND: { status: 404, message: 'This email confirmation link is not valid.' },
  EMAIL_CHANGE_LINK_EXPIRED: { status: 410, message: 'This email confirmation link has expired. Change your email again to get a new one.' },
  EMAIL_CHANGE_LINK_USED: { status: 410, message: 'This email confirmation link has already been used or was replaced by a newer one.' },
  DOWNLOAD_NOT_FOUND: { status: 404, message: 'No such download.' },
  DOWNLOAD_FILE_MISSING: { status: 404, message: 'No file has been uploaded for this download yet.' },
  DOWNLOAD_TOO_LARGE: { status: 413, message: 'The file is larger than this deployment accepts for downloads.' },
  DOWNLOAD_FILE_NAME_INVALID: { status: 422, message: 'The file name must be a plain name without folders, such as lanyard-setup-1.2.msi.' },
  RANGE_NOT_SATISFIABLE: { status: 416, message: 'The requested byte range is not within the file.' },

  // Single sign-on (OpenID Connect)
  IDENTITY_PROVIDER_NOT_FOUND: { status: 404, message: 'No such identity provider.' },
  IDENTITY_PROVIDER_INVALID: { status: 422, message: 'The identity provider settings are not consistent (for example, an email domain is already used by another provider).' },
  SSO_FAILED: { status: 401, message: 'Single sign-on did not succeed. Try again, or contact your administrator.' },
  SSO_NOT_AVAILABLE: { status: 422, message: 'Single sign-on is not set up for this username. Sign in with your password, or contact your administrator.' },
  IDENTITY_LINK_NOT_FOUND: { status: 404, message: 'No such linked identity provider.' },
  IDENTITY_LINK_LAST: { status: 409, message: 'This is your only way to sign in: it cannot be unlinked.' },
  // Switching tenants (issue 15)
  MFA_ENROLLMENT_REQUIRED: { status: 403, message: 'Your role in this tenant must use multi-factor authentication. Set it up to continue.' },
  MFA_CODE_REQUIRED: { status: 403, message: 'Your role in this tenant must use multi-factor authentication. Enter your authentication code to continue.' },
  // Tenant boundaries (issue 20, SPEC §3.12)
  ACCOUNT_MANAGED_ELSEWHERE: { status: 403, message: "This person's account is managed by another tenant. Here you can change only their membership: role, team, presence reason list and whether it is enabled." },
  MEMBERSHIP_INVITATION_NOT_FOUND: { status: 404, message: 'This invitation to join a tenant is no longer open.' },
  CANNOT_REMOVE_SELF: { status: 409, message: 'You cannot remove yourself from this tenant.' },
  EMAIL_DOMAIN_CLAIMED: { status: 409, message: 'Another tenant of this deployment already claims this email domain for single sign-on.' },
} as const satisfies Record<string, { status: number; alsoStatus?: readonly number[]; message: string }>;

export type ErrorCode = keyof typeof errorCodes;

/** Every HTTP status a code may answer with: its own, and those it declares in `alsoStatus`. */
export function statusesOf(code: ErrorCode): readonly number[] {
  const entry: { status: number; alsoStatus?: readonly number[] } = errorCodes[code];
  return [entry.status, ...(entry.alsoStatus ?? [])];
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCodes, value);
}

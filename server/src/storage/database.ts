import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Table types, the single source of truth for what Kysely may read and write. */

type Timestamp = ColumnType<Date, Date, Date>;
type Json<T> = ColumnType<T, string, string>;

export interface TenantsTable {
  id: string;
  name: string;
  name_canonical: string;
  home_region: string;
  settings: Json<unknown>;
  created_at: Timestamp;
}

export interface RolesTable {
  id: string;
  tenant_id: string;
  name: string;
  name_canonical: string;
  built_in: boolean;
  permissions: string[];
  /** A password policy that overrides the tenant's for members of this role; null = the tenant's. */
  password_policy: Json<unknown> | null;
  created_at: Timestamp;
}

export interface TeamsTable {
  id: string;
  tenant_id: string;
  name: string;
  name_canonical: string;
  created_at: Timestamp;
}

export type UserStatus = 'invited' | 'active' | 'disabled';

export interface UsersTable {
  id: string;
  username: string;
  username_canonical: string;
  email: string;
  first_name: string;
  last_name: string;
  status: UserStatus;
  default_tenant_id: string;
  /** The tenant whose administrators manage the account as a whole (SPEC §3.12): the one that created it. */
  home_tenant_id: string;
  /** Signs in through single sign-on only: no password, no first-access link. */
  sso_only: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A user's password (passwords/) and its lockout counters (lockout/; ADR 0007, 0011); a user signing in through SSO only has no row. */
export interface PasswordCredentialsTable {
  user_id: string;
  password_hash: string | null;
  password_changed_at: Timestamp | null;
  password_must_change: Generated<boolean>;
  failed_login_count: Generated<number>;
  locked_until: Timestamp | null;
  /** Password verifications that hold a slot of the lockout window now (lockout/lockout-repo.ts, ADR 0009). */
  attempts_in_flight: Generated<number>;
  /** When the slots in flight lapse (held by an instance that stopped): they count only until then. */
  in_flight_until: Timestamp | null;
}

export interface MembershipsTable {
  tenant_id: string;
  user_id: string;
  role_id: string;
  team_id: string | null;
  created_at: Timestamp;
  /** Search keys of the user's username, email and names (kernel/search-key.ts), maintained on write by the users domain. */
  username_key: Generated<string>;
  email_key: Generated<string>;
  first_name_key: Generated<string>;
  last_name_key: Generated<string>;
  /** The user's status without time (users/users.ts `statusBase`); the directory derives the rest with the clock. */
  status_base: Generated<MembershipStatusBase>;
  /** When the invitation in force expires; null while none has been issued (Pending Invite) and after acceptance. */
  invitation_expires_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The per-user password sign-in override in this tenant. */
  password_login: Generated<PasswordLoginSetting>;
  /** The member's own presence reason list (null: the tenant default applies). Written by the presence domain only. */
  presence_reason_list_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** This membership alone is disabled (by its tenant's administrators): no sign-in to, or switch into, this tenant. */
  disabled: Generated<boolean>;
}

/** An administrator's invitation for an existing account to join their tenant; the membership exists once the person accepts it (SPEC §3.12). */
export interface MembershipInvitationsTable {
  id: string;
  tenant_id: string;
  user_id: string;
  role_id: string;
  team_id: string | null;
  invited_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  declined_at: Timestamp | null;
}

export type MembershipStatusBase = 'invited' | 'enabled' | 'disabled' | 'sso_only';
export type PasswordLoginSetting = 'tenant' | 'enabled' | 'disabled';

export interface SessionsTable {
  id: string;
  token_hash: Uint8Array;
  user_id: string;
  tenant_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  absolute_expires_at: Timestamp;
  idle_timeout_seconds: number;
  ip: string | null;
  user_agent: string | null;
  password_change_required: boolean;
  /** Opened after a second factor (a TOTP or recovery code at the sign-in's second step). */
  second_factor: Generated<boolean>;
}

export interface OutboxMessagesTable {
  id: string;
  tenant_id: string | null;
  template: string;
  recipient: string;
  subject: string;
  /**
   * The text and HTML bodies, sealed together with AES-256-GCM (mail/sealed-body.ts); null once the
   * message was delivered or given up (only its metadata stays, for the audit), and for a message queued
   * before migration 0018 until the delivery worker has sealed it (outbox_bodies_to_seal).
   */
  body_sealed: Uint8Array | null;
  created_at: Timestamp;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  sent_at: Timestamp | null;
  last_error: string | null;
  /** Set when the message will never be sent: a permanent SMTP rejection, or retries ran out. */
  failed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The claim of the worker currently sending it; only that worker records the outcome. */
  lease_id: Generated<string | null>;
}

/**
 * The plaintext bodies of messages that were waiting when migration 0018 ran (SQL cannot seal them); each
 * delivery worker seals what it finds here before its first delivery and deletes the row.
 */
export interface OutboxBodiesToSealTable {
  outbox_id: string;
  text_body: string;
  html_body: string;
}

export interface AccessKeysTable {
  id: string;
  tenant_id: string;
  user_id: string;
  access_key_id: string;
  secret_hash: Uint8Array;
  description: string | null;
  state: 'active' | 'inactive';
  created_at: Timestamp;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  last_used_ip: string | null;
  /** Moves on at every deactivation; tokens name the version they were issued under (`akv`). */
  token_version: Generated<number>;
}

export interface SigningKeysTable {
  /** The JWK `kid`. */
  id: string;
  algorithm: string;
  public_jwk: Json<Record<string, unknown>>;
  /** PKCS#8 DER, AES-256-GCM under a key derived from the master key. */
  private_key_encrypted: Uint8Array;
  created_at: Timestamp;
  /** Set when a newer key takes over signing. */
  retired_at: Timestamp | null;
  /** After this the key is no longer published: every token it signed has expired. */
  publish_until: Timestamp | null;
}

export type AuditResult = 'success' | 'failure';

export interface AuditEventsTable {
  id: string;
  tenant_id: string | null;
  actor_user_id: string | null;
  action: string;
  result: AuditResult;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: Json<Record<string, unknown>>;
  occurred_at: Timestamp;
}

export interface PasswordHistoryTable {
  /** UUIDv7: orders entries even when two changes share a timestamp. */
  id: string;
  user_id: string;
  password_hash: string;
  created_at: Timestamp;
}

export interface SingleUseLinksTable {
  id: string;
  purpose: string;
  tenant_id: string;
  user_id: string;
  token_hash: Uint8Array;
  created_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  replaced_at: Timestamp | null;
  /** JSON; the database default is an empty object. */
  details: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface MfaTotpTable {
  user_id: string;
  secret_sealed: Uint8Array;
  period: number;
  created_at: Timestamp;
  confirmed_at: Timestamp | null;
  /** The last time step a code was accepted for; -1 before any. */
  last_used_step: Generated<number>;
}

export interface MfaRecoveryCodesTable {
  id: string;
  user_id: string;
  code_hash: Uint8Array;
  created_at: Timestamp;
  used_at: Timestamp | null;
}

export interface UserImportJobsTable {
  id: string;
  tenant_id: string;
  created_by: string | null;
  state: 'uploading' | 'running' | 'done';
  total: Generated<number>;
  processed: Generated<number>;
  succeeded: Generated<number>;
  failed: Generated<number>;
  lease_id: string | null;
  lease_until: Timestamp | null;
  created_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface UserImportRowsTable {
  job_id: string;
  /** The row's number in the file, the header being 1. */
  line: number;
  /** The username cell as given (cut), for the report. */
  username: string;
  /** The validated values of a pending row (null on a row refused while the file was read). */
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  role_id: string | null;
  team_id: string | null;
  state: 'pending' | 'invited' | 'failed';
  error_code: string | null;
  error_field: string | null;
  user_id: string | null;
}

export interface PresenceReasonListsTable {
  id: string;
  tenant_id: string;
  name: string;
  name_canonical: string;
  /** The reasons in their order: [{label}]. */
  reasons: ColumnType<{ label: string }[], string, string>;
  is_default: Generated<boolean>;
  created_at: Timestamp;
}

export interface PresenceMicrophoneTable {
  user_id: string;
  outcome: 'allowed' | 'blocked' | 'no-device';
  recorded_at: Timestamp;
}

export interface AccountSettingsTable {
  user_id: string;
  location: Generated<string>;
  time_zone: string | null;
  language: string | null;
  default_dialing_pattern: Generated<string>;
  wfm_enabled: Generated<boolean>;
  wfm_interval_minutes: Generated<number>;
  toast_duration_seconds: Generated<number>;
  reduced_motion: Generated<boolean>;
  high_contrast: Generated<boolean>;
  text_size: Generated<'default' | 'large' | 'larger'>;
  /** The address an email-change link will set; null when none is pending. */
  pending_email: string | null;
  pending_email_expires_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface AccessibilityFeedbackTable {
  id: string;
  /** Null for feedback sent signed out without naming a tenant. */
  tenant_id: string | null;
  user_id: string | null;
  message: string;
  page: string | null;
  contact_email: string | null;
  created_at: Timestamp;
}

export interface DownloadsTable {
  id: string;
  tenant_id: string;
  name: string;
  version: string;
  platform: string;
  file_name: string;
  instructions_url: string | null;
  /** bigint: pg answers it as a string. */
  size_bytes: string | number | null;
  sha256: string | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface IdentityProvidersTable {
  id: string;
  tenant_id: string;
  name: string;
  issuer: string;
  client_id: string;
  client_secret_sealed: Uint8Array;
  scopes: string[];
  email_domains: string[];
  button_label: string | null;
  is_default: boolean;
  auto_link_verified_email: boolean;
  /** What the provider's assertion must carry to count as a second factor (0017). */
  mfa_assurance: Json<MfaAssuranceColumn>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** `identity_providers.mfa_assurance`: amr / acr (OpenID Connect) and AuthnContextClassRef (SAML) values that count as a second factor. */
export interface MfaAssuranceColumn {
  amr?: string[];
  acr?: string[];
  authnContextClassRefs?: string[];
}

/** One row per email domain claimed by a provider: the primary key keeps a domain to one tenant of the deployment (0017). */
export interface IdentityProviderDomainsTable {
  domain: string;
  tenant_id: string;
  provider_id: string;
}

export interface IdentityLinksTable {
  id: string;
  tenant_id: string;
  user_id: string;
  provider_id: string;
  issuer: string;
  subject: string;
  email: string | null;
  linked_at: Timestamp;
}

export interface SsoFlowsTable {
  id: string;
  reference_hash: Uint8Array;
  purpose: 'sign-in' | 'link';
  /** Null for a sign-in that found no provider (it fails at the callback, 0017). */
  tenant_id: string | null;
  provider_id: string | null;
  user_id: string | null;
  state: string;
  nonce: string;
  code_verifier: string;
  return_to: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface Database {
  tenants: TenantsTable;
  roles: RolesTable;
  teams: TeamsTable;
  users: UsersTable;
  password_credentials: PasswordCredentialsTable;
  memberships: MembershipsTable;
  membership_invitations: MembershipInvitationsTable;
  sessions: SessionsTable;
  outbox_messages: OutboxMessagesTable;
  outbox_bodies_to_seal: OutboxBodiesToSealTable;
  access_keys: AccessKeysTable;
  signing_keys: SigningKeysTable;
  audit_events: AuditEventsTable;
  password_history: PasswordHistoryTable;
  single_use_links: SingleUseLinksTable;
  user_import_jobs: UserImportJobsTable;
  user_import_rows: UserImportRowsTable;
  mfa_totp: MfaTotpTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  presence_reason_lists: PresenceReasonListsTable;
  presence_microphone: PresenceMicrophoneTable;
  account_settings: AccountSettingsTable;
  accessibility_feedback: AccessibilityFeedbackTable;
  downloads: DownloadsTable;
  identity_providers: IdentityProvidersTable;
  identity_links: IdentityLinksTable;
  identity_provider_domains: IdentityProviderDomainsTable;
  sso_flows: SsoFlowsTable;
}

export type TenantRow = Selectable<TenantsTable>;
export type RoleRow = Selectable<RolesTable>;
export type TeamRow = Selectable<TeamsTable>;
export type UserRow = Selectable<UsersTable>;
export type MembershipRow = Selectable<MembershipsTable>;
export type NewUserRow = Insertable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type OutboxMessageRow = Selectable<OutboxMessagesTable>;
export type AccessKeyRow = Selectable<AccessKeysTable>;
export type SigningKeyRow = Selectable<SigningKeysTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type SingleUseLinkRow = Selectable<SingleUseLinksTable>;
export type UserImportJobRow = Selectable<UserImportJobsTable>;
export type UserImportRowRow = Selectable<UserImportRowsTable>;
export type MfaTotpRow = Selectable<MfaTotpTable>;
export type AccountSettingsRow = Selectable<AccountSettingsTable>;
export type AccessibilityFeedbackRow = Selectable<AccessibilityFeedbackTable>;
export type DownloadRow = Selectable<DownloadsTable>;

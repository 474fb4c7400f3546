import {
  accessKeySchema,
  adminAccessKeyListSchema,
  auditPageSchema,
  inviteUserResponseSchema,
  invitationSummarySchema,
  roleSchema,
  teamSchema,
  type AccessKey,
  type AdminAccessKeyList,
  type AccessKeyState,
  type Role,
  type Team,
} from '@lanyard/contracts/api';
import {
  accessKeyPolicySchema,
  adminUserDetailSchema,
  adminUsersPageSchema,
  importJobAcceptedSchema,
  importJobSchema,
  invitationPolicySchema,
  lockoutPolicySchema,
  sessionPolicySchema,
  unlockCodeSchema,
  type AccessKeyPolicy,
  type AdminUpdateUserBody,
  type AdminUserDetail,
  type AdminUsersPage,
  type AdminUserStatus,
  type ImportJob,
  type InvitationPolicy,
  type LockoutPolicy,
  type SessionPolicy,
  type UnlockCode,
} from '@lanyard/contracts/admin';
import { membershipInvitationSentSchema } from '@lanyard/contracts/tenancy';
import { apiBase, apiCommand, apiRequest, listOf, queryString, type ResponseSchema } from './client.ts';

/** Administration (SPEC §4b "Administration"): the console's calls, validated against the shared shapes. */

// --- Users ---

export interface UserFilters {
  q?: string | undefined;
  roleId?: string | undefined;
  teamId?: string | undefined;
  status?: AdminUserStatus | undefined;
}

export const usersQueryKey = ['admin', 'users'] as const;

export function listUsers(filters: UserFilters & { cursor?: string | undefined; limit?: number }, signal?: AbortSignal): Promise<AdminUsersPage> {
  return apiRequest(`/admin/users${queryString({ ...filters })}`, adminUsersPageSchema, { signal });
}

export function userQueryKey(userId: string) {
  return ['admin', 'users', 'detail', userId] as const;
}

export function fetchUser(userId: string, signal?: AbortSignal): Promise<AdminUserDetail> {
  return apiRequest(`/admin/users/${encodeURIComponent(userId)}`, adminUserDetailSchema, { signal });
}

export function updateUser(userId: string, body: AdminUpdateUserBody): Promise<void> {
  return apiCommand(`/admin/users/${encodeURIComponent(userId)}`, { method: 'PATCH', body });
}

/** Removes the person from this tenant (their account stays). */
export function removeUser(userId: string): Promise<void> {
  return apiCommand(`/admin/users/${encodeURIComponent(userId)}`, { method: 'DELETE' });
}

export interface InviteForm {
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  roleId: string;
  teamId: string | null;
  ssoOnly: boolean;
}

export function inviteUser(form: InviteForm) {
  const { ssoOnly, teamId, ...rest } = form;
  // `ssoOnly` is sent only when chosen, so the body stays the plain invitation otherwise.
  const body = { ...rest, teamId, ...(ssoOnly ? { ssoOnly: true } : {}) };
  return apiRequest('/admin/users', inviteUserResponseSchema, { method: 'POST', body });
}

/**
 * Add existing user: invites a person who has an account (by username, or an email only one account has) to join this tenant. The
 * answer is the same whether or not there is such a person; they become a member when they accept.
 */
export async function inviteExistingUser(body: { user: string; roleId: string; teamId: string | null }): Promise<void> {
  await apiRequest('/admin/users/memberships', membershipInvitationSentSchema, { method: 'POST', body });
}

export function resendInvitation(userId: string) {
  return apiRequest(`/admin/users/${encodeURIComponent(userId)}/invitation`, invitationSummarySchema, { method: 'POST' });
}

export function unlockUser(userId: string): Promise<void> {
  return apiCommand(`/admin/users/${encodeURIComponent(userId)}/unlock`, { method: 'POST' });
}

export function sendPasswordReset(userId: string): Promise<void> {
  return apiCommand(`/admin/users/${encodeURIComponent(userId)}/password-reset`, { method: 'POST' });
}

export function createUnlockCode(userId: string): Promise<UnlockCode> {
  return apiRequest(`/admin/users/${encodeURIComponent(userId)}/unlock-code`, unlockCodeSchema, { method: 'POST' });
}

// --- Bulk import ---

export function startImport(file: Blob): Promise<{ jobId: string }> {
  return apiRequest('/admin/users/import', importJobAcceptedSchema, { method: 'POST', rawBody: { contentType: 'text/csv', data: file } });
}

export function importJobQueryKey(jobId: string) {
  return ['admin', 'users', 'import', jobId] as const;
}

/** The job's progress and one page of its processed rows (`cursor`: the line after which to go on). */
export function fetchImportJob(jobId: string, page: { cursor?: number | undefined; limit?: number } = {}, signal?: AbortSignal): Promise<ImportJob> {
  return apiRequest(`/admin/users/import/${encodeURIComponent(jobId)}${queryString({ cursor: page.cursor, limit: page.limit })}`, importJobSchema, { signal });
}

/** The line to ask for the next page of report rows from, or null when there is none. */
export function nextReportLine(job: ImportJob): number | null {
  const value: unknown = (job as { nextCursor?: unknown }).nextCursor;
  return typeof value === 'number' ? value : null;
}

export function importReportUrl(jobId: string): string {
  return `${apiBase}/admin/users/import/${encodeURIComponent(jobId)}/report.csv`;
}

// --- Roles ---

export const rolesQueryKey = ['admin', 'roles'] as const;

export async function listRoles(signal?: AbortSignal): Promise<Role[]> {
  return (await apiRequest('/admin/roles', listOf(roleSchema), { signal })).items;
}

export function createRole(body: { name: string; permissions: string[] }): Promise<Role> {
  return apiRequest('/admin/roles', roleSchema, { method: 'POST', body });
}

export function updateRole(roleId: string, body: { name?: string; permissions?: string[] }): Promise<Role> {
  return apiRequest(`/admin/roles/${encodeURIComponent(roleId)}`, roleSchema, { method: 'PATCH', body });
}

export function deleteRole(roleId: string): Promise<void> {
  return apiCommand(`/admin/roles/${encodeURIComponent(roleId)}`, { method: 'DELETE' });
}

// --- Teams ---

export type TeamWithCount = Team & { membersCount: number | null };

/** The list answers `membersCount` (SPEC §4b); an older server without it shows no count. */
const teamWithCountSchema: ResponseSchema<TeamWithCount> = {
  safeParse(value) {
    const parsed = teamSchema.safeParse(value);
    if (!parsed.success) return parsed;
    const count = typeof value === 'object' && value !== null && 'membersCount' in value ? value.membersCount : undefined;
    if (count !== undefined && (typeof count !== 'number' || !Number.isInteger(count) || count < 0)) {
      return { success: false, error: { issues: ['membersCount is not a count'] } };
    }
    return { success: true, data: { ...parsed.data, membersCount: count ?? null } };
  },
};

export const teamsQueryKey = ['admin', 'teams'] as const;

export async function listTeams(signal?: AbortSignal): Promise<TeamWithCount[]> {
  return (await apiRequest('/admin/teams', listOf(teamWithCountSchema), { signal })).items;
}

export function createTeam(name: string): Promise<Team> {
  return apiRequest('/admin/teams', teamSchema, { method: 'POST', body: { name } });
}

export function renameTeam(teamId: string, name: string): Promise<void> {
  return apiCommand(`/admin/teams/${encodeURIComponent(teamId)}`, { method: 'PATCH', body: { name } });
}

export function deleteTeam(teamId: string): Promise<void> {
  return apiCommand(`/admin/teams/${encodeURIComponent(teamId)}`, { method: 'DELETE' });
}

// --- The tenant's access keys ---

export const tenantAccessKeysQueryKey = ['admin', 'access-keys'] as const;

export function listTenantAccessKeys(signal?: AbortSignal): Promise<AdminAccessKeyList> {
  return apiRequest('/admin/access-keys', adminAccessKeyListSchema, { signal });
}

export function setTenantAccessKeyState(id: string, state: AccessKeyState): Promise<AccessKey> {
  return apiRequest(`/admin/access-keys/${encodeURIComponent(id)}`, accessKeySchema, { method: 'PATCH', body: { state } });
}

export function deleteTenantAccessKey(id: string): Promise<void> {
  return apiCommand(`/admin/access-keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

// --- Audit log ---

export interface AuditFilters {
  userId?: string | undefined;
  action?: string | undefined;
  result?: 'success' | 'failure' | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export function auditQueryKey(filters: AuditFilters) {
  return ['admin', 'audit', filters] as const;
}

export function listAuditEvents(filters: AuditFilters & { before?: string | undefined; limit?: number }, signal?: AbortSignal) {
  return apiRequest(`/admin/audit-events${queryString({ ...filters })}`, auditPageSchema, { signal });
}

/** The export streams every matching row; the browser downloads it. */
export function auditExportUrl(filters: AuditFilters, format: 'csv' | 'ndjson'): string {
  return `${apiBase}/admin/audit-events/export${queryString({ format, ...filters })}`;
}

// --- Security policies beside the password policy ---

export const policyKinds = ['session', 'access-key', 'invitation', 'lockout'] as const;
export type PolicyKind = (typeof policyKinds)[number];

export interface Policies {
  session: SessionPolicy;
  'access-key': AccessKeyPolicy;
  invitation: InvitationPolicy;
  lockout: LockoutPolicy;
}

const policySchemas: { [K in PolicyKind]: ResponseSchema<Policies[K]> } = {
  session: sessionPolicySchema,
  'access-key': accessKeyPolicySchema,
  invitation: invitationPolicySchema,
  lockout: lockoutPolicySchema,
};

export function policyQueryKey(kind: PolicyKind) {
  return ['admin', 'security', `${kind}-policy`] as const;
}

export function fetchPolicy<K extends PolicyKind>(kind: K, signal?: AbortSignal): Promise<Policies[K]> {
  return apiRequest(`/admin/security/${kind}-policy`, policySchemas[kind], { signal });
}

export function savePolicy<K extends PolicyKind>(kind: K, policy: Policies[K]): Promise<void> {
  return apiCommand(`/admin/security/${kind}-policy`, { method: 'PUT', body: policy });
}

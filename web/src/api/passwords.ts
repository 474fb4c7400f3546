import {
  commonPasswordCheckSchema,
  effectivePasswordPolicySchema,
  passwordPolicySettingsSchema,
  resetInfoSchema,
  type PasswordPolicySettings,
  type ResetInfo,
} from '@lanyard/contracts/api';
import type { PasswordPolicy } from '@lanyard/contracts/password-policy';
import { apiCommand, apiRequest } from './client.ts';

// --- The signed-in person's own password ---

export const myPasswordPolicyQueryKey = ['my-password-policy'] as const;

/** The rules that apply to me: my role's override, else my tenant's policy. */
export async function fetchMyPasswordPolicy(signal?: AbortSignal): Promise<PasswordPolicy> {
  return (await fetchMyPasswordExpiry(signal)).passwordPolicy;
}

/** My policy and when my password expires under it (null: it never does, or I have no password). */
export function fetchMyPasswordExpiry(signal?: AbortSignal): Promise<{ passwordPolicy: PasswordPolicy; passwordExpiresAt: string | null }> {
  return apiRequest('/me/password-policy', effectivePasswordPolicySchema, { signal });
}

export function changeMyPassword(currentPassword: string, newPassword: string): Promise<void> {
  return apiCommand('/me/password', { method: 'POST', body: { currentPassword, newPassword } });
}

// --- The live checklist ---

/** Whether the server's list of common and breached passwords has this password (signed in or not). */
export async function isCommonPassword(password: string, signal?: AbortSignal): Promise<boolean> {
  const answer = await apiRequest('/passwords/common-check', commonPasswordCheckSchema, { method: 'POST', body: { password }, signal });
  return answer.common;
}

// --- Forgotten password ---

/** Always answers 202, whether or not the account exists (SPEC §3.3). */
export function requestPasswordReset(username: string): Promise<void> {
  return apiCommand('/auth/password/forgot', { method: 'POST', body: { username } });
}

export function resetQueryKey(token: string) {
  return ['password-reset', token] as const;
}

export function fetchPasswordReset(token: string, signal?: AbortSignal): Promise<ResetInfo> {
  return apiRequest(`/auth/password/reset/${encodeURIComponent(token)}`, resetInfoSchema, { signal });
}

export function resetPassword(token: string, newPassword: string): Promise<void> {
  return apiCommand('/auth/password/reset', { method: 'POST', body: { token, newPassword } });
}

// --- Administration › Security › Password policy ---

export const passwordPolicySettingsQueryKey = ['admin', 'security', 'password-policy'] as const;

export function fetchPasswordPolicySettings(signal?: AbortSignal): Promise<PasswordPolicySettings> {
  return apiRequest('/admin/security/password-policy', passwordPolicySettingsSchema, { signal });
}

export function saveTenantPasswordPolicy(passwordPolicy: PasswordPolicy): Promise<void> {
  return apiCommand('/admin/security/password-policy', { method: 'PUT', body: { passwordPolicy } });
}

/** `null` makes the role use the tenant policy again. */
export function saveRolePasswordPolicy(roleId: string, passwordPolicy: PasswordPolicy | null): Promise<void> {
  return apiCommand(`/admin/roles/${encodeURIComponent(roleId)}/password-policy`, { method: 'PUT', body: { passwordPolicy } });
}

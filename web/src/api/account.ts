import {
  accessibilityFeedbackListSchema,
  accessibilityFeedbackSchema,
  accountSchema,
  downloadListSchema,
  emailChangeAcceptedSchema,
  preferencesSchema,
  type AccessibilityFeedbackBody,
  type Account,
  type AccountPatch,
  type Preferences,
} from '@lanyard/contracts/account';
import { apiCommand, apiRequest, queryString } from './client.ts';

export const accountQueryKey = ['account'] as const;
export const preferencesQueryKey = ['preferences'] as const;
export const downloadsQueryKey = ['downloads'] as const;
export const feedbackQueryKey = ['accessibility-feedback'] as const;

export function fetchAccount(signal?: AbortSignal): Promise<Account> {
  return apiRequest('/me/account', accountSchema, { signal });
}

export function updateAccount(patch: AccountPatch): Promise<Account> {
  return apiRequest('/me/account', accountSchema, { method: 'PATCH', body: patch });
}

export function requestEmailChange(body: { email: string; currentPassword: string }) {
  return apiRequest('/me/email', emailChangeAcceptedSchema, { method: 'POST', body });
}

export function confirmEmailChange(token: string): Promise<void> {
  return apiCommand('/me/email/confirm', { method: 'POST', body: { token } });
}

export function fetchPreferences(signal?: AbortSignal): Promise<Preferences> {
  return apiRequest('/me/preferences', preferencesSchema, { signal });
}

export function savePreferences(preferences: Preferences): Promise<Preferences> {
  return apiRequest('/me/preferences', preferencesSchema, { method: 'PUT', body: preferences });
}

export function sendAccessibilityFeedback(body: AccessibilityFeedbackBody) {
  return apiRequest('/accessibility-feedback', accessibilityFeedbackSchema, { method: 'POST', body });
}

export function listAccessibilityFeedback(cursor: string | undefined, signal?: AbortSignal) {
  return apiRequest(`/admin/accessibility-feedback${queryString({ cursor })}`, accessibilityFeedbackListSchema, { signal });
}

export function listDownloads(signal?: AbortSignal) {
  return apiRequest('/downloads', downloadListSchema, { signal });
}

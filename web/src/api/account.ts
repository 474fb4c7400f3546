import {
  accessibilityFeedbackListSchema,
  accessibilityFeedbackSchema,
  accountSchema,
  downloadListSchema,
  downloadSchema,
  downloadUploadedSchema,
  type DownloadCreate,
  emailChangeAcceptedSchema,
  preferencesSchema,
  type AccessibilityFeedbackBody,
  type Account,
  type AccountPatch,
  type Preferences,
} from '@lanyard/contracts/account';
import { ApiError, apiBase, apiCommand, apiRequest, queryString } from './client.ts';

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

export function createDownload(body: DownloadCreate) {
  return apiRequest('/admin/downloads', downloadSchema, { method: 'POST', body });
}

export function deleteDownload(id: string): Promise<void> {
  return apiCommand(`/admin/downloads/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** Uploads the file as the raw body, reporting progress (0–1); fetch cannot report upload progress, XMLHttpRequest can. */
export function uploadDownloadFile(id: string, file: Blob, onProgress: (fraction: number) => void) {
  return new Promise<{ sizeBytes: number; sha256: string }>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', `${apiBase}/admin/downloads/${encodeURIComponent(id)}/file`);
    request.setRequestHeader('content-type', 'application/octet-stream');
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onerror = () => reject(new ApiError({ status: 0, code: 'NETWORK_ERROR', message: 'The upload failed.' }));
    request.onload = () => {
      let payload: unknown;
      try {
        payload = JSON.parse(request.responseText);
      } catch {
        payload = undefined;
      }
      const parsed = downloadUploadedSchema.safeParse(payload);
      if (request.status === 200 && parsed.success) {
        resolve(parsed.data);
        return;
      }
      const error = (payload as { error?: { code?: string; message?: string; requestId?: string } } | undefined)?.error;
      reject(new ApiError({ status: request.status, code: error?.code ?? 'UNEXPECTED_RESPONSE', message: error?.message ?? 'The upload failed.', ...(error?.requestId === undefined ? {} : { requestId: error.requestId }) }));
    };
    request.send(file);
  });
}

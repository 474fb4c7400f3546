import {
  accessKeyListSchema,
  accessKeySchema,
  createdAccessKeySchema,
  type AccessKey,
  type AccessKeyList,
  type AccessKeyState,
  type CreateAccessKeyBody,
  type CreatedAccessKey,
} from '@lanyard/contracts/api';
import { apiCommand, apiRequest } from './client.ts';

export const accessKeysQueryKey = ['access-keys'] as const;

export function listAccessKeys(signal?: AbortSignal): Promise<AccessKeyList> {
  return apiRequest('/me/access-keys', accessKeyListSchema, { signal });
}

/** The only call whose answer holds the Secret Access Key. */
export function createAccessKey(body: CreateAccessKeyBody): Promise<CreatedAccessKey> {
  return apiRequest('/me/access-keys', createdAccessKeySchema, { method: 'POST', body });
}

export function setAccessKeyState(id: string, state: AccessKeyState): Promise<AccessKey> {
  return apiRequest(`/me/access-keys/${encodeURIComponent(id)}`, accessKeySchema, { method: 'PATCH', body: { state } });
}

export function deleteAccessKey(id: string): Promise<void> {
  return apiCommand(`/me/access-keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

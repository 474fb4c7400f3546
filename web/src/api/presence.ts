import { microphoneStateSchema, myPresenceReasonListSchema, presenceReasonListSchema, type MicrophoneOutcome, type MicrophoneState, type PresenceReasonList } from '@lanyard/contracts/presence';
import { myTenantSchema, switchedTenantSchema, type MyTenant, type SwitchedTenant } from '@lanyard/contracts/tenancy';
import { apiCommand, apiRequest, listOf } from './client.ts';

/** Presence reason lists, the microphone outcome, a person's tenants (SPEC §4b "Contact-center sign-in, tenants, regions"). */

export const presenceListsQueryKey = ['admin', 'presence-reason-lists'] as const;

export async function listPresenceLists(signal?: AbortSignal): Promise<PresenceReasonList[]> {
  return (await apiRequest('/admin/presence-reason-lists', listOf(presenceReasonListSchema), { signal })).items;
}

export function createPresenceList(name: string, reasons: string[]): Promise<PresenceReasonList> {
  return apiRequest('/admin/presence-reason-lists', presenceReasonListSchema, { method: 'POST', body: { name, reasons: reasons.map((label) => ({ label })) } });
}

export function updatePresenceList(listId: string, change: { name?: string; reasons?: string[] }): Promise<PresenceReasonList> {
  return apiRequest(`/admin/presence-reason-lists/${encodeURIComponent(listId)}`, presenceReasonListSchema, {
    method: 'PATCH',
    body: { ...(change.name === undefined ? {} : { name: change.name }), ...(change.reasons === undefined ? {} : { reasons: change.reasons.map((label) => ({ label })) }) },
  });
}

export function deletePresenceList(listId: string): Promise<void> {
  return apiCommand(`/admin/presence-reason-lists/${encodeURIComponent(listId)}`, { method: 'DELETE' });
}

export function setDefaultPresenceList(listId: string | null): Promise<void> {
  return apiCommand('/admin/presence-reason-lists/default', { method: 'PUT', body: { listId } });
}

export const myPresenceListQueryKey = ['me', 'presence-reason-list'] as const;

export function fetchMyPresenceList(signal?: AbortSignal) {
  return apiRequest('/me/presence-reason-list', myPresenceReasonListSchema, { signal });
}

export const microphoneQueryKey = ['me', 'microphone'] as const;

export function fetchMicrophone(signal?: AbortSignal): Promise<MicrophoneState> {
  return apiRequest('/me/microphone', microphoneStateSchema, { signal });
}

export function recordMicrophone(outcome: MicrophoneOutcome): Promise<MicrophoneState> {
  return apiRequest('/me/microphone', microphoneStateSchema, { method: 'PUT', body: { outcome } });
}

export const myTenantsQueryKey = ['me', 'tenants'] as const;

export async function fetchMyTenants(signal?: AbortSignal): Promise<MyTenant[]> {
  return (await apiRequest('/me/tenants', listOf(myTenantSchema), { signal })).items;
}

export function switchTenant(tenantId: string): Promise<SwitchedTenant> {
  return apiRequest('/me/tenant', switchedTenantSchema, { method: 'POST', body: { tenantId } });
}

export function setDefaultTenant(tenantId: string): Promise<void> {
  return apiCommand('/me/default-tenant', { method: 'PUT', body: { tenantId } });
}

/** Reasons typed one per line: trimmed, empty lines left out. */
export function reasonsFromText(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

import { invitationInfoSchema, type InvitationInfo } from '@lanyard/contracts/api';
import { apiCommand, apiRequest } from './client.ts';

export function invitationQueryKey(token: string) {
  return ['invitation', token] as const;
}

export function fetchInvitation(token: string, signal?: AbortSignal): Promise<InvitationInfo> {
  return apiRequest(`/invitations/${encodeURIComponent(token)}`, invitationInfoSchema, { signal });
}

export function acceptInvitation(token: string, password: string): Promise<void> {
  return apiCommand(`/invitations/${encodeURIComponent(token)}/accept`, { method: 'POST', body: { password } });
}

import { membershipInvitationSchema, type MembershipInvitation } from '@lanyard/contracts/tenancy';
import { apiCommand, apiRequest, listOf } from './client.ts';

/** The signed-in person's pending invitations to join another tenant (SPEC §3.12). */
export const membershipInvitationsQueryKey = ['me', 'membership-invitations'] as const;

export async function fetchMembershipInvitations(signal?: AbortSignal): Promise<MembershipInvitation[]> {
  return (await apiRequest('/me/membership-invitations', listOf(membershipInvitationSchema), { signal })).items;
}

/** Accepts (the membership is active at once) or declines an invitation; 404 MEMBERSHIP_INVITATION_NOT_FOUND once it is no longer open. */
export function answerMembershipInvitation(id: string, answer: 'accept' | 'decline'): Promise<void> {
  return apiCommand(`/me/membership-invitations/${encodeURIComponent(id)}/${answer}`, { method: 'POST' });
}

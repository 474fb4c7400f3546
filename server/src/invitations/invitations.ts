import type { InvitationRow } from '../storage/database.ts';

export type InvitationState = 'pending' | 'accepted' | 'revoked' | 'expired';

/** Where an invitation stands at a moment; acceptance and revocation win over expiry. */
export function invitationState(invitation: Pick<InvitationRow, 'accepted_at' | 'revoked_at' | 'expires_at'>, now: Date): InvitationState {
  if (invitation.accepted_at !== null) return 'accepted';
  if (invitation.revoked_at !== null) return 'revoked';
  if (invitation.expires_at.getTime() <= now.getTime()) return 'expired';
  return 'pending';
}

export function firstAccessUrl(publicUrl: URL, token: string): string {
  return new URL(`first-access/${token}`, publicUrl.href.endsWith('/') ? publicUrl : `${publicUrl.href}/`).href;
}

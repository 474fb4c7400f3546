import type { MembershipInvitation } from '@lanyard/contracts/tenancy';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useIntl } from 'react-intl';
import { isApiError } from '../../api/client.ts';
import { messageForError } from '../../ui/error-message.ts';
import { answerMembershipInvitation, fetchMembershipInvitations, membershipInvitationsQueryKey } from '../../api/membership-invitations.ts';
import { myTenantsQueryKey } from '../../api/presence.ts';
import { showToast } from '../../ui/toasts.tsx';

export type InvitationAnswer = 'accept' | 'decline';

/** The signed-in person's pending invitations to join another tenant. */
export function useMembershipInvitations() {
  return useQuery({ queryKey: membershipInvitationsQueryKey, queryFn: ({ signal }) => fetchMembershipInvitations(signal) });
}

/**
 * Accepting or declining one invitation: a toast says what happened; accepting puts the tenant in the top bar's picker at once.
 * An invitation that is no longer open (answered elsewhere, expired, replaced) says so and leaves the list.
 */
export function useAnswerInvitation(onAnswered?: (invitation: MembershipInvitation, answer: InvitationAnswer) => void) {
  const intl = useIntl();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ invitation, answer }: { invitation: MembershipInvitation; answer: InvitationAnswer }) => answerMembershipInvitation(invitation.id, answer),
    onSuccess: async (_result, { invitation, answer }) => {
      const values = { tenant: invitation.tenant.name, role: invitation.role.name };
      showToast({ tone: 'success', text: intl.formatMessage({ id: answer === 'accept' ? 'memberInvitations.accepted' : 'memberInvitations.declined' }, values) });
      onAnswered?.(invitation, answer);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: membershipInvitationsQueryKey }),
        answer === 'accept' ? queryClient.invalidateQueries({ queryKey: myTenantsQueryKey }) : undefined,
      ]);
    },
    onError: async (error) => {
      showToast({ tone: 'error', text: messageForError(intl, error) });
      if (isApiError(error) && error.code === 'MEMBERSHIP_INVITATION_NOT_FOUND') await queryClient.invalidateQueries({ queryKey: membershipInvitationsQueryKey });
    },
  });
}

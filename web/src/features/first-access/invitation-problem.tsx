import { messageForCode } from '../../api/client.ts';
import { LinkProblem, type LinkExplanation } from '../../ui/link-problem.tsx';

function explain(code: string): LinkExplanation | null {
  switch (code) {
    case 'INVITATION_EXPIRED':
      return {
        heading: 'Invitation expired',
        summary: messageForCode(code),
        nextStep:
          'Invitation links work for a limited time (24 hours unless your organisation chose otherwise). Ask your administrator to send you a new invitation, then use the link in the new email.',
        offerSignIn: false,
        tone: 'error',
      };
    case 'INVITATION_USED':
      return {
        heading: 'Invitation already used',
        summary: messageForCode(code),
        nextStep: 'If you set your password with it, sign in with your username and password. If it was not you, tell your administrator.',
        offerSignIn: true,
        tone: 'info',
      };
    case 'INVITATION_REVOKED':
      return {
        heading: 'Invitation replaced',
        summary: messageForCode(code),
        nextStep: 'Use the link in the most recent invitation email you received, or ask your administrator to send a new one.',
        offerSignIn: false,
        tone: 'error',
      };
    case 'INVITATION_NOT_FOUND':
    case 'VALIDATION_FAILED':
    case 'ROUTE_NOT_FOUND':
      return {
        heading: 'Invitation link not valid',
        summary: messageForCode('INVITATION_NOT_FOUND'),
        nextStep:
          'Check that you opened the whole link from your invitation email; some email programs break long links. If it still does not work, ask your administrator for a new invitation.',
        offerSignIn: false,
        tone: 'error',
      };
    default:
      return null;
  }
}

/** Why an invitation link cannot be used, and what to do next (SPEC §3.1, seed 002). */
export function InvitationProblem({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return <LinkProblem error={error} explain={explain} noun="invitation" onRetry={onRetry} />;
}

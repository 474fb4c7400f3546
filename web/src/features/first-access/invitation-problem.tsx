import { LinkProblem, type LinkExplanation } from '../password/link-problem.tsx';

function explain(code: string): LinkExplanation | null {
  switch (code) {
    case 'INVITATION_EXPIRED':
      return {
        heading: 'invitation.expired.heading',
        summaryCode: code,
        nextStep: 'invitation.expired.nextStep',
        offerSignIn: false,
        tone: 'error',
      };
    case 'INVITATION_USED':
      return {
        heading: 'invitation.used.heading',
        summaryCode: code,
        nextStep: 'invitation.used.nextStep',
        offerSignIn: true,
        tone: 'info',
      };
    case 'INVITATION_REVOKED':
      return {
        heading: 'invitation.revoked.heading',
        summaryCode: code,
        nextStep: 'invitation.revoked.nextStep',
        offerSignIn: false,
        tone: 'error',
      };
    case 'INVITATION_NOT_FOUND':
    case 'VALIDATION_FAILED':
    case 'ROUTE_NOT_FOUND':
      return {
        heading: 'invitation.notFound.heading',
        summaryCode: 'INVITATION_NOT_FOUND',
        nextStep: 'invitation.notFound.nextStep',
        offerSignIn: false,
        tone: 'error',
      };
    default:
      return null;
  }
}

/** Why an invitation link cannot be used, and what to do next (SPEC §3.1, seed 002). */
export function InvitationProblem({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return <LinkProblem error={error} explain={explain} link="invitation" onRetry={onRetry} />;
}

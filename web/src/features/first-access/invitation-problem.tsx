import { Button } from 'react-aria-components';
import { Link } from 'react-router';
import { isApiError, messageForCode, messageForError } from '../../api/client.ts';
import { Message } from '../../ui/message.tsx';
import { PageTitle } from '../../ui/page-title.tsx';

interface Explanation {
  heading: string;
  /** What happened, in the catalogue's words. */
  summary: string;
  /** What the person can do about it. */
  nextStep: string;
  offerSignIn: boolean;
  /** Used links are usually the person's own earlier visit: not an error, just information. */
  tone: 'error' | 'info';
}

function explain(code: string): Explanation | null {
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
  const explanation = isApiError(error) ? explain(error.code) : null;
  if (explanation === null) {
    return (
      <div className="card card-narrow">
        <PageTitle title="Invitation could not be opened" />
        <h1 tabIndex={-1}>Your invitation could not be opened</h1>
        <Message tone="error" title={messageForError(error)} />
        <div className="form-actions">
          <Button className="button button-primary" onPress={onRetry}>
            Try again
          </Button>
        </div>
      </div>
    );
  }
  return (
    <div className="card card-narrow">
      <PageTitle title={explanation.heading} />
      <h1 tabIndex={-1}>{explanation.heading}</h1>
      <Message tone={explanation.tone} title={explanation.summary} />
      <p>{explanation.nextStep}</p>
      {explanation.offerSignIn && (
        <p>
          <Link to="/login" className="button button-primary">
            Go to sign in
          </Link>
        </p>
      )}
    </div>
  );
}

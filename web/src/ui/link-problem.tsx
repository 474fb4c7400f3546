import { Button } from 'react-aria-components';
import { Link } from 'react-router';
import { isApiError, messageForError } from '../api/client.ts';
import { Message } from './message.tsx';
import { PageTitle } from './page-title.tsx';

/** Why an emailed link (invitation, password reset) cannot be used, and what to do next. */
export interface LinkExplanation {
  heading: string;
  /** What happened, in the catalogue's words. */
  summary: string;
  /** What the person can do about it. */
  nextStep: string;
  offerSignIn: boolean;
  /** Used links are usually the person's own earlier visit: not an error, just information. */
  tone: 'error' | 'info';
}

interface LinkProblemProps {
  error: unknown;
  /** The explanation for an error code, or null when the code is not about the link itself. */
  explain: (code: string) => LinkExplanation | null;
  /** How the link is called in headings, e.g. "invitation" or "reset link". */
  noun: string;
  onRetry: () => void;
  /** A way to get a new link, where the person can ask for one themselves. */
  newLink?: { to: string; label: string } | undefined;
}

export function LinkProblem({ error, explain, noun, onRetry, newLink }: LinkProblemProps) {
  const explanation = isApiError(error) ? explain(error.code) : null;
  if (explanation === null) {
    const title = `${noun.charAt(0).toUpperCase()}${noun.slice(1)} could not be opened`;
    return (
      <div className="card card-narrow">
        <PageTitle title={title} />
        <h1 tabIndex={-1}>Your {noun} could not be opened</h1>
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
      {(explanation.offerSignIn || newLink !== undefined) && (
        <div className="form-actions">
          {explanation.offerSignIn && (
            <Link to="/login" className="button button-primary">
              Go to sign in
            </Link>
          )}
          {newLink !== undefined && (
            <Link to={newLink.to} className={explanation.offerSignIn ? 'button' : 'button button-primary'}>
              {newLink.label}
            </Link>
          )}
        </div>
      )}
    </div>
  );
}

import { Button, buttonClass } from '../../ui/button.tsx';
import { Link } from 'react-router';
import { isApiError } from '../../api/client.ts';
import { messageForCode, messageForError } from '../../ui/error-message.ts';
import { Message } from '../../ui/message.tsx';
import { PageTitle } from '../../ui/page-title.tsx';
import { useIntl } from 'react-intl';
import type { MessageId } from '../../i18n/messages.ts';

/** Why an emailed link (invitation, password reset) cannot be used, and what to do next. */
export interface LinkExplanation {
  heading: MessageId;
  /** What happened: the error code, shown in the catalogue's words. */
  summaryCode: string;
  /** What the person can do about it. */
  nextStep: MessageId;
  nextStepValues?: Record<string, string | number>;
  offerSignIn: boolean;
  /** Used links are usually the person's own earlier visit: not an error, just information. */
  tone: 'error' | 'info';
}

interface LinkProblemProps {
  error: unknown;
  /** The explanation for an error code, or null when the code is not about the link itself. */
  explain: (code: string) => LinkExplanation | null;
  /** Which link it is, chosen in the headings' messages (`linkProblem.title`). */
  link: 'invitation' | 'reset-link';
  onRetry: () => void;
  /** A way to get a new link, where the person can ask for one themselves. */
  newLink?: { to: string; label: MessageId } | undefined;
}

export function LinkProblem({ error, explain, link, onRetry, newLink }: LinkProblemProps) {
  const intl = useIntl();
  const explanation = isApiError(error) ? explain(error.code) : null;
  if (explanation === null) {
    return (
      <div className="card card-narrow">
        <PageTitle title={intl.formatMessage({ id: 'linkProblem.title' }, { link })} />
        <h1 tabIndex={-1}>{intl.formatMessage({ id: 'linkProblem.heading' }, { link })}</h1>
        <Message tone="error" title={messageForError(intl, error)} />
        <div className="form-actions">
          <Button variant="primary" onPress={onRetry}>
            {intl.formatMessage({ id: 'app.tryAgain' })}
          </Button>
        </div>
      </div>
    );
  }
  return (
    <div className="card card-narrow">
      <PageTitle title={intl.formatMessage({ id: explanation.heading })} />
      <h1 tabIndex={-1}>{intl.formatMessage({ id: explanation.heading })}</h1>
      <Message tone={explanation.tone} title={messageForCode(intl, explanation.summaryCode)} />
      <p>{intl.formatMessage({ id: explanation.nextStep }, explanation.nextStepValues)}</p>
      {(explanation.offerSignIn || newLink !== undefined) && (
        <div className="form-actions">
          {explanation.offerSignIn && (
            <Link to="/login" className={buttonClass({ variant: 'primary' })}>
              {intl.formatMessage({ id: 'linkProblem.goToSignIn' })}
            </Link>
          )}
          {newLink !== undefined && (
            <Link to={newLink.to} className={buttonClass(explanation.offerSignIn ? {} : { variant: 'primary' })}>
              {intl.formatMessage({ id: newLink.label })}
            </Link>
          )}
        </div>
      )}
    </div>
  );
}

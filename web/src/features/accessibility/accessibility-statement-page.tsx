import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Form, Label, TextArea, TextField as AriaTextField } from 'react-aria-components';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { sendAccessibilityFeedback } from '../../api/account.ts';
import { messageForError } from '../../ui/error-message.ts';
import { lastTenantId } from '../../session/preferences.ts';
import { feedbackPageOf, feedbackTenantOf } from '../../ui/statement-link.tsx';
import { useLocation } from 'react-router';
import { Message } from '../../ui/message.tsx';
import { PageTitle } from '../../ui/page-title.tsx';
import { TextField } from '../../ui/text-field.tsx';

/** `/accessibility-statement` (SPEC §3.7): the conformance target, what is known not to work, and the feedback form, signed in or not. */
export function AccessibilityStatementPage() {
  const intl = useIntl();
  const location = useLocation();
  // Read once: the page the footer's link was followed from stays the feedback's page while the person writes.
  const [feedbackPage] = useState(() => feedbackPageOf(location.state));
  // Signed out, the feedback goes to the tenant whose pages the person came from, else the one last signed
  // in to here; with neither, the server gives it to the deployment's first tenant (its operator).
  const [feedbackTenant] = useState(() => feedbackTenantOf(location.state, location.search));
  const [message, setMessage] = useState('');
  const [contactEmail, setContactEmail] = useState('');
  const send = useMutation({
    mutationFn: () => {
      const tenantId = feedbackTenant ?? lastTenantId();
      return sendAccessibilityFeedback({
        message,
        page: feedbackPage,
        ...(contactEmail === '' ? {} : { contactEmail }),
        ...(tenantId === undefined ? {} : { tenantId }),
      });
    },
    onSuccess: () => {
      setMessage('');
      setContactEmail('');
    },
  });
  const title = intl.formatMessage({ id: 'statement.title' });
  return (
    <article className="card statement">
      <PageTitle title={title} />
      <h1 tabIndex={-1}>{title}</h1>
      <p>{intl.formatMessage({ id: 'statement.intro' })}</p>
      <h2>{intl.formatMessage({ id: 'statement.target.heading' })}</h2>
      <p>{intl.formatMessage({ id: 'statement.target.body' })}</p>
      <h2>{intl.formatMessage({ id: 'statement.known.heading' })}</h2>
      <ul>
        <li>{intl.formatMessage({ id: 'statement.known.languages' })}</li>
        <li>{intl.formatMessage({ id: 'statement.known.emails' })}</li>
        <li>{intl.formatMessage({ id: 'statement.known.apiDocs' })}</li>
      </ul>
      <h2 id="feedback-heading">{intl.formatMessage({ id: 'statement.feedback.heading' })}</h2>
      <p>{intl.formatMessage({ id: 'statement.feedback.body' })}</p>
      {send.isSuccess && <Message tone="success" title={intl.formatMessage({ id: 'statement.feedback.sent' })} />}
      {send.isError && <Message tone="error" title={messageForError(intl, send.error)} />}
      <Form
        className="form"
        aria-labelledby="feedback-heading"
        onSubmit={(event) => {
          event.preventDefault();
          send.mutate();
        }}
      >
        <AriaTextField className="field" value={message} onChange={setMessage} isRequired maxLength={4000}>
          <Label className="field-label">{intl.formatMessage({ id: 'statement.feedback.message' })}</Label>
          <TextArea className="feedback-textarea" />
        </AriaTextField>
        <TextField
          label={intl.formatMessage({ id: 'statement.feedback.email' })}
          description={intl.formatMessage({ id: 'statement.feedback.email.description' })}
          type="email"
          value={contactEmail}
          onChange={setContactEmail}
          isIdentifier
          autoComplete="email"
        />
        <div className="form-actions">
          <Button type="submit" variant="primary" isDisabled={send.isPending}>
            {intl.formatMessage({ id: 'statement.feedback.submit' })}
          </Button>
        </div>
      </Form>
    </article>
  );
}

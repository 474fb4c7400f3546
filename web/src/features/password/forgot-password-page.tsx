import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Button, buttonClass } from '../../ui/button.tsx';
import { Link, useLocation } from 'react-router';
import { messageForError } from '../../ui/error-message.ts';
import { requestPasswordReset } from '../../api/passwords.ts';
import { readLoginState } from '../../session/navigation-state.ts';
import { AlertRegion, Message } from '../../ui/message.tsx';
import { PageTitle } from '../../ui/page-title.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { FormattedMessage, useIntl } from 'react-intl';

/** How long a reset link works (SPEC §3.3), as the emails and the reset page say. */
export const resetLinkMinutes = 60;

/** Forgotten password: the username, then a reset link by email. */
export function ForgotPasswordPage() {
  const intl = useIntl();
  const location = useLocation();
  const [username, setUsername] = useState(readLoginState(location.state).username ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const confirmationRef = useRef<HTMLDivElement>(null);

  const request = useMutation({
    mutationFn: requestPasswordReset,
    onSuccess: (_answer, submitted) => setSentTo(submitted),
    onError: (error) => setProblem(messageForError(intl, error)),
  });

  useEffect(() => {
    if (sentTo !== null) confirmationRef.current?.focus();
  }, [sentTo]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = username.trim();
    if (request.isPending || value === '') return;
    setProblem(null);
    request.mutate(value);
  }

  if (sentTo !== null) {
    return (
      <div className="card card-narrow">
        <PageTitle title={intl.formatMessage({ id: 'forgot.checkEmail' })} />
        <h1 tabIndex={-1}>{intl.formatMessage({ id: 'forgot.checkEmail' })}</h1>
        <div tabIndex={-1} ref={confirmationRef} className="focus-target">
          {/* The same words whether or not the account exists (SPEC §3.3: "never reveals whether the account exists"). */}
          <Message tone="success" title={intl.formatMessage({ id: 'forgot.requested' }, { minutes: resetLinkMinutes })} />
        </div>
        <p>{intl.formatMessage({ id: 'forgot.checkEmailBody' })}</p>
        <div className="form-actions">
          <Link to="/login" className={buttonClass({ variant: 'primary' })} state={{ username: sentTo }}>
            {intl.formatMessage({ id: 'forgot.backToSignIn' })}
          </Link>
          <Button onPress={() => setSentTo(null)}>
            {intl.formatMessage({ id: 'forgot.anotherUsername' })}
          </Button>
        </div>
      </div>
    );
  }

  return (
    <div className="card card-narrow">
      <PageTitle title={intl.formatMessage({ id: 'forgot.title' })} />
      <h1 tabIndex={-1}>{intl.formatMessage({ id: 'forgot.title' })}</h1>
      <p>{intl.formatMessage({ id: 'forgot.intro' })}</p>
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      <Form className="form" onSubmit={submit} aria-label={intl.formatMessage({ id: 'forgot.title' })}>
        <TextField
          label={intl.formatMessage({ id: 'forgot.username' })}
          name="username"
          autoComplete="username"
          isIdentifier
          isRequired
          value={username}
          onChange={setUsername}
        />
        <div className="form-actions">
          <Button type="submit" variant="primary">
            {intl.formatMessage({ id: 'forgot.send' })}
          </Button>
          {request.isPending && <span className="muted">{intl.formatMessage({ id: 'forgot.sending' })}</span>}
        </div>
      </Form>
      <p className="muted small after-form">
        <FormattedMessage id="app.rememberedIt" values={{ link: (chunks) => <Link to="/login">{chunks}</Link> }} />
      </p>
    </div>
  );
}

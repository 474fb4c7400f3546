import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { Link, useLocation } from 'react-router';
import { messageForError } from '../../api/client.ts';
import { requestPasswordReset } from '../../api/passwords.ts';
import { readLoginState } from '../../app/navigation-state.ts';
import { AlertRegion, Message } from '../../ui/message.tsx';
import { PageTitle } from '../../ui/page-title.tsx';
import { TextField } from '../../ui/text-field.tsx';

/** The same words whether or not the account exists (SPEC §3.3: "never reveals whether the account exists"). */
export const resetRequestedText =
  'If an account exists for that username, we sent a link to reset the password. It is valid for 60 minutes.';

/** Forgotten password: the username, then a reset link by email. */
export function ForgotPasswordPage() {
  const location = useLocation();
  const [username, setUsername] = useState(readLoginState(location.state).username ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const confirmationRef = useRef<HTMLDivElement>(null);

  const request = useMutation({
    mutationFn: requestPasswordReset,
    onSuccess: (_answer, submitted) => setSentTo(submitted),
    onError: (error) => setProblem(messageForError(error)),
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
        <PageTitle title="Check your email" />
        <h1 tabIndex={-1}>Check your email</h1>
        <div tabIndex={-1} ref={confirmationRef} className="focus-target">
          <Message tone="success" title={resetRequestedText} />
        </div>
        <p>
          Open the link in the email to choose a new password. If no email arrives within a few minutes, check your spam folder,
          check the username, or ask your administrator to send you a reset.
        </p>
        <div className="form-actions">
          <Link to="/login" className="button button-primary" state={{ username: sentTo }}>
            Back to sign in
          </Link>
          <Button className="button" onPress={() => setSentTo(null)}>
            Use another username
          </Button>
        </div>
      </div>
    );
  }

  return (
    <div className="card card-narrow">
      <PageTitle title="Forgot your password?" />
      <h1 tabIndex={-1}>Forgot your password?</h1>
      <p>Enter your username. We will email a link to reset your password to the address on your account.</p>
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      <Form className="form" onSubmit={submit} aria-label="Forgot your password?">
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          isIdentifier
          isRequired
          value={username}
          onChange={setUsername}
        />
        <div className="form-actions">
          <Button type="submit" className="button button-primary">
            Send reset link
          </Button>
          {request.isPending && <span className="muted">Sending…</span>}
        </div>
      </Form>
      <p className="muted small after-form">
        Remembered it? <Link to="/login">Sign in</Link>.
      </p>
    </div>
  );
}

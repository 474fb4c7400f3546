import type { ResetInfo } from '@lanyard/contracts/api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError, messageForCode } from '../../api/client.ts';
import { fetchPasswordReset, resetPassword, resetQueryKey } from '../../api/passwords.ts';
import type { LoginLocationState } from '../../app/navigation-state.ts';
import { Loading } from '../../ui/loading.tsx';
import { AlertRegion, type AlertContent } from '../../ui/message.tsx';
import { NewPasswordFields, SavePasswordButton, useNewPassword } from '../../ui/new-password.tsx';
import { LinkProblem, type LinkExplanation } from '../../ui/link-problem.tsx';
import { PageTitle } from '../../ui/page-title.tsx';
import { TextField } from '../../ui/text-field.tsx';

/** A reset link from the email (SPEC §3.3): the username, then a new password against the live rules. */
export function ResetPasswordPage() {
  const { token = '' } = useParams();
  const reset = useQuery({
    queryKey: resetQueryKey(token),
    queryFn: ({ signal }) => fetchPasswordReset(token, signal),
    staleTime: Infinity,
  });

  if (reset.isPending) {
    return (
      <div className="card">
        <PageTitle title="Reset your password" />
        <Loading label="Opening your reset link…" />
      </div>
    );
  }
  if (reset.isError) return <ResetLinkProblem error={reset.error} onRetry={() => void reset.refetch()} />;
  return <ResetForm token={token} info={reset.data} />;
}

function ResetForm({ token, info }: { token: string; info: ResetInfo }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const newPassword = useNewPassword(info.passwordPolicy, { username: info.username, email: info.email });
  const [problem, setProblem] = useState<AlertContent | null>(null);

  const save = useMutation({
    mutationFn: (value: string) => resetPassword(token, value),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: resetQueryKey(token) });
      const state: LoginLocationState = { notice: 'password-reset', username: info.username };
      await navigate('/login', { replace: true, state });
    },
    onError: (error, submitted) => {
      // The link stopped working while the page was open (used elsewhere, or expired): say which.
      if (isApiError(error) && explain(error.code) !== null) {
        void queryClient.invalidateQueries({ queryKey: resetQueryKey(token) });
      }
      setProblem(newPassword.explainFailure(error, submitted));
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!newPassword.canSave || save.isPending) return;
    setProblem(null);
    save.mutate(newPassword.password);
  }

  return (
    <div className="card">
      <PageTitle title="Reset your password" />
      <h1 tabIndex={-1}>Reset your password</h1>
      <p className="lead">Choose a new password for your account. This also unlocks your account if it was locked.</p>
      <p className="muted">
        This link can be used once, until{' '}
        <time dateTime={info.expiresAt}>
          {new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'short' }).format(new Date(info.expiresAt))}
        </time>
        . Saving signs you out everywhere.
      </p>

      <AlertRegion message={problem} />

      <Form className="form" onSubmit={submit} aria-label="Reset your password">
        <TextField label="Username" name="username" autoComplete="username" value={info.username} isReadOnly />
        <NewPasswordFields state={newPassword} showRules="always" />
        <SavePasswordButton canSave={newPassword.canSave} isPending={save.isPending} pendingLabel="Saving your password…" />
      </Form>
      <p className="muted small after-form">
        Remembered it? <Link to="/login">Sign in</Link>.
      </p>
    </div>
  );
}

function explain(code: string): LinkExplanation | null {
  switch (code) {
    case 'RESET_LINK_EXPIRED':
      return {
        heading: 'Reset link expired',
        summary: messageForCode(code),
        nextStep: 'Reset links work for 60 minutes. Request a new link and use it within the hour.',
        tone: 'error',
        offerSignIn: false,
      };
    case 'RESET_LINK_USED':
      return {
        heading: 'Reset link already used',
        summary: messageForCode(code),
        nextStep:
          'Each link works once. If you set your password with it, sign in with your new password. Otherwise request a new link.',
        tone: 'info',
        offerSignIn: true,
      };
    case 'RESET_LINK_NOT_FOUND':
    case 'VALIDATION_FAILED':
    case 'ROUTE_NOT_FOUND':
      return {
        heading: 'Reset link not valid',
        summary: messageForCode('RESET_LINK_NOT_FOUND'),
        nextStep:
          'Check that you opened the whole link from the email; some email programs break long links. Only the most recent link you requested works. If it still does not work, request a new link.',
        tone: 'error',
        offerSignIn: false,
      };
    default:
      return null;
  }
}

/** Why a reset link cannot be used, and a way to get a new one. */
function ResetLinkProblem({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return <LinkProblem error={error} explain={explain} noun="reset link" onRetry={onRetry} newLink={{ to: '/forgot-password', label: 'Request a new link' }} />;
}

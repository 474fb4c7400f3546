import type { InvitationInfo } from '@lanyard/contracts/api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form, Link as AriaLink } from 'react-aria-components';
import { useNavigate, useParams } from 'react-router';
import { acceptInvitation, fetchInvitation, invitationQueryKey } from '../../api/invitations.ts';
import type { LoginLocationState } from '../../app/navigation-state.ts';
import { Loading } from '../../ui/loading.tsx';
import { AlertRegion, type AlertContent } from '../../ui/message.tsx';
import { NewPasswordFields, SavePasswordButton, useNewPassword } from '../../ui/new-password.tsx';
import { PageTitle } from '../../ui/page-title.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { InvitationProblem } from './invitation-problem.tsx';

/** First access from an invitation link (SPEC §3.1): the username, then a first password. */
export function FirstAccessPage() {
  const { token = '' } = useParams();
  const invitation = useQuery({
    queryKey: invitationQueryKey(token),
    queryFn: ({ signal }) => fetchInvitation(token, signal),
    staleTime: Infinity,
  });

  if (invitation.isPending) {
    return (
      <div className="card">
        <PageTitle title="Set your password" />
        <Loading label="Opening your invitation…" />
      </div>
    );
  }
  if (invitation.isError) return <InvitationProblem error={invitation.error} onRetry={() => void invitation.refetch()} />;
  return <SetPasswordForm token={token} invitation={invitation.data} />;
}

function SetPasswordForm({ token, invitation }: { token: string; invitation: InvitationInfo }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const newPassword = useNewPassword(invitation.passwordPolicy, { username: invitation.username, email: invitation.email });
  const [problem, setProblem] = useState<AlertContent | null>(null);

  const accept = useMutation({
    mutationFn: (value: string) => acceptInvitation(token, value),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: invitationQueryKey(token) });
      const state: LoginLocationState = { notice: 'password-set', username: invitation.username };
      await navigate('/login', { replace: true, state });
    },
    onError: (error, submitted) => setProblem(newPassword.explainFailure(error, submitted)),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!newPassword.canSave || accept.isPending) return;
    setProblem(null);
    accept.mutate(newPassword.password);
  }

  const expiresAt = new Date(invitation.expiresAt);
  const name = `${invitation.firstName} ${invitation.lastName}`.trim();

  return (
    <div className="card">
      <PageTitle title="Set your password" />
      <p className="eyebrow">{invitation.tenant.name}</p>
      <h1 tabIndex={-1}>Set your password</h1>
      <p className="lead">
        {name === '' ? 'Welcome' : `Welcome, ${name}`}. You have been invited to <strong>{invitation.tenant.name}</strong>. Choose a
        password to finish setting up your account.
      </p>
      <p className="muted">
        This link can be used once, until{' '}
        <time dateTime={invitation.expiresAt}>
          {new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'short' }).format(expiresAt)}
        </time>
        .
      </p>

      <AlertRegion message={problem} />

      <Form className="form" onSubmit={submit} aria-label="Set your password">
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          value={invitation.username}
          isReadOnly
          description="Your username is set by your administrator. You sign in with it."
        />
        <NewPasswordFields state={newPassword} showRules="always" />
        <SavePasswordButton canSave={newPassword.canSave} isPending={accept.isPending} pendingLabel="Saving your password…" />
      </Form>
      <p className="muted small after-form">
        Already set your password? <AriaLink href="/login">Sign in</AriaLink>.
      </p>
    </div>
  );
}

import type { InvitationInfo } from '@lanyard/contracts/api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form, Link as AriaLink } from 'react-aria-components';
import { useNavigate, useParams } from 'react-router';
import { acceptInvitation, fetchInvitation, invitationQueryKey } from '../../api/invitations.ts';
import type { LoginLocationState } from '../../session/navigation-state.ts';
import { Loading } from '../../ui/loading.tsx';
import { AlertRegion, type AlertContent } from '../../ui/message.tsx';
import { NewPasswordFields, SavePasswordButton, useNewPassword } from '../password/new-password.tsx';
import { PageTitle } from '../../ui/page-title.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { InvitationProblem } from './invitation-problem.tsx';
import { FormattedDate, FormattedMessage, useIntl } from 'react-intl';

/** First access from an invitation link (SPEC §3.1): the username, then a first password. */
export function FirstAccessPage() {
  const intl = useIntl();
  const { token = '' } = useParams();
  const invitation = useQuery({
    queryKey: invitationQueryKey(token),
    queryFn: ({ signal }) => fetchInvitation(token, signal),
    staleTime: Infinity,
  });

  if (invitation.isPending) {
    return (
      <div className="card">
        <PageTitle title={intl.formatMessage({ id: 'firstAccess.title' })} />
        <Loading label={intl.formatMessage({ id: 'firstAccess.opening' })} />
      </div>
    );
  }
  if (invitation.isError) return <InvitationProblem error={invitation.error} onRetry={() => void invitation.refetch()} />;
  return <SetPasswordForm token={token} invitation={invitation.data} />;
}

function SetPasswordForm({ token, invitation }: { token: string; invitation: InvitationInfo }) {
  const intl = useIntl();
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

  const name = `${invitation.firstName} ${invitation.lastName}`.trim();

  return (
    <div className="card">
      <PageTitle title={intl.formatMessage({ id: 'firstAccess.title' })} />
      <p className="eyebrow">{invitation.tenant.name}</p>
      <h1 tabIndex={-1}>{intl.formatMessage({ id: 'firstAccess.title' })}</h1>
      <p className="lead">
        <FormattedMessage
          id="firstAccess.lead"
          values={{ named: name === '' ? 'no' : 'yes', name, tenant: invitation.tenant.name, strong: (chunks) => <strong>{chunks}</strong> }}
        />
      </p>
      <p className="muted">
        <FormattedMessage
          id="app.linkUsableUntil"
          values={{
            expiresAt: <FormattedDate value={invitation.expiresAt} dateStyle="long" timeStyle="short" />,
            time: (chunks) => <time dateTime={invitation.expiresAt}>{chunks}</time>,
          }}
        />
      </p>

      <AlertRegion message={problem} />

      <Form className="form" onSubmit={submit} aria-label={intl.formatMessage({ id: 'firstAccess.title' })}>
        <TextField
          label={intl.formatMessage({ id: 'firstAccess.username' })}
          name="username"
          autoComplete="username"
          value={invitation.username}
          isReadOnly
          description={intl.formatMessage({ id: 'firstAccess.usernameHint' })}
        />
        <NewPasswordFields state={newPassword} showRules="always" />
        <SavePasswordButton canSave={newPassword.canSave} isPending={accept.isPending} pendingLabel={intl.formatMessage({ id: 'firstAccess.saving' })} />
      </Form>
      <p className="muted small after-form">
        <FormattedMessage id="firstAccess.alreadySet" values={{ link: (chunks) => <AriaLink href="/login">{chunks}</AriaLink> }} />
      </p>
    </div>
  );
}

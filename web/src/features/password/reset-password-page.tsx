import type { ResetInfo } from '@lanyard/contracts/api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../api/client.ts';
import { resetLinkMinutes } from './forgot-password-page.tsx';
import { fetchPasswordReset, resetPassword, resetQueryKey } from '../../api/passwords.ts';
import type { LoginLocationState } from '../../session/navigation-state.ts';
import { Loading } from '../../ui/loading.tsx';
import { AlertRegion, type AlertContent } from '../../ui/message.tsx';
import { NewPasswordFields, SavePasswordButton, useNewPassword } from './new-password.tsx';
import { LinkProblem, type LinkExplanation } from './link-problem.tsx';
import { PageTitle } from '../../ui/page-title.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { FormattedDate, FormattedMessage, useIntl } from 'react-intl';

/** A reset link from the email (SPEC §3.3): the username, then a new password against the live rules. */
export function ResetPasswordPage() {
  const intl = useIntl();
  const { token = '' } = useParams();
  const reset = useQuery({
    queryKey: resetQueryKey(token),
    queryFn: ({ signal }) => fetchPasswordReset(token, signal),
    staleTime: Infinity,
  });

  if (reset.isPending) {
    return (
      <div className="card">
        <PageTitle title={intl.formatMessage({ id: 'reset.title' })} />
        <Loading label={intl.formatMessage({ id: 'reset.opening' })} />
      </div>
    );
  }
  if (reset.isError) return <ResetLinkProblem error={reset.error} onRetry={() => void reset.refetch()} />;
  return <ResetForm token={token} info={reset.data} />;
}

function ResetForm({ token, info }: { token: string; info: ResetInfo }) {
  const intl = useIntl();
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
      <PageTitle title={intl.formatMessage({ id: 'reset.title' })} />
      <h1 tabIndex={-1}>{intl.formatMessage({ id: 'reset.title' })}</h1>
      <p className="lead">{intl.formatMessage({ id: 'reset.lead' })}</p>
      <p className="muted">
        <FormattedMessage
          id="reset.signsOut"
          values={{
            expiresAt: <FormattedDate value={info.expiresAt} dateStyle="long" timeStyle="short" />,
            time: (chunks) => <time dateTime={info.expiresAt}>{chunks}</time>,
          }}
        />
      </p>

      <AlertRegion message={problem} />

      <Form className="form" onSubmit={submit} aria-label={intl.formatMessage({ id: 'reset.title' })}>
        <TextField label={intl.formatMessage({ id: 'reset.username' })} name="username" autoComplete="username" value={info.username} isReadOnly />
        <NewPasswordFields state={newPassword} showRules="always" />
        <SavePasswordButton canSave={newPassword.canSave} isPending={save.isPending} pendingLabel={intl.formatMessage({ id: 'reset.saving' })} />
      </Form>
      <p className="muted small after-form">
        <FormattedMessage id="app.rememberedIt" values={{ link: (chunks) => <Link to="/login">{chunks}</Link> }} />
      </p>
    </div>
  );
}

function explain(code: string): LinkExplanation | null {
  switch (code) {
    case 'RESET_LINK_EXPIRED':
      return {
        heading: 'reset.expired.heading',
        summaryCode: code,
        nextStep: 'reset.expired.nextStep',
        nextStepValues: { minutes: resetLinkMinutes },
        tone: 'error',
        offerSignIn: false,
      };
    case 'RESET_LINK_USED':
      return {
        heading: 'reset.used.heading',
        summaryCode: code,
        nextStep: 'reset.used.nextStep',
        tone: 'info',
        offerSignIn: true,
      };
    case 'RESET_LINK_NOT_FOUND':
    case 'VALIDATION_FAILED':
    case 'ROUTE_NOT_FOUND':
      return {
        heading: 'reset.notFound.heading',
        summaryCode: 'RESET_LINK_NOT_FOUND',
        nextStep: 'reset.notFound.nextStep',
        tone: 'error',
        offerSignIn: false,
      };
    default:
      return null;
  }
}

/** Why a reset link cannot be used, and a way to get a new one. */
function ResetLinkProblem({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return <LinkProblem error={error} explain={explain} link="reset-link" onRetry={onRetry} newLink={{ to: '/forgot-password', label: 'reset.newLink' }} />;
}

import type { PasswordPolicy } from '@lanyard/contracts/password-policy';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Button } from '../../ui/button.tsx';
import { useLocation, useNavigate } from 'react-router';
import { isApiError } from '../../api/client.ts';
import { messageForError } from '../../ui/error-message.ts';
import { changeMyPassword, fetchMyPasswordPolicy, myPasswordPolicyQueryKey } from '../../api/passwords.ts';
import { fetchMe, meQueryKey } from '../../api/session.ts';
import { useMe } from '../../session/me-context.ts';
import { readLoginState } from '../../session/navigation-state.ts';
import { landingPath } from '../../session/landing.ts';
import { useShowNotice } from '../../session/notice.ts';
import { Loading } from '../../ui/loading.tsx';
import { AlertRegion, Message, type AlertContent } from '../../ui/message.tsx';
import { NewPasswordFields, SavePasswordButton, useNewPassword } from './new-password.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { useIntl } from 'react-intl';

/**
 * Change Password (seed 000, SPEC §3.3): Current Password, New Password, Confirm New Password, Save. The
 * rules are the person's own (their role's, else their tenant's) and pop up once they start typing.
 */
export function ChangePasswordForm({ forced }: { forced: boolean }) {
  const intl = useIntl();
  const policy = useQuery({ queryKey: myPasswordPolicyQueryKey, queryFn: ({ signal }) => fetchMyPasswordPolicy(signal), staleTime: 0 });
  if (policy.isPending) return <Loading label={intl.formatMessage({ id: 'changePassword.loading' })} />;
  if (policy.isError) {
    return (
      <>
        <Message tone="error" title={intl.formatMessage({ id: 'changePassword.loadFailed' }, { reason: messageForError(intl, policy.error) })} />
        <Button onPress={() => void policy.refetch()}>
          {intl.formatMessage({ id: 'app.tryAgain' })}
        </Button>
      </>
    );
  }
  return <PasswordForm policy={policy.data} forced={forced} />;
}

function PasswordForm({ policy, forced }: { policy: PasswordPolicy; forced: boolean }) {
  const intl = useIntl();
  const me = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const showNotice = useShowNotice();
  const currentPasswordRef = useRef<HTMLInputElement>(null);
  const [currentPassword, setCurrentPassword] = useState('');
  const newPassword = useNewPassword(policy, { username: me.user.username, email: me.user.email });
  const [problem, setProblem] = useState<AlertContent | null>(null);
  const canSave = currentPassword.length > 0 && newPassword.canSave;

  const change = useMutation({
    mutationFn: (values: { currentPassword: string; newPassword: string }) => changeMyPassword(values.currentPassword, values.newPassword),
    onSuccess: async () => {
      const text = intl.formatMessage({ id: 'changePassword.changed' }, { email: me.user.email });
      setCurrentPassword('');
      newPassword.clear();
      if (!forced) {
        showNotice({ text, path: location.pathname });
        return;
      }
      // The session may now use the whole console: reload the signed-in person, then go where they were going.
      const destination = readLoginState(location.state).from ?? landingPath(me.permissions);
      await queryClient.fetchQuery({ queryKey: meQueryKey, queryFn: ({ signal }) => fetchMe(signal), staleTime: 0 });
      const path = destination.split(/[?#]/)[0] ?? destination;
      showNotice({ text, path });
      await navigate(destination, { replace: true });
    },
    onError: (error, submitted) => {
      if (isApiError(error) && error.code === 'CURRENT_PASSWORD_INCORRECT') {
        setCurrentPassword('');
        setProblem({ tone: 'error', title: messageForError(intl, error), children: <p>{intl.formatMessage({ id: 'changePassword.enterAgain' })}</p> });
        currentPasswordRef.current?.focus();
        return;
      }
      setProblem(newPassword.explainFailure(error, submitted.newPassword));
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!canSave || change.isPending) return;
    setProblem(null);
    change.mutate({ currentPassword, newPassword: newPassword.password });
  }

  return (
    <>
      <AlertRegion message={problem} />
      <Form className="form form-password" onSubmit={submit} aria-label={intl.formatMessage({ id: 'changePassword.form' })}>
        {/* Lets password managers tie the new password to the right account. */}
        <input type="text" name="username" autoComplete="username" value={me.user.username} readOnly hidden />
        <TextField
          label={intl.formatMessage({ id: 'changePassword.current' })}
          name="current-password"
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={setCurrentPassword}
          inputRef={currentPasswordRef}
        />
        <NewPasswordFields state={newPassword} showRules="while-typing" />
        <SavePasswordButton
          canSave={canSave}
          isPending={change.isPending}
          pendingLabel={intl.formatMessage({ id: 'changePassword.changing' })}
          hint={intl.formatMessage({ id: 'changePassword.saveHint' })}
        />
      </Form>
    </>
  );
}

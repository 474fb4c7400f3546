import type { PasswordPolicy } from '@lanyard/contracts/password-policy';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useLocation, useNavigate } from 'react-router';
import { isApiError, messageForError } from '../../api/client.ts';
import { changeMyPassword, fetchMyPasswordPolicy, myPasswordPolicyQueryKey } from '../../api/passwords.ts';
import { fetchMe, meQueryKey } from '../../api/session.ts';
import { useMe } from '../../app/me-context.ts';
import { readLoginState } from '../../app/navigation-state.ts';
import { useShowNotice } from '../../app/notice.ts';
import { Loading } from '../../ui/loading.tsx';
import { AlertRegion, Message, type AlertContent } from '../../ui/message.tsx';
import { NewPasswordFields, SavePasswordButton, useNewPassword } from '../../ui/new-password.tsx';
import { TextField } from '../../ui/text-field.tsx';

/**
 * Change Password (seed 000, SPEC §3.3): Current Password, New Password, Confirm New Password, Save. The
 * rules are the person's own (their role's, else their tenant's) and pop up once they start typing.
 */
export function ChangePasswordForm({ forced }: { forced: boolean }) {
  const policy = useQuery({ queryKey: myPasswordPolicyQueryKey, queryFn: ({ signal }) => fetchMyPasswordPolicy(signal), staleTime: 0 });
  if (policy.isPending) return <Loading label="Loading your password rules…" />;
  if (policy.isError) {
    return (
      <>
        <Message tone="error" title={`Your password rules could not be loaded. ${messageForError(policy.error)}`} />
        <Button className="button" onPress={() => void policy.refetch()}>
          Try again
        </Button>
      </>
    );
  }
  return <PasswordForm policy={policy.data} forced={forced} />;
}

function PasswordForm({ policy, forced }: { policy: PasswordPolicy; forced: boolean }) {
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
      const text = `Your password was changed. We sent a confirmation to ${me.user.email}.`;
      setCurrentPassword('');
      newPassword.clear();
      if (!forced) {
        showNotice({ text, path: location.pathname });
        return;
      }
      // The session may now use the whole console: reload the signed-in person, then go where they were going.
      const destination = readLoginState(location.state).from ?? '/profile/general';
      await queryClient.fetchQuery({ queryKey: meQueryKey, queryFn: ({ signal }) => fetchMe(signal), staleTime: 0 });
      const path = destination.split(/[?#]/)[0] ?? destination;
      showNotice({ text, path });
      await navigate(destination, { replace: true });
    },
    onError: (error, submitted) => {
      if (isApiError(error) && error.code === 'CURRENT_PASSWORD_INCORRECT') {
        setCurrentPassword('');
        setProblem({ tone: 'error', title: messageForError(error), children: <p>Enter your current password again.</p> });
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
      <Form className="form form-password" onSubmit={submit} aria-label="Change Password">
        {/* Lets password managers tie the new password to the right account. */}
        <input type="text" name="username" autoComplete="username" value={me.user.username} readOnly hidden />
        <TextField
          label="Current Password"
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
          pendingLabel="Changing your password…"
          hint="Save becomes available when you have entered your current password, your new password meets every rule, and both entries match."
        />
      </Form>
    </>
  );
}

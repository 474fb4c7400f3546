import type { InvitationInfo } from '@lanyard/contracts/api';
import { evaluatePassword, type PasswordRuleResult } from '@lanyard/contracts/password-policy';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Button, Form, Link as AriaLink } from 'react-aria-components';
import { useNavigate, useParams } from 'react-router';
import { acceptInvitation, fetchInvitation, invitationQueryKey } from '../../api/invitations.ts';
import { isApiError, messageForError } from '../../api/client.ts';
import type { LoginLocationState } from '../../app/navigation-state.ts';
import { Loading } from '../../ui/loading.tsx';
import { AlertRegion } from '../../ui/message.tsx';
import { PageTitle } from '../../ui/page-title.tsx';
import { PasswordChecklist, type ChecklistItem } from '../../ui/password-checklist.tsx';
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

/** Labels for rules the server can fail but the console cannot check by itself. */
const serverOnlyRuleLabels: Record<string, string> = {
  notCommon: 'Is not a commonly used password',
  notReused: 'Is not one of your recent passwords',
};

interface ServerRejection {
  password: string;
  failedRules: readonly string[];
}

function SetPasswordForm({ token, invitation }: { token: string; invitation: InvitationInfo }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const checklistId = useId();
  const hintId = useId();
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [rejection, setRejection] = useState<ServerRejection | null>(null);
  const [problem, setProblem] = useState<{ title: string; rules?: string[] } | null>(null);

  const rules: PasswordRuleResult[] = evaluatePassword(invitation.passwordPolicy, password, {
    username: invitation.username,
    email: invitation.email,
  });
  const serverFailed = rejection !== null && rejection.password === password ? rejection.failedRules : [];
  const items: ChecklistItem[] = rules.map((rule) => ({
    id: rule.id,
    label: rule.label,
    met: rule.met && !serverFailed.includes(rule.id),
  }));
  for (const id of serverFailed) {
    if (!items.some((item) => item.id === id)) items.push({ id, label: serverOnlyRuleLabels[id] ?? id, met: false });
  }
  const passwordsMatch = confirmation.length > 0 && confirmation === password;
  items.push({ id: 'match', label: 'Passwords match', met: passwordsMatch });
  const canSave = items.every((item) => item.met);

  const accept = useMutation({
    mutationFn: (value: string) => acceptInvitation(token, value),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: invitationQueryKey(token) });
      const state: LoginLocationState = { notice: 'password-set', username: invitation.username };
      await navigate('/login', { replace: true, state });
    },
    onError: (error, submitted) => {
      if (isApiError(error) && error.code === 'PASSWORD_POLICY_VIOLATED') {
        const failed = Array.isArray(error.details.failedRules)
          ? error.details.failedRules.filter((rule): rule is string => typeof rule === 'string')
          : [];
        setRejection({ password: submitted, failedRules: failed });
        const labels = failed.map(
          (id) => rules.find((rule) => rule.id === id)?.label ?? serverOnlyRuleLabels[id] ?? id,
        );
        setProblem({ title: messageForError(error), rules: labels });
        return;
      }
      setProblem({ title: messageForError(error) });
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!canSave || accept.isPending) return;
    setProblem(null);
    accept.mutate(password);
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

      <AlertRegion
        message={
          problem === null
            ? null
            : {
                tone: 'error',
                title: problem.title,
                children:
                  problem.rules !== undefined && problem.rules.length > 0 ? (
                    <>
                      <p>These rules are not met:</p>
                      <ul>
                        {problem.rules.map((label) => (
                          <li key={label}>{label}</li>
                        ))}
                      </ul>
                    </>
                  ) : undefined,
              }
        }
      />

      <Form className="form" onSubmit={submit} aria-label="Set your password">
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          value={invitation.username}
          isReadOnly
          description="Your username is set by your administrator. You sign in with it."
        />
        <TextField
          label="New Password"
          name="new-password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          aria-describedby={checklistId}
        />
        <TextField
          label="Confirm New Password"
          name="confirm-new-password"
          type="password"
          autoComplete="new-password"
          value={confirmation}
          onChange={setConfirmation}
        />
        <PasswordChecklist id={checklistId} title="Your password must meet these rules:" items={items} />
        <div className="form-actions">
          <Button
            type="submit"
            className="button button-primary"
            isDisabled={!canSave || accept.isPending}
            {...(canSave ? {} : { 'aria-describedby': hintId })}
          >
            Save
          </Button>
          {accept.isPending && <span className="muted">Saving your password…</span>}
          {!canSave && (
            <p className="field-description" id={hintId}>
              Save becomes available when every rule is met.
            </p>
          )}
        </div>
      </Form>
      <p className="muted small after-form">
        Already set your password? <AriaLink href="/login">Sign in</AriaLink>.
      </p>
    </div>
  );
}

import type { Role } from '@lanyard/contracts/api';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Dialog, Form, Heading } from 'react-aria-components';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { useLocation } from 'react-router';
import { inviteExistingUser, type TeamWithCount } from '../../api/admin.ts';
import { isApiError } from '../../api/client.ts';
import { messageForError } from '../../ui/error-message.ts';
import { useMe } from '../../session/me-context.ts';
import { useShowNotice } from '../../session/notice.ts';
import { AlertRegion } from '../../ui/message.tsx';
import { SelectField } from '../../ui/select-field.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { grantableRoles } from './grantable.ts';

const noTeam = 'none';

type Field = 'role' | 'team';

/**
 * The field a coded refusal of `POST /api/v1/admin/users/memberships` is about; others are shown above the form. Nothing is ever
 * said about the person named: the answer is the same whether or not they have an account (SPEC §3.12).
 */
const fieldOfCode: Readonly<Record<string, Field>> = {
  ROLE_NOT_FOUND: 'role',
  ROLE_NOT_GRANTABLE: 'role',
  TEAM_NOT_FOUND: 'team',
};

/**
 * Add existing user: invites a person who already has an account (in another tenant) to join this one. They get an email and become
 * a member when they accept, signed in; the dialog says the same thing whoever was named.
 */
export function AddMemberDialog({ roles, teams, onDone }: { roles: readonly Role[]; teams: readonly TeamWithCount[]; onDone: () => void }) {
  const intl = useIntl();
  const me = useMe();
  const showNotice = useShowNotice();
  const location = useLocation();
  const choices = grantableRoles(roles, me.permissions);
  const [user, setUser] = useState('');
  const [roleId, setRoleId] = useState<string | null>(choices.find((role) => role.name === 'Agent')?.id ?? choices[0]?.id ?? null);
  const [teamId, setTeamId] = useState<string>(noTeam);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({});
  const [problem, setProblem] = useState<string | null>(null);

  const add = useMutation({
    mutationFn: () => inviteExistingUser({ user: user.trim(), roleId: roleId ?? '', teamId: teamId === noTeam ? null : teamId }),
    onSuccess: () => {
      const role = choices.find((choice) => choice.id === roleId)?.name ?? '';
      showNotice({ text: intl.formatMessage({ id: 'addMember.sent' }, { user: user.trim(), role, tenant: me.tenant.name }), path: location.pathname });
      onDone();
    },
    onError: (error) => {
      const message = messageForError(intl, error);
      const field = isApiError(error) ? fieldOfCode[error.code] : undefined;
      if (field !== undefined) setFieldErrors({ [field]: message });
      // The role and team lists keep focus where it is: the alert says what to change.
      setProblem(message);
    },
  });

  const clearError = (field: Field) => {
    if (fieldErrors[field] === undefined) return;
    setFieldErrors((errors) => ({ ...errors, [field]: undefined }));
    setProblem(null);
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (add.isPending || roleId === null || user.trim() === '') return;
    setProblem(null);
    setFieldErrors({});
    add.mutate();
  }

  return (
    <Dialog className="dialog">
      <Heading slot="title" className="dialog-title">
        {intl.formatMessage({ id: 'addMember.heading' })}
      </Heading>
      <p>{intl.formatMessage({ id: 'addMember.intro' }, { tenant: me.tenant.name })}</p>
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      <Form className="form" onSubmit={submit} aria-label={intl.formatMessage({ id: 'addMember.heading' })}>
        <TextField
          label={intl.formatMessage({ id: 'addMember.user' })}
          description={intl.formatMessage({ id: 'addMember.userHint' })}
          name="user"
          value={user}
          onChange={(value) => {
            setUser(value);
            setProblem(null);
          }}
          isIdentifier
          isRequired
          maxLength={254}
          autoFocus
        />
        <div className="field-row">
          <SelectField
            label={intl.formatMessage({ id: 'invite.role' })}
            description={intl.formatMessage({ id: 'invite.roleHint' })}
            placeholder={intl.formatMessage({ id: 'invite.rolePlaceholder' })}
            options={choices.map((role) => ({ id: role.id, name: role.name }))}
            value={roleId}
            onChange={(value) => {
              setRoleId(value);
              clearError('role');
            }}
            errorMessage={fieldErrors.role}
          />
          <SelectField
            label={intl.formatMessage({ id: 'addMember.team' })}
            placeholder={intl.formatMessage({ id: 'directory.noTeam' })}
            options={[{ id: noTeam, name: intl.formatMessage({ id: 'directory.noTeam' }) }, ...teams.map((team) => ({ id: team.id, name: team.name }))]}
            value={teamId}
            onChange={(value) => {
              setTeamId(value ?? noTeam);
              clearError('team');
            }}
            errorMessage={fieldErrors.team}
          />
        </div>
        <div className="form-actions">
          <Button type="submit" variant="primary" isDisabled={roleId === null}>
            {intl.formatMessage({ id: 'addMember.submit' })}
          </Button>
          <Button slot="close">
            {intl.formatMessage({ id: 'app.cancel' })}
          </Button>
          {add.isPending && <span className="muted">{intl.formatMessage({ id: 'addMember.adding' })}</span>}
        </div>
      </Form>
    </Dialog>
  );
}

import type { Role } from '@lanyard/contracts/api';
import { useState, type FormEvent } from 'react';
import { Dialog, Form, Heading } from 'react-aria-components';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { inviteUser, teamsQueryKey, usersQueryKey, type TeamWithCount } from '../../api/admin.ts';
import { useMe } from '../../session/me-context.ts';
import { Checkbox } from '../../ui/checkbox.tsx';
import { AlertRegion } from '../../ui/message.tsx';
import { SelectField } from '../../ui/select-field.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { useCommand } from '../../ui/use-command.ts';
import { grantableRoles } from './grantable.ts';

const noTeam = 'none';

/** Invite user: the account is created and an invitation (or, for SSO Only, a sign-in-with-SSO note) is emailed. */
export function InviteDialog({ roles, teams, onDone }: { roles: readonly Role[]; teams: readonly TeamWithCount[]; onDone: () => void }) {
  const intl = useIntl();
  const me = useMe();
  const choices = grantableRoles(roles, me.permissions);
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [roleId, setRoleId] = useState<string | null>(choices.find((role) => role.name === 'Agent')?.id ?? choices[0]?.id ?? null);
  const [teamId, setTeamId] = useState<string>(noTeam);
  const [ssoOnly, setSsoOnly] = useState(false);

  const invite = useCommand({
    run: () =>
      inviteUser({
        username: username.trim(),
        email: email.trim(),
        firstName: firstName.trim(),
        lastName: lastName.trim(),
        roleId: roleId ?? '',
        teamId: teamId === noTeam ? null : teamId,
        ssoOnly,
      }),
    // The new person shows in the directory and in their team's member count.
    invalidates: [usersQueryKey, teamsQueryKey],
    onSuccess: onDone,
    success: (answer) => ({ id: ssoOnly ? 'invite.sentSso' : 'invite.sent', values: { username: answer.user.username, email: answer.user.email } }),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (roleId !== null) invite.run();
  }

  return (
    <Dialog className="dialog">
      <Heading slot="title" className="dialog-title">
        {intl.formatMessage({ id: 'invite.heading' })}
      </Heading>
      <p>{intl.formatMessage({ id: 'invite.intro' })}</p>
      <AlertRegion message={invite.problem === null ? null : { tone: 'error', title: invite.problem }} />
      <Form className="form" onSubmit={submit} aria-label={intl.formatMessage({ id: 'invite.heading' })}>
        <div className="field-row">
          <TextField label={intl.formatMessage({ id: 'invite.username' })} name="username" value={username} onChange={setUsername} isIdentifier isRequired maxLength={254} autoFocus />
          <TextField label={intl.formatMessage({ id: 'invite.email' })} name="email" type="email" value={email} onChange={setEmail} isIdentifier isRequired maxLength={254} />
        </div>
        <div className="field-row">
          <TextField label={intl.formatMessage({ id: 'invite.firstName' })} name="firstName" value={firstName} onChange={setFirstName} isRequired maxLength={100} />
          <TextField label={intl.formatMessage({ id: 'invite.lastName' })} name="lastName" value={lastName} onChange={setLastName} isRequired maxLength={100} />
        </div>
        <div className="field-row">
          <SelectField
            label={intl.formatMessage({ id: 'invite.role' })}
            description={intl.formatMessage({ id: 'invite.roleHint' })}
            placeholder={intl.formatMessage({ id: 'invite.rolePlaceholder' })}
            options={choices.map((role) => ({ id: role.id, name: role.name }))}
            value={roleId}
            onChange={setRoleId}
          />
          <SelectField
            label={intl.formatMessage({ id: 'invite.team' })}
            placeholder={intl.formatMessage({ id: 'directory.noTeam' })}
            options={[{ id: noTeam, name: intl.formatMessage({ id: 'directory.noTeam' }) }, ...teams.map((team) => ({ id: team.id, name: team.name }))]}
            value={teamId}
            onChange={(value) => setTeamId(value ?? noTeam)}
          />
        </div>
        <Checkbox
          name="ssoOnly"
          label={intl.formatMessage({ id: 'invite.ssoOnly' })}
          description={intl.formatMessage({ id: 'invite.ssoOnlyHint' })}
          isSelected={ssoOnly}
          onChange={setSsoOnly}
        />
        <div className="form-actions">
          <Button type="submit" variant="primary" isDisabled={roleId === null}>
            {intl.formatMessage({ id: 'invite.submit' })}
          </Button>
          <Button slot="close">
            {intl.formatMessage({ id: 'app.cancel' })}
          </Button>
          {invite.isPending && <span className="muted">{intl.formatMessage({ id: 'invite.sending' })}</span>}
        </div>
      </Form>
    </Dialog>
  );
}

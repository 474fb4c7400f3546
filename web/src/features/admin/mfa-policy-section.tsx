import type { MfaPolicy, MfaPolicyMode } from '@lanyard/contracts/mfa';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import type { Role } from '@lanyard/contracts/api';
import { listRoles, rolesQueryKey } from '../../api/admin.ts';
import { fetchMfaPolicy, mfaPolicyQueryKey, saveMfaPolicy } from '../../api/mfa.ts';
import { Checkbox } from '../../ui/checkbox.tsx';
import { AlertRegion } from '../../ui/message.tsx';
import { RadioGroup } from '../../ui/radio-group.tsx';
import { useCommand } from '../../ui/use-command.ts';
import { QueryState } from './admin-page.tsx';

/** Administration › Security › MFA policy (SPEC §3.4): off, optional, or required for chosen roles; the periods allowed. */
export function MfaPolicySection() {
  const intl = useIntl();
  const policy = useQuery({ queryKey: mfaPolicyQueryKey, queryFn: ({ signal }) => fetchMfaPolicy(signal) });
  const roles = useQuery({ queryKey: rolesQueryKey, queryFn: ({ signal }) => listRoles(signal) });
  return (
    <section className="panel-section" aria-labelledby="mfa-policy-heading" data-policy="mfa">
      <h2 id="mfa-policy-heading">{intl.formatMessage({ id: 'mfaPolicy.heading' })}</h2>
      <p>{intl.formatMessage({ id: 'mfaPolicy.intro' })}</p>
      {policy.isPending || policy.isError ? (
        <QueryState query={policy} failedTitle={intl.formatMessage({ id: 'securityPage.loadFailed' })} />
      ) : roles.isPending || roles.isError ? (
        <QueryState query={roles} failedTitle={intl.formatMessage({ id: 'mfaPolicy.rolesFailed' })} />
      ) : (
        <MfaPolicyForm initial={policy.data} roles={roles.data} />
      )}
    </section>
  );
}

function MfaPolicyForm({ initial, roles }: { initial: MfaPolicy; roles: Role[] }) {
  const intl = useIntl();
  const [mode, setMode] = useState<MfaPolicyMode>(initial.mode);
  const [requiredRoleIds, setRequiredRoleIds] = useState<string[]>(initial.requiredRoleIds);
  const [allow60, setAllow60] = useState(initial.allowedPeriods.length > 1);
  const needsRole = mode === 'required' && requiredRoleIds.length === 0;

  const save = useCommand({
    run: () => saveMfaPolicy({ mode, requiredRoleIds: mode === 'required' ? requiredRoleIds : [], allowedPeriods: allow60 ? [30, 60] : [30] }),
    invalidates: [mfaPolicyQueryKey],
    onSuccess: (saved) => setRequiredRoleIds(saved.requiredRoleIds),
    success: () => ({ id: 'mfaPolicy.saved' }),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!needsRole) save.run();
  }

  function toggleRole(roleId: string, selected: boolean) {
    setRequiredRoleIds(selected ? [...requiredRoleIds, roleId] : requiredRoleIds.filter((id) => id !== roleId));
  }

  return (
    <Form className="form" onSubmit={submit} aria-labelledby="mfa-policy-heading">
      <AlertRegion message={save.problem === null ? null : { tone: 'error', title: save.problem }} />
      <RadioGroup<MfaPolicyMode>
        name="mfaMode"
        label={intl.formatMessage({ id: 'mfaPolicy.mode' })}
        value={mode}
        onChange={setMode}
        options={[
          { value: 'off', label: intl.formatMessage({ id: 'mfaPolicy.mode.off' }), description: intl.formatMessage({ id: 'mfaPolicy.mode.offHint' }) },
          { value: 'optional', label: intl.formatMessage({ id: 'mfaPolicy.mode.optional' }), description: intl.formatMessage({ id: 'mfaPolicy.mode.optionalHint' }) },
          { value: 'required', label: intl.formatMessage({ id: 'mfaPolicy.mode.required' }), description: intl.formatMessage({ id: 'mfaPolicy.mode.requiredHint' }) },
        ]}
      />
      {mode === 'required' && (
        <fieldset className="fieldset">
          <legend>{intl.formatMessage({ id: 'mfaPolicy.roles' })}</legend>
          {roles.map((role) => (
            <Checkbox key={role.id} name={`role-${role.id}`} label={role.name} isSelected={requiredRoleIds.includes(role.id)} onChange={(selected) => toggleRole(role.id, selected)} />
          ))}
          {needsRole && <p className="field-description">{intl.formatMessage({ id: 'mfaPolicy.rolesNeeded' })}</p>}
        </fieldset>
      )}
      <Checkbox
        name="allow60"
        label={intl.formatMessage({ id: 'mfaPolicy.allow60' })}
        description={intl.formatMessage({ id: 'mfaPolicy.allow60Hint' })}
        isSelected={allow60}
        onChange={setAllow60}
      />
      <div className="form-actions">
        <Button type="submit" variant="primary" isDisabled={needsRole || save.isPending}>
          {intl.formatMessage({ id: 'app.save' })}
        </Button>
        {save.isPending && <span className="muted">{intl.formatMessage({ id: 'app.saving' })}</span>}
      </div>
    </Form>
  );
}

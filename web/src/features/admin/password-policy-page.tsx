import type { PasswordPolicySettings } from '@lanyard/contracts/api';
import type { PasswordPolicy } from '@lanyard/contracts/password-policy';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Dialog, Form, Heading } from 'react-aria-components';
import { Button } from '../../ui/button.tsx';
import { useLocation } from 'react-router';
import { messageForError } from '../../ui/error-message.ts';
import {
  fetchPasswordPolicySettings,
  passwordPolicySettingsQueryKey,
  saveRolePasswordPolicy,
  saveTenantPasswordPolicy,
} from '../../api/passwords.ts';
import { useMe } from '../../session/me-context.ts';
import { useShowNotice } from '../../session/notice.ts';
import { Loading } from '../../ui/loading.tsx';
import { AlertRegion, Message } from '../../ui/message.tsx';
import { PageTitle } from '../../ui/page-title.tsx';
import { isPolicyValid, PasswordPolicyFields, PolicySaveButton, summarisePolicy, type PolicyPreset } from './password-policy-form.tsx';
import { FormattedMessage, useIntl } from 'react-intl';
import { DismissableModal } from '../../ui/dismissable-modal.tsx';

type RoleEntry = PasswordPolicySettings['roles'][number];


/** Administration › Security › Password policy (SPEC §3.3): the tenant policy and per-role overrides. */
export function PasswordPolicyPage() {
  const intl = useIntl();
  const me = useMe();
  const allowed = me.permissions.includes('security.policies.manage');
  const settings = useQuery({
    queryKey: passwordPolicySettingsQueryKey,
    queryFn: ({ signal }) => fetchPasswordPolicySettings(signal),
    enabled: allowed,
  });

  return (
    <div className="admin-page">
      <PageTitle title={intl.formatMessage({ id: 'policyPage.title' })} />
      <p className="eyebrow">{intl.formatMessage({ id: 'policyPage.eyebrow' })}</p>
      <h1 tabIndex={-1}>{intl.formatMessage({ id: 'policyPage.heading' })}</h1>
      {!allowed ? (
        <Message tone="info" title={intl.formatMessage({ id: 'policyPage.notAllowed' })}>
          <p>{intl.formatMessage({ id: 'policyPage.notAllowedBody' })}</p>
        </Message>
      ) : settings.isPending ? (
        <Loading label={intl.formatMessage({ id: 'policyPage.loading' })} />
      ) : settings.isError ? (
        <>
          <Message tone="error" title={intl.formatMessage({ id: 'policyPage.loadFailed' }, { reason: messageForError(intl, settings.error) })} />
          <Button onPress={() => void settings.refetch()}>
            {intl.formatMessage({ id: 'app.tryAgain' })}
          </Button>
        </>
      ) : (
        <>
          <p className="lead">
            <FormattedMessage id="policyPage.lead" values={{ tenant: me.tenant.name, strong: (chunks) => <strong>{chunks}</strong> }} />
          </p>
          <Message tone="info">
            <p>{intl.formatMessage({ id: 'policyPage.tightening' })}</p>
          </Message>
          <TenantPolicySection settings={settings.data} />
          <RolePoliciesSection settings={settings.data} />
        </>
      )}
    </div>
  );
}

function TenantPolicySection({ settings }: { settings: PasswordPolicySettings }) {
  const intl = useIntl();
  const queryClient = useQueryClient();
  const location = useLocation();
  const showNotice = useShowNotice();
  const [policy, setPolicy] = useState<PasswordPolicy>(settings.tenantPolicy);
  const [problem, setProblem] = useState<string | null>(null);

  const save = useMutation({
    mutationFn: saveTenantPasswordPolicy,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: passwordPolicySettingsQueryKey });
      showNotice({ text: intl.formatMessage({ id: 'policyPage.tenantSaved' }), path: location.pathname });
    },
    onError: (error) => setProblem(messageForError(intl, error)),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!isPolicyValid(policy) || save.isPending) return;
    setProblem(null);
    save.mutate(policy);
  }

  return (
    <section aria-labelledby="tenant-policy-heading" className="panel-section">
      <h2 id="tenant-policy-heading">{intl.formatMessage({ id: 'policyPage.tenantPolicy' })}</h2>
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      <Form className="form" onSubmit={submit} aria-labelledby="tenant-policy-heading">
        <PasswordPolicyFields value={policy} onChange={setPolicy} presets={settings.presets} />
        <div className="form-actions">
          <PolicySaveButton policy={policy} isPending={save.isPending} />
          {save.isPending && <span className="muted">{intl.formatMessage({ id: 'app.saving' })}</span>}
        </div>
      </Form>
    </section>
  );
}

function RolePoliciesSection({ settings }: { settings: PasswordPolicySettings }) {
  const intl = useIntl();
  const columns = {
    role: intl.formatMessage({ id: 'policyPage.column.role' }),
    policy: intl.formatMessage({ id: 'policyPage.column.policy' }),
    actions: intl.formatMessage({ id: 'policyPage.column.actions' }),
  };
  const queryClient = useQueryClient();
  const location = useLocation();
  const showNotice = useShowNotice();
  const [editing, setEditing] = useState<RoleEntry | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const clear = useMutation({
    mutationFn: (role: RoleEntry) => saveRolePasswordPolicy(role.id, null),
    onSuccess: async (_answer, role) => {
      await queryClient.invalidateQueries({ queryKey: passwordPolicySettingsQueryKey });
      showNotice({ text: intl.formatMessage({ id: 'policyPage.roleUsesTenant' }, { role: role.name }), path: location.pathname });
    },
    onError: (error) => setProblem(messageForError(intl, error)),
  });

  return (
    <section aria-labelledby="role-policies-heading" className="panel-section">
      <h2 id="role-policies-heading">{intl.formatMessage({ id: 'policyPage.rolePolicies' })}</h2>
      <p>{intl.formatMessage({ id: 'policyPage.rolePoliciesIntro' })}</p>
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      <div className="table-wrap">
        {/* Explicit roles: below 40rem the rows are drawn as cards, and CSS display would drop the table semantics. */}
        <table className="table table-stacked" role="table">
          <thead role="rowgroup">
            <tr role="row">
              <th scope="col" role="columnheader">
                {columns.role}
              </th>
              <th scope="col" role="columnheader">
                {columns.policy}
              </th>
              <th scope="col" role="columnheader">
                <span className="visually-hidden">{columns.actions}</span>
              </th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            {settings.roles.map((role) => (
              <tr key={role.id} role="row" data-role={role.name}>
                <th scope="row" role="rowheader" className="cell-wide">
                  {role.name}
                </th>
                <td role="cell" className="cell-wide" data-label={columns.policy}>
                  <span className="policy-kind">{role.passwordPolicy === null ? intl.formatMessage({ id: 'policyPage.usesTenant' }) : intl.formatMessage({ id: 'policyPage.ownPolicy' })}</span>
                  {role.passwordPolicy !== null && <span className="muted small policy-summary">{summarisePolicy(intl, role.passwordPolicy)}</span>}
                </td>
                <td role="cell" className="cell-wide">
                  <div className="table-actions">
                    <Button
                      size="small"
                      aria-label={intl.formatMessage({ id: role.passwordPolicy === null ? 'policyPage.setOwnFor' : 'policyPage.editOwnFor' }, { role: role.name })}
                      onPress={() => {
                        setProblem(null);
                        setEditing(role);
                      }}
                    >
                      {intl.formatMessage({ id: role.passwordPolicy === null ? 'policyPage.setOwn' : 'policyPage.editOwn' })}
                    </Button>
                    {role.passwordPolicy !== null && (
                      <Button
                        size="small"
                        aria-label={intl.formatMessage({ id: 'policyPage.useTenantFor' }, { role: role.name })}
                        isDisabled={clear.isPending}
                        onPress={() => {
                          setProblem(null);
                          clear.mutate(role);
                        }}
                      >
                        {intl.formatMessage({ id: 'policyPage.useTenant' })}
                      </Button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <DismissableModal wide isOpen={editing !== null} onClose={() => setEditing(null)}>
          {editing !== null && (
            <RolePolicyDialog
              role={editing}
              initial={editing.passwordPolicy ?? settings.tenantPolicy}
              presets={settings.presets}
              onDone={() => setEditing(null)}
            />
          )}
        </DismissableModal>
    </section>
  );
}

function RolePolicyDialog({
  role,
  initial,
  presets,
  onDone,
}: {
  role: RoleEntry;
  initial: PasswordPolicy;
  presets: readonly PolicyPreset[];
  onDone: () => void;
}) {
  const intl = useIntl();
  const queryClient = useQueryClient();
  const location = useLocation();
  const showNotice = useShowNotice();
  const [policy, setPolicy] = useState<PasswordPolicy>(initial);
  const [problem, setProblem] = useState<string | null>(null);

  const save = useMutation({
    mutationFn: (value: PasswordPolicy) => saveRolePasswordPolicy(role.id, value),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: passwordPolicySettingsQueryKey });
      onDone();
      showNotice({ text: intl.formatMessage({ id: 'policyPage.roleSaved' }, { role: role.name }), path: location.pathname });
    },
    onError: (error) => setProblem(messageForError(intl, error)),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!isPolicyValid(policy) || save.isPending) return;
    setProblem(null);
    save.mutate(policy);
  }

  return (
    <Dialog className="dialog">
      <Heading slot="title" className="dialog-title">
        {intl.formatMessage({ id: 'policyPage.dialogTitle' }, { role: role.name })}
      </Heading>
      <p>{intl.formatMessage({ id: role.passwordPolicy === null ? 'policyPage.dialogFromTenant' : 'policyPage.dialogOwn' }, { role: role.name })}</p>
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      <Form className="form" onSubmit={submit} aria-label={intl.formatMessage({ id: 'policyPage.dialogTitle' }, { role: role.name })}>
        <PasswordPolicyFields value={policy} onChange={setPolicy} presets={presets} />
        <div className="form-actions">
          <PolicySaveButton policy={policy} isPending={save.isPending} />
          <Button slot="close">
            {intl.formatMessage({ id: 'app.cancel' })}
          </Button>
          {save.isPending && <span className="muted">{intl.formatMessage({ id: 'app.saving' })}</span>}
        </div>
      </Form>
    </Dialog>
  );
}

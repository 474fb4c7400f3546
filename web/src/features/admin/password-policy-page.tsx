import type { PasswordPolicySettings } from '@lanyard/contracts/api';
import type { PasswordPolicy } from '@lanyard/contracts/password-policy';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, Dialog, Form, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { useLocation } from 'react-router';
import { messageForError } from '../../api/client.ts';
import {
  fetchPasswordPolicySettings,
  passwordPolicySettingsQueryKey,
  saveRolePasswordPolicy,
  saveTenantPasswordPolicy,
} from '../../api/passwords.ts';
import { useMe } from '../../app/me-context.ts';
import { useShowNotice } from '../../app/notice.ts';
import { Loading } from '../../ui/loading.tsx';
import { AlertRegion, Message } from '../../ui/message.tsx';
import { PageTitle } from '../../ui/page-title.tsx';
import { isPolicyValid, PasswordPolicyFields, PolicySaveButton, summarisePolicy, type PolicyPreset } from './password-policy-form.tsx';

type RoleEntry = PasswordPolicySettings['roles'][number];

/** The column names of the role table, also the labels of each value when rows are drawn as cards. */
const columns = { role: 'Role', policy: 'Password policy', actions: 'Actions' };

/** Administration › Security › Password policy (SPEC §3.3): the tenant policy and per-role overrides. */
export function PasswordPolicyPage() {
  const me = useMe();
  const allowed = me.permissions.includes('security.policies.manage');
  const settings = useQuery({
    queryKey: passwordPolicySettingsQueryKey,
    queryFn: ({ signal }) => fetchPasswordPolicySettings(signal),
    enabled: allowed,
  });

  return (
    <div className="admin-page">
      <PageTitle title="Password policy · Administration" />
      <p className="eyebrow">Administration › Security</p>
      <h1 tabIndex={-1}>Password policy</h1>
      {!allowed ? (
        <Message tone="info" title="Your account does not have permission to manage security policies.">
          <p>Ask an administrator whose role has the Security Policies permission.</p>
        </Message>
      ) : settings.isPending ? (
        <Loading label="Loading the password policy…" />
      ) : settings.isError ? (
        <>
          <Message tone="error" title={`The password policy could not be loaded. ${messageForError(settings.error)}`} />
          <Button className="button" onPress={() => void settings.refetch()}>
            Try again
          </Button>
        </>
      ) : (
        <>
          <p className="lead">
            These rules apply to everyone in <strong>{me.tenant.name}</strong> whose role has no policy of its own.
          </p>
          <Message tone="info">
            <p>
              When you tighten the rules, people whose password no longer meets them must change it the next time they sign in.
              Rules about reuse apply from their next change.
            </p>
          </Message>
          <TenantPolicySection settings={settings.data} />
          <RolePoliciesSection settings={settings.data} />
        </>
      )}
    </div>
  );
}

function TenantPolicySection({ settings }: { settings: PasswordPolicySettings }) {
  const queryClient = useQueryClient();
  const location = useLocation();
  const showNotice = useShowNotice();
  const [policy, setPolicy] = useState<PasswordPolicy>(settings.tenantPolicy);
  const [problem, setProblem] = useState<string | null>(null);

  const save = useMutation({
    mutationFn: saveTenantPasswordPolicy,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: passwordPolicySettingsQueryKey });
      showNotice({ text: 'The tenant password policy was saved.', path: location.pathname });
    },
    onError: (error) => setProblem(messageForError(error)),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!isPolicyValid(policy) || save.isPending) return;
    setProblem(null);
    save.mutate(policy);
  }

  return (
    <section aria-labelledby="tenant-policy-heading" className="panel-section">
      <h2 id="tenant-policy-heading">Tenant policy</h2>
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      <Form className="form" onSubmit={submit} aria-labelledby="tenant-policy-heading">
        <PasswordPolicyFields value={policy} onChange={setPolicy} presets={settings.presets} />
        <div className="form-actions">
          <PolicySaveButton policy={policy} isPending={save.isPending} />
          {save.isPending && <span className="muted">Saving…</span>}
        </div>
      </Form>
    </section>
  );
}

function RolePoliciesSection({ settings }: { settings: PasswordPolicySettings }) {
  const queryClient = useQueryClient();
  const location = useLocation();
  const showNotice = useShowNotice();
  const [editing, setEditing] = useState<RoleEntry | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const clear = useMutation({
    mutationFn: (role: RoleEntry) => saveRolePasswordPolicy(role.id, null),
    onSuccess: async (_answer, role) => {
      await queryClient.invalidateQueries({ queryKey: passwordPolicySettingsQueryKey });
      showNotice({ text: `${role.name} now uses the tenant policy.`, path: location.pathname });
    },
    onError: (error) => setProblem(messageForError(error)),
  });

  return (
    <section aria-labelledby="role-policies-heading" className="panel-section">
      <h2 id="role-policies-heading">Role policies</h2>
      <p>
        Passwords might be different for groups of users: a role can have its own policy instead of the tenant policy. Its members
        then follow only the role&apos;s rules.
      </p>
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
                  <span className="policy-kind">{role.passwordPolicy === null ? 'Uses the tenant policy' : 'Own policy'}</span>
                  {role.passwordPolicy !== null && <span className="muted small policy-summary">{summarisePolicy(role.passwordPolicy)}</span>}
                </td>
                <td role="cell" className="cell-wide">
                  <div className="table-actions">
                    <Button
                      className="button button-small"
                      aria-label={`${role.passwordPolicy === null ? 'Set own policy' : 'Edit own policy'} for ${role.name}`}
                      onPress={() => {
                        setProblem(null);
                        setEditing(role);
                      }}
                    >
                      {role.passwordPolicy === null ? 'Set own policy' : 'Edit own policy'}
                    </Button>
                    {role.passwordPolicy !== null && (
                      <Button
                        className="button button-small"
                        aria-label={`Use tenant policy for ${role.name}`}
                        isDisabled={clear.isPending}
                        onPress={() => {
                          setProblem(null);
                          clear.mutate(role);
                        }}
                      >
                        Use tenant policy
                      </Button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ModalOverlay
        className="modal-overlay"
        isDismissable
        isOpen={editing !== null}
        onOpenChange={(open) => {
          if (!open) setEditing(null);
        }}
      >
        <Modal className="modal modal-wide">
          {editing !== null && (
            <RolePolicyDialog
              role={editing}
              initial={editing.passwordPolicy ?? settings.tenantPolicy}
              presets={settings.presets}
              onDone={() => setEditing(null)}
            />
          )}
        </Modal>
      </ModalOverlay>
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
      showNotice({ text: `The password policy of ${role.name} was saved.`, path: location.pathname });
    },
    onError: (error) => setProblem(messageForError(error)),
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
        Password policy for {role.name}
      </Heading>
      <p>
        {role.passwordPolicy === null
          ? `${role.name} uses the tenant policy now. The rules below start from it.`
          : `Members of ${role.name} follow these rules instead of the tenant policy.`}
      </p>
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      <Form className="form" onSubmit={submit} aria-label={`Password policy for ${role.name}`}>
        <PasswordPolicyFields value={policy} onChange={setPolicy} presets={presets} />
        <div className="form-actions">
          <PolicySaveButton policy={policy} isPending={save.isPending} />
          <Button className="button" slot="close">
            Cancel
          </Button>
          {save.isPending && <span className="muted">Saving…</span>}
        </div>
      </Form>
    </Dialog>
  );
}

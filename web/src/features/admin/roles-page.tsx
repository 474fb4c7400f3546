import type { Role } from '@lanyard/contracts/api';
import { permissionCatalogue } from '@lanyard/contracts/permissions';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, Checkbox as AriaCheckbox, Dialog, Form, Heading } from 'react-aria-components';
import { useIntl } from 'react-intl';
import { createRole, deleteRole, listRoles, rolesQueryKey, updateRole } from '../../api/admin.ts';
import { passwordPolicySettingsQueryKey } from '../../api/passwords.ts';
import { messageForError } from '../../api/client.ts';
import { useMe } from '../../session/me-context.ts';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { AlertRegion } from '../../ui/message.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { showToast } from '../../ui/toasts.tsx';
import { AdminPage, QueryState } from './admin-page.tsx';
import { DismissableModal } from '../../ui/dismissable-modal.tsx';

/** The catalogue's groups, in its order, each with its permissions (SPEC §2 "Permission catalogue"). */
export const permissionGroups: { group: string; entries: (typeof permissionCatalogue)[number][] }[] = [];
for (const entry of permissionCatalogue) {
  const found = permissionGroups.find((group) => group.group === entry.group);
  if (found === undefined) permissionGroups.push({ group: entry.group, entries: [entry] });
  else found.entries.push(entry);
}

/** The built-in Administrator always holds every permission (ROLE_ADMINISTRATOR_FIXED). */
function isAdministrator(role: Role): boolean {
  return role.builtIn && role.name === 'Administrator';
}

const labelOf = new Map<string, string>(permissionCatalogue.map((entry) => [entry.key, entry.label]));

/** Administration › Roles (SPEC §3.9, `roles.manage`). */
export function RolesPage() {
  const intl = useIntl();
  return (
    <AdminPage
      title={intl.formatMessage({ id: 'rolesPage.heading' })}
      eyebrow={intl.formatMessage({ id: 'admin.eyebrow' })}
      heading={intl.formatMessage({ id: 'rolesPage.heading' })}
      permission="roles.manage"
    >
      <Roles />
    </AdminPage>
  );
}

function Roles() {
  const intl = useIntl();
  const queryClient = useQueryClient();
  const roles = useQuery({ queryKey: rolesQueryKey, queryFn: ({ signal }) => listRoles(signal) });
  const [editing, setEditing] = useState<Role | 'new' | null>(null);
  const [toDelete, setToDelete] = useState<Role | null>(null);
  const remove = useMutation({
    mutationFn: (role: Role) => deleteRole(role.id),
    onSuccess: async (_answer, role) => {
      setToDelete(null);
      showToast({ tone: 'success', text: intl.formatMessage({ id: 'rolesPage.deleted' }, { name: role.name }) });
      await queryClient.invalidateQueries({ queryKey: rolesQueryKey });
      await queryClient.invalidateQueries({ queryKey: passwordPolicySettingsQueryKey });
    },
    onError: (error) => {
      setToDelete(null);
      showToast({ tone: 'error', text: messageForError(intl, error) });
    },
  });
  const columns = {
    name: intl.formatMessage({ id: 'rolesPage.column.name' }),
    permissions: intl.formatMessage({ id: 'rolesPage.column.permissions' }),
    actions: intl.formatMessage({ id: 'keys.column.actions' }),
  };

  return (
    <>
      <p className="lead">{intl.formatMessage({ id: 'rolesPage.lead' })}</p>
      <div className="page-actions">
        <Button className="button button-primary" onPress={() => setEditing('new')}>
          {intl.formatMessage({ id: 'rolesPage.create' })}
        </Button>
      </div>
      <section className="panel-section" aria-labelledby="roles-list-heading">
        <h2 id="roles-list-heading">{intl.formatMessage({ id: 'rolesPage.list' })}</h2>
        {roles.isPending || roles.isError ? (
          <QueryState query={roles} failedTitle={intl.formatMessage({ id: 'rolesPage.loadFailed' })} />
        ) : (
          <div className="table-scroll">
            <table className="data-table table-stacked" role="table">
              <caption className="visually-hidden">{intl.formatMessage({ id: 'rolesPage.list' })}</caption>
              <thead role="rowgroup">
                <tr role="row">
                  <th scope="col" role="columnheader">{columns.name}</th>
                  <th scope="col" role="columnheader">{columns.permissions}</th>
                  <th scope="col" role="columnheader">
                    <span className="visually-hidden">{columns.actions}</span>
                  </th>
                </tr>
              </thead>
              <tbody role="rowgroup">
                {roles.data.map((role) => (
                  <tr key={role.id} role="row" data-role={role.name}>
                    <th scope="row" role="rowheader" className="cell-wide">
                      {role.name}
                      {role.builtIn && <span className="badge badge-builtin">{intl.formatMessage({ id: 'rolesPage.builtIn' })}</span>}
                    </th>
                    <td role="cell" className="cell-wide" data-label={columns.permissions}>
                      <span className="small">{intl.formatMessage({ id: 'rolesPage.permissionCount' }, { count: role.permissions.length })}</span>
                      <span className="muted small block">{role.permissions.map((key) => labelOf.get(key) ?? key).join(intl.formatMessage({ id: 'rolesPage.separator' }))}</span>
                    </td>
                    <td role="cell" className="cell-wide">
                      <div className="table-actions">
                        {isAdministrator(role) ? (
                          <span className="muted small">{intl.formatMessage({ id: 'rolesPage.administratorFixed' })}</span>
                        ) : (
                          <Button className="button button-small" aria-label={intl.formatMessage({ id: 'rolesPage.editLabel' }, { name: role.name })} onPress={() => setEditing(role)}>
                            {intl.formatMessage({ id: 'rolesPage.edit' })}
                          </Button>
                        )}
                        {!role.builtIn && (
                          <Button className="button button-small" aria-label={intl.formatMessage({ id: 'rolesPage.deleteLabel' }, { name: role.name })} onPress={() => setToDelete(role)}>
                            {intl.formatMessage({ id: 'app.delete' })}
                          </Button>
                        )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <DismissableModal wide isOpen={editing !== null} onClose={() => setEditing(null)}>{editing !== null && <RoleDialog role={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />}</DismissableModal>
      <ConfirmDialog
        isOpen={toDelete !== null}
        heading={intl.formatMessage({ id: 'rolesPage.deleteHeading' }, { name: toDelete?.name ?? '' })}
        confirmLabel={intl.formatMessage({ id: 'app.delete' })}
        danger
        isPending={remove.isPending}
        onCancel={() => setToDelete(null)}
        onConfirm={() => {
          if (toDelete !== null) remove.mutate(toDelete);
        }}
      >
        <p>{intl.formatMessage({ id: 'rolesPage.deleteBody' })}</p>
      </ConfirmDialog>
    </>
  );
}

function RoleDialog({ role, onDone }: { role: Role | null; onDone: () => void }) {
  const intl = useIntl();
  const me = useMe();
  const queryClient = useQueryClient();
  const [name, setName] = useState(role?.name ?? '');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(role?.permissions ?? []));
  const [problem, setProblem] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () => {
      const permissions = permissionCatalogue.map((entry) => entry.key).filter((key) => chosen.has(key));
      if (role === null) return createRole({ name: name.trim(), permissions });
      // Built-in roles keep their names (ROLE_BUILT_IN); only their permissions change.
      return updateRole(role.id, role.builtIn ? { permissions } : { name: name.trim(), permissions });
    },
    onSuccess: async (saved) => {
      showToast({ tone: 'success', text: intl.formatMessage({ id: role === null ? 'rolesPage.created' : 'rolesPage.saved' }, { name: saved.name }) });
      onDone();
      await queryClient.invalidateQueries({ queryKey: rolesQueryKey });
      await queryClient.invalidateQueries({ queryKey: passwordPolicySettingsQueryKey });
    },
    onError: (error) => setProblem(messageForError(intl, error)),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (name.trim() === '' || save.isPending) return;
    setProblem(null);
    save.mutate();
  }

  const heading = role === null ? intl.formatMessage({ id: 'rolesPage.newHeading' }) : intl.formatMessage({ id: 'rolesPage.editHeading' }, { name: role.name });
  return (
    <Dialog className="dialog">
      <Heading slot="title" className="dialog-title">
        {heading}
      </Heading>
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      <Form className="form" onSubmit={submit} aria-label={heading}>
        <TextField
          label={intl.formatMessage({ id: 'rolesPage.name' })}
          name="roleName"
          value={name}
          onChange={setName}
          isRequired
          maxLength={100}
          isReadOnly={role?.builtIn === true}
          {...(role?.builtIn === true ? { description: intl.formatMessage({ id: 'rolesPage.builtInName' }) } : { autoFocus: true })}
        />
        <p className="muted small">{intl.formatMessage({ id: 'rolesPage.grantHint' })}</p>
        {permissionGroups.map((group) => (
          <fieldset key={group.group} className="fieldset">
            <legend>{group.group}</legend>
            {group.entries.map((entry) => {
              const held = me.permissions.includes(entry.key);
              return (
                <div key={entry.key} className="checkbox-field">
                  <AriaCheckbox
                    className="checkbox"
                    name={entry.key}
                    value={entry.key}
                    isSelected={chosen.has(entry.key)}
                    isDisabled={!held && !chosen.has(entry.key)}
                    onChange={(selected) => {
                      const next = new Set(chosen);
                      if (selected) next.add(entry.key);
                      else next.delete(entry.key);
                      setChosen(next);
                    }}
                  >
                    <span className="checkbox-box" aria-hidden="true">
                      <svg viewBox="0 0 18 18" width="14" height="14" focusable="false">
                        <path d="M3.5 9.5l3.5 3.5 7.5-8" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round" />
                      </svg>
                    </span>
                    <span className="checkbox-label">
                      {entry.label}
                      <code className="permission-key">{entry.key}</code>
                      {!held && <span className="muted small block">{intl.formatMessage({ id: 'rolesPage.notHeld' })}</span>}
                    </span>
                  </AriaCheckbox>
                </div>
              );
            })}
          </fieldset>
        ))}
        <div className="form-actions">
          <Button type="submit" className="button button-primary">
            {intl.formatMessage({ id: 'app.save' })}
          </Button>
          <Button className="button" slot="close">
            {intl.formatMessage({ id: 'app.cancel' })}
          </Button>
          {save.isPending && <span className="muted">{intl.formatMessage({ id: 'app.saving' })}</span>}
        </div>
      </Form>
    </Dialog>
  );
}

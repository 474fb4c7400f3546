import type { Role } from '@lanyard/contracts/api';
import { isAuthority, permissionCatalogue } from '@lanyard/contracts/permissions';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Checkbox as AriaCheckbox, Dialog, Form, Heading } from 'react-aria-components';
import { useIntl } from 'react-intl';
import { createRole, deleteRole, listRoles, rolesQueryKey, updateRole } from '../../api/admin.ts';
import { passwordPolicySettingsQueryKey } from '../../api/passwords.ts';
import { useMe } from '../../session/me-context.ts';
import { Button } from '../../ui/button.tsx';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { DataTable, RowActions } from '../../ui/data-table.tsx';
import { AlertRegion } from '../../ui/message.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { useCommand } from '../../ui/use-command.ts';
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

/** A role's permissions also decide which roles the password policy lists, so a change refreshes both. */
const roleQueries = [rolesQueryKey, passwordPolicySettingsQueryKey];

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
  const roles = useQuery({ queryKey: rolesQueryKey, queryFn: ({ signal }) => listRoles(signal) });
  const [editing, setEditing] = useState<Role | 'new' | null>(null);
  const [toDelete, setToDelete] = useState<Role | null>(null);
  const remove = useCommand({
    run: (role: Role) => deleteRole(role.id),
    invalidates: roleQueries,
    failure: 'toast',
    onSuccess: () => setToDelete(null),
    onError: () => setToDelete(null),
    success: (_answer, role) => ({ id: 'rolesPage.deleted', values: { name: role.name } }),
  });

  return (
    <>
      <p className="lead">{intl.formatMessage({ id: 'rolesPage.lead' })}</p>
      <div className="page-actions">
        <Button variant="primary" onPress={() => setEditing('new')}>
          {intl.formatMessage({ id: 'rolesPage.create' })}
        </Button>
      </div>
      <section className="panel-section" aria-labelledby="roles-list-heading">
        <h2 id="roles-list-heading">{intl.formatMessage({ id: 'rolesPage.list' })}</h2>
        {roles.isPending || roles.isError ? (
          <QueryState query={roles} failedTitle={intl.formatMessage({ id: 'rolesPage.loadFailed' })} />
        ) : (
          <DataTable
            caption={{ id: 'rolesPage.list' }}
            rows={roles.data}
            rowKey={(role) => role.id}
            rowData={(role) => ({ 'data-role': role.name })}
            columns={[
              {
                key: 'name',
                header: 'rolesPage.column.name',
                kind: 'rowHeader',
                cell: (role) => (
                  <>
                    {role.name}
                    {role.builtIn && <span className="badge badge-builtin">{intl.formatMessage({ id: 'rolesPage.builtIn' })}</span>}
                  </>
                ),
              },
              {
                key: 'permissions',
                header: 'rolesPage.column.permissions',
                wide: true,
                cell: (role) => (
                  <>
                    <span className="small">{intl.formatMessage({ id: 'rolesPage.permissionCount' }, { count: role.permissions.length })}</span>
                    <span className="muted small block">{role.permissions.map((key) => labelOf.get(key) ?? key).join(intl.formatMessage({ id: 'rolesPage.separator' }))}</span>
                  </>
                ),
              },
              {
                key: 'actions',
                header: 'keys.column.actions',
                kind: 'actions',
                wide: true,
                cell: (role) => (
                  <RowActions>
                    {isAdministrator(role) ? (
                      <span className="muted small">{intl.formatMessage({ id: 'rolesPage.administratorFixed' })}</span>
                    ) : (
                      <Button size="small" aria-label={intl.formatMessage({ id: 'rolesPage.editLabel' }, { name: role.name })} onPress={() => setEditing(role)}>
                        {intl.formatMessage({ id: 'rolesPage.edit' })}
                      </Button>
                    )}
                    {!role.builtIn && (
                      <Button size="small" aria-label={intl.formatMessage({ id: 'rolesPage.deleteLabel' }, { name: role.name })} onPress={() => setToDelete(role)}>
                        {intl.formatMessage({ id: 'app.delete' })}
                      </Button>
                    )}
                  </RowActions>
                ),
              },
            ]}
          />
        )}
      </section>
      <DismissableModal wide isOpen={editing !== null} onClose={() => setEditing(null)}>{editing !== null && <RoleDialog role={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />}</DismissableModal>
      <ConfirmDialog
        isOpen={toDelete !== null}
        heading={{ id: 'rolesPage.deleteHeading', values: { name: toDelete?.name ?? '' } }}
        confirmLabel={{ id: 'app.delete' }}
        danger
        isPending={remove.isPending}
        onCancel={() => setToDelete(null)}
        onConfirm={() => {
          if (toDelete !== null) remove.run(toDelete);
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
  const [name, setName] = useState(role?.name ?? '');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(role?.permissions ?? []));
  const save = useCommand({
    run: () => {
      const permissions = permissionCatalogue.map((entry) => entry.key).filter((key) => chosen.has(key));
      if (role === null) return createRole({ name: name.trim(), permissions });
      // Built-in roles keep their names (ROLE_BUILT_IN); only their permissions change.
      return updateRole(role.id, role.builtIn ? { permissions } : { name: name.trim(), permissions });
    },
    invalidates: roleQueries,
    onSuccess: onDone,
    success: (saved) => ({ id: role === null ? 'rolesPage.created' : 'rolesPage.saved', values: { name: saved.name } }),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (name.trim() !== '') save.run();
  }

  const heading = role === null ? intl.formatMessage({ id: 'rolesPage.newHeading' }) : intl.formatMessage({ id: 'rolesPage.editHeading' }, { name: role.name });
  return (
    <Dialog className="dialog">
      <Heading slot="title" className="dialog-title">
        {heading}
      </Heading>
      <AlertRegion message={save.problem === null ? null : { tone: 'error', title: save.problem }} />
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
              // An agent capability (presence.use) is not authority: anyone who may manage roles may give it (as the server allows).
              const held = me.permissions.includes(entry.key) || !isAuthority(entry.key);
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
          <Button type="submit" variant="primary">
            {intl.formatMessage({ id: 'app.save' })}
          </Button>
          <Button slot="close">
            {intl.formatMessage({ id: 'app.cancel' })}
          </Button>
          {save.isPending && <span className="muted">{intl.formatMessage({ id: 'app.saving' })}</span>}
        </div>
      </Form>
    </Dialog>
  );
}

import type { PresenceReasonList } from '@lanyard/contracts/presence';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Dialog, FieldError, Form, Heading, Label, Text, TextArea, TextField as AriaTextField } from 'react-aria-components';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { createPresenceList, deletePresenceList, listPresenceLists, presenceListsQueryKey, reasonsFromText, setDefaultPresenceList, updatePresenceList } from '../../api/presence.ts';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { DataTable, RowActions } from '../../ui/data-table.tsx';
import { AlertRegion } from '../../ui/message.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { useCommand } from '../../ui/use-command.ts';
import { AdminPage, QueryState } from '../admin/admin-page.tsx';
import { DismissableModal } from '../../ui/dismissable-modal.tsx';

/** Administration › Presence reason lists (SPEC §3.9, `presence.lists.manage`): create, rename, edit the reasons, delete, choose the default. */
export function PresenceListsPage() {
  const intl = useIntl();
  return (
    <AdminPage
      title={intl.formatMessage({ id: 'presenceLists.heading' })}
      eyebrow={intl.formatMessage({ id: 'admin.eyebrow' })}
      heading={intl.formatMessage({ id: 'presenceLists.heading' })}
      permission="presence.lists.manage"
    >
      <PresenceLists />
    </AdminPage>
  );
}

/** The reasons, one per line: Break, Lunch, Training, Meeting. */
function ReasonsField({ value, onChange, autoFocus }: { value: string; onChange: (value: string) => void; autoFocus?: boolean }) {
  const intl = useIntl();
  return (
    <AriaTextField className="field" value={value} onChange={onChange} autoFocus={autoFocus ?? false}>
      <Label className="field-label">{intl.formatMessage({ id: 'presenceLists.reasons' })}</Label>
      <TextArea className="field-input field-textarea" rows={5} />
      <Text slot="description" className="field-description">
        {intl.formatMessage({ id: 'presenceLists.reasonsHelp' })}
      </Text>
      <FieldError className="field-error" />
    </AriaTextField>
  );
}

function PresenceLists() {
  const intl = useIntl();
  const lists = useQuery({ queryKey: presenceListsQueryKey, queryFn: ({ signal }) => listPresenceLists(signal) });
  const [name, setName] = useState('');
  const [reasons, setReasons] = useState('');
  const [editing, setEditing] = useState<PresenceReasonList | null>(null);
  const [toDelete, setToDelete] = useState<PresenceReasonList | null>(null);

  const add = useCommand({
    run: () => createPresenceList(name.trim(), reasonsFromText(reasons)),
    invalidates: [presenceListsQueryKey],
    onSuccess: () => {
      setName('');
      setReasons('');
    },
    success: (list) => ({ id: 'presenceLists.created', values: { name: list.name } }),
  });
  const remove = useCommand({
    run: (list: PresenceReasonList) => deletePresenceList(list.id),
    invalidates: [presenceListsQueryKey],
    failure: 'toast',
    onSuccess: () => setToDelete(null),
    onError: () => setToDelete(null),
    success: (_result, list) => ({ id: 'presenceLists.deleted', values: { name: list.name } }),
  });
  const makeDefault = useCommand({
    run: (list: PresenceReasonList | null) => setDefaultPresenceList(list?.id ?? null),
    invalidates: [presenceListsQueryKey],
    failure: 'toast',
    success: (_result, list) => (list === null ? { id: 'presenceLists.noDefaultDone' } : { id: 'presenceLists.defaultDone', values: { name: list.name } }),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (name.trim() !== '') add.run();
  }

  const hasDefault = lists.data?.some((list) => list.isDefault) ?? false;

  return (
    <>
      <section className="panel-section" aria-labelledby="new-list-heading">
        <h2 id="new-list-heading">{intl.formatMessage({ id: 'presenceLists.new' })}</h2>
        <Form className="form" onSubmit={submit} aria-labelledby="new-list-heading">
          <TextField label={intl.formatMessage({ id: 'presenceLists.name' })} name="listName" value={name} onChange={setName} maxLength={100} isRequired />
          <ReasonsField value={reasons} onChange={setReasons} />
          <div className="form-actions">
            <Button type="submit" variant="primary" isDisabled={add.isPending}>
              {intl.formatMessage({ id: 'presenceLists.create' })}
            </Button>
          </div>
        </Form>
        <AlertRegion message={add.problem === null ? null : { tone: 'error', title: add.problem }} />
      </section>
      <section className="panel-section" aria-labelledby="lists-heading">
        <h2 id="lists-heading">{intl.formatMessage({ id: 'presenceLists.list' })}</h2>
        <p className="muted">{intl.formatMessage({ id: hasDefault ? 'presenceLists.defaultHelp' : 'presenceLists.noDefaultWarning' })}</p>
        {lists.isPending || lists.isError ? (
          <QueryState query={lists} failedTitle={intl.formatMessage({ id: 'presenceLists.loadFailed' })} />
        ) : (
          <DataTable
            caption={{ id: 'presenceLists.list' }}
            empty={{ id: 'presenceLists.none' }}
            rows={lists.data}
            rowKey={(list) => list.id}
            rowData={(list) => ({ 'data-list': list.name })}
            columns={[
              {
                key: 'name',
                header: 'presenceLists.column.name',
                kind: 'rowHeader',
                cell: (list) => (
                  <>
                    {list.name}
                    {list.isDefault && <span className="badge"> {intl.formatMessage({ id: 'presenceLists.defaultBadge' })}</span>}
                  </>
                ),
              },
              {
                key: 'reasons',
                header: 'presenceLists.column.reasons',
                cell: (list) => (list.reasons.length === 0 ? intl.formatMessage({ id: 'presenceLists.noReasons' }) : list.reasons.map((reason) => reason.label).join(', ')),
              },
              {
                key: 'assigned',
                header: 'presenceLists.column.assigned',
                cell: (list) => intl.formatMessage({ id: 'presenceLists.assignedCount' }, { count: list.assignedCount }),
              },
              {
                key: 'actions',
                header: 'keys.column.actions',
                kind: 'actions',
                cell: (list) => (
                  <RowActions>
                    <Button size="small" aria-label={intl.formatMessage({ id: 'presenceLists.editLabel' }, { name: list.name })} onPress={() => setEditing(list)}>
                      {intl.formatMessage({ id: 'presenceLists.edit' })}
                    </Button>
                    {list.isDefault ? (
                      <Button size="small" aria-label={intl.formatMessage({ id: 'presenceLists.clearDefaultLabel' }, { name: list.name })} onPress={() => makeDefault.run(null)}>
                        {intl.formatMessage({ id: 'presenceLists.clearDefault' })}
                      </Button>
                    ) : (
                      <Button size="small" aria-label={intl.formatMessage({ id: 'presenceLists.makeDefaultLabel' }, { name: list.name })} onPress={() => makeDefault.run(list)}>
                        {intl.formatMessage({ id: 'presenceLists.makeDefault' })}
                      </Button>
                    )}
                    <Button size="small" aria-label={intl.formatMessage({ id: 'presenceLists.deleteLabel' }, { name: list.name })} onPress={() => setToDelete(list)}>
                      {intl.formatMessage({ id: 'app.delete' })}
                    </Button>
                  </RowActions>
                ),
              },
            ]}
          />
        )}
      </section>
      <DismissableModal isOpen={editing !== null} onClose={() => setEditing(null)}>{editing !== null && <EditDialog list={editing} onDone={() => setEditing(null)} />}</DismissableModal>
      <ConfirmDialog
        isOpen={toDelete !== null}
        heading={{ id: 'presenceLists.deleteHeading', values: { name: toDelete?.name ?? '' } }}
        confirmLabel={{ id: 'app.delete' }}
        danger
        isPending={remove.isPending}
        onCancel={() => setToDelete(null)}
        onConfirm={() => {
          if (toDelete !== null) remove.run(toDelete);
        }}
      >
        <p>{intl.formatMessage({ id: 'presenceLists.deleteBody' })}</p>
      </ConfirmDialog>
    </>
  );
}

function EditDialog({ list, onDone }: { list: PresenceReasonList; onDone: () => void }) {
  const intl = useIntl();
  const [name, setName] = useState(list.name);
  const [reasons, setReasons] = useState(list.reasons.map((reason) => reason.label).join('\n'));
  const save = useCommand({
    run: () => updatePresenceList(list.id, { name: name.trim(), reasons: reasonsFromText(reasons) }),
    invalidates: [presenceListsQueryKey],
    onSuccess: onDone,
    success: (saved) => ({ id: 'presenceLists.saved', values: { name: saved.name } }),
  });
  return (
    <Dialog className="dialog">
      <Heading slot="title" className="dialog-title">
        {intl.formatMessage({ id: 'presenceLists.editHeading' }, { name: list.name })}
      </Heading>
      <AlertRegion message={save.problem === null ? null : { tone: 'error', title: save.problem }} />
      <Form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim() !== '') save.run();
        }}
      >
        <TextField label={intl.formatMessage({ id: 'presenceLists.name' })} name="listName" value={name} onChange={setName} maxLength={100} isRequired autoFocus />
        <ReasonsField value={reasons} onChange={setReasons} />
        <div className="form-actions">
          <Button type="submit" variant="primary" isDisabled={save.isPending}>
            {intl.formatMessage({ id: 'app.save' })}
          </Button>
          <Button slot="close">
            {intl.formatMessage({ id: 'app.cancel' })}
          </Button>
        </div>
      </Form>
    </Dialog>
  );
}

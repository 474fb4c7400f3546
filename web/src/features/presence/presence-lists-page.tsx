import type { PresenceReasonList } from '@lanyard/contracts/presence';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, Dialog, FieldError, Form, Heading, Label, Text, TextArea, TextField as AriaTextField } from 'react-aria-components';
import { useIntl } from 'react-intl';
import { messageForError } from '../../api/client.ts';
import { createPresenceList, deletePresenceList, listPresenceLists, presenceListsQueryKey, reasonsFromText, setDefaultPresenceList, updatePresenceList } from '../../api/presence.ts';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { AlertRegion } from '../../ui/message.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { showToast } from '../../ui/toasts.tsx';
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
  const queryClient = useQueryClient();
  const lists = useQuery({ queryKey: presenceListsQueryKey, queryFn: ({ signal }) => listPresenceLists(signal) });
  const [name, setName] = useState('');
  const [reasons, setReasons] = useState('');
  const [editing, setEditing] = useState<PresenceReasonList | null>(null);
  const [toDelete, setToDelete] = useState<PresenceReasonList | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: presenceListsQueryKey });

  const add = useMutation({
    mutationFn: () => createPresenceList(name.trim(), reasonsFromText(reasons)),
    onSuccess: async (list) => {
      setName('');
      setReasons('');
      showToast({ tone: 'success', text: intl.formatMessage({ id: 'presenceLists.created' }, { name: list.name }) });
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (list: PresenceReasonList) => deletePresenceList(list.id),
    onSuccess: async (_result, list) => {
      setToDelete(null);
      showToast({ tone: 'success', text: intl.formatMessage({ id: 'presenceLists.deleted' }, { name: list.name }) });
      await refresh();
    },
    onError: (error) => {
      setToDelete(null);
      showToast({ tone: 'error', text: messageForError(intl, error) });
    },
  });
  const makeDefault = useMutation({
    mutationFn: (list: PresenceReasonList | null) => setDefaultPresenceList(list?.id ?? null),
    onSuccess: async (_result, list) => {
      showToast({ tone: 'success', text: list === null ? intl.formatMessage({ id: 'presenceLists.noDefaultDone' }) : intl.formatMessage({ id: 'presenceLists.defaultDone' }, { name: list.name }) });
      await refresh();
    },
    onError: (error) => showToast({ tone: 'error', text: messageForError(intl, error) }),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (name.trim() === '' || add.isPending) return;
    add.mutate();
  }

  const columns = {
    name: intl.formatMessage({ id: 'presenceLists.column.name' }),
    reasons: intl.formatMessage({ id: 'presenceLists.column.reasons' }),
    assigned: intl.formatMessage({ id: 'presenceLists.column.assigned' }),
    actions: intl.formatMessage({ id: 'keys.column.actions' }),
  };
  const hasDefault = lists.data?.some((list) => list.isDefault) ?? false;

  return (
    <>
      <section className="panel-section" aria-labelledby="new-list-heading">
        <h2 id="new-list-heading">{intl.formatMessage({ id: 'presenceLists.new' })}</h2>
        <Form className="form" onSubmit={submit} aria-labelledby="new-list-heading">
          <TextField label={intl.formatMessage({ id: 'presenceLists.name' })} name="listName" value={name} onChange={setName} maxLength={100} isRequired />
          <ReasonsField value={reasons} onChange={setReasons} />
          <div className="form-actions">
            <Button type="submit" className="button button-primary" isDisabled={add.isPending}>
              {intl.formatMessage({ id: 'presenceLists.create' })}
            </Button>
          </div>
        </Form>
        <AlertRegion message={add.isError ? { tone: 'error', title: messageForError(intl, add.error) } : null} />
      </section>
      <section className="panel-section" aria-labelledby="lists-heading">
        <h2 id="lists-heading">{intl.formatMessage({ id: 'presenceLists.list' })}</h2>
        <p className="muted">{intl.formatMessage({ id: hasDefault ? 'presenceLists.defaultHelp' : 'presenceLists.noDefaultWarning' })}</p>
        {lists.isPending || lists.isError ? (
          <QueryState query={lists} failedTitle={intl.formatMessage({ id: 'presenceLists.loadFailed' })} />
        ) : lists.data.length === 0 ? (
          <p>{intl.formatMessage({ id: 'presenceLists.none' })}</p>
        ) : (
          <div className="table-scroll">
            <table className="data-table table-stacked" role="table">
              <caption className="visually-hidden">{intl.formatMessage({ id: 'presenceLists.list' })}</caption>
              <thead role="rowgroup">
                <tr role="row">
                  <th scope="col" role="columnheader">{columns.name}</th>
                  <th scope="col" role="columnheader">{columns.reasons}</th>
                  <th scope="col" role="columnheader">{columns.assigned}</th>
                  <th scope="col" role="columnheader">
                    <span className="visually-hidden">{columns.actions}</span>
                  </th>
                </tr>
              </thead>
              <tbody role="rowgroup">
                {lists.data.map((list) => (
                  <tr key={list.id} role="row" data-list={list.name}>
                    <th scope="row" role="rowheader" className="cell-wide">
                      {list.name}
                      {list.isDefault && <span className="badge"> {intl.formatMessage({ id: 'presenceLists.defaultBadge' })}</span>}
                    </th>
                    <td role="cell" data-label={columns.reasons}>
                      {list.reasons.length === 0 ? intl.formatMessage({ id: 'presenceLists.noReasons' }) : list.reasons.map((reason) => reason.label).join(', ')}
                    </td>
                    <td role="cell" data-label={columns.assigned}>
                      {intl.formatMessage({ id: 'presenceLists.assignedCount' }, { count: list.assignedCount })}
                    </td>
                    <td role="cell" className="cell-actions">
                      <div className="table-actions">
                        <Button className="button button-small" aria-label={intl.formatMessage({ id: 'presenceLists.editLabel' }, { name: list.name })} onPress={() => setEditing(list)}>
                          {intl.formatMessage({ id: 'presenceLists.edit' })}
                        </Button>
                        {list.isDefault ? (
                          <Button className="button button-small" aria-label={intl.formatMessage({ id: 'presenceLists.clearDefaultLabel' }, { name: list.name })} onPress={() => makeDefault.mutate(null)}>
                            {intl.formatMessage({ id: 'presenceLists.clearDefault' })}
                          </Button>
                        ) : (
                          <Button className="button button-small" aria-label={intl.formatMessage({ id: 'presenceLists.makeDefaultLabel' }, { name: list.name })} onPress={() => makeDefault.mutate(list)}>
                            {intl.formatMessage({ id: 'presenceLists.makeDefault' })}
                          </Button>
                        )}
                        <Button className="button button-small" aria-label={intl.formatMessage({ id: 'presenceLists.deleteLabel' }, { name: list.name })} onPress={() => setToDelete(list)}>
                          {intl.formatMessage({ id: 'app.delete' })}
                        </Button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <DismissableModal isOpen={editing !== null} onClose={() => setEditing(null)}>{editing !== null && <EditDialog list={editing} onDone={() => setEditing(null)} onSaved={refresh} />}</DismissableModal>
      <ConfirmDialog
        isOpen={toDelete !== null}
        heading={intl.formatMessage({ id: 'presenceLists.deleteHeading' }, { name: toDelete?.name ?? '' })}
        confirmLabel={intl.formatMessage({ id: 'app.delete' })}
        danger
        isPending={remove.isPending}
        onCancel={() => setToDelete(null)}
        onConfirm={() => {
          if (toDelete !== null) remove.mutate(toDelete);
        }}
      >
        <p>{intl.formatMessage({ id: 'presenceLists.deleteBody' })}</p>
      </ConfirmDialog>
    </>
  );
}

function EditDialog({ list, onDone, onSaved }: { list: PresenceReasonList; onDone: () => void; onSaved: () => Promise<void> }) {
  const intl = useIntl();
  const [name, setName] = useState(list.name);
  const [reasons, setReasons] = useState(list.reasons.map((reason) => reason.label).join('\n'));
  const save = useMutation({
    mutationFn: () => updatePresenceList(list.id, { name: name.trim(), reasons: reasonsFromText(reasons) }),
    onSuccess: async (saved) => {
      showToast({ tone: 'success', text: intl.formatMessage({ id: 'presenceLists.saved' }, { name: saved.name }) });
      onDone();
      await onSaved();
    },
  });
  return (
    <Dialog className="dialog">
      <Heading slot="title" className="dialog-title">
        {intl.formatMessage({ id: 'presenceLists.editHeading' }, { name: list.name })}
      </Heading>
      <AlertRegion message={save.isError ? { tone: 'error', title: messageForError(intl, save.error) } : null} />
      <Form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim() !== '' && !save.isPending) save.mutate();
        }}
      >
        <TextField label={intl.formatMessage({ id: 'presenceLists.name' })} name="listName" value={name} onChange={setName} maxLength={100} isRequired autoFocus />
        <ReasonsField value={reasons} onChange={setReasons} />
        <div className="form-actions">
          <Button type="submit" className="button button-primary" isDisabled={save.isPending}>
            {intl.formatMessage({ id: 'app.save' })}
          </Button>
          <Button className="button" slot="close">
            {intl.formatMessage({ id: 'app.cancel' })}
          </Button>
        </div>
      </Form>
    </Dialog>
  );
}

import type { AccessKey, CreatedAccessKey } from '@lanyard/contracts/api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form, Switch } from 'react-aria-components';
import { accessKeysQueryKey, createAccessKey, deleteAccessKey, listAccessKeys, setAccessKeyState } from '../../api/access-keys.ts';
import { messageForError } from '../../api/client.ts';
import { Loading } from '../../ui/loading.tsx';
import { AlertRegion, Message } from '../../ui/message.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { showToast } from '../../ui/toasts.tsx';
import { DeleteAccessKeyDialog } from './delete-access-key-dialog.tsx';
import { NewAccessKeyDialog } from './new-access-key-dialog.tsx';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const formatDate = (iso: string | null, none: string) => (iso === null ? none : dateFormat.format(new Date(iso)));

/** The column names, also the labels of each value when the rows are drawn as cards (narrow screens). */
const columns = {
  id: 'Access Key ID',
  description: 'Description',
  created: 'Created',
  lastUsed: 'Last used',
  state: 'State',
  actions: 'Actions',
};

function StateSwitch({ accessKey }: { accessKey: AccessKey }) {
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: (active: boolean) => setAccessKeyState(accessKey.id, active ? 'active' : 'inactive'),
    onSuccess: async (updated) => {
      showToast({ tone: 'success', text: `Access key ${updated.accessKeyId} is now ${updated.state === 'active' ? 'Active' : 'Inactive'}.` });
      await queryClient.invalidateQueries({ queryKey: accessKeysQueryKey });
    },
    onError: (error) => showToast({ tone: 'error', text: messageForError(error) }),
  });
  const active = change.isPending ? change.variables : accessKey.state === 'active';
  return (
    // Not disabled while saving: a disabled control loses keyboard focus. Presses during a save are ignored.
    <Switch
      className="switch"
      isSelected={active}
      onChange={(value) => {
        if (!change.isPending) change.mutate(value);
      }}
      aria-label={`State of ${accessKey.accessKeyId}`}
    >
      <span className="switch-track" aria-hidden="true">
        <span className="switch-thumb" />
      </span>
      <span className="switch-label">{active ? 'Active' : 'Inactive'}</span>
    </Switch>
  );
}

/**
 * My Profile › Access Keys (seed 000 "Generate Access Keys", seed 001 "Access Keys Tab"): add a key, see
 * its secret once, switch its State between Active and Inactive, delete it.
 */
export function AccessKeysTab() {
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: accessKeysQueryKey, queryFn: ({ signal }) => listAccessKeys(signal) });
  const [description, setDescription] = useState('');
  const [created, setCreated] = useState<CreatedAccessKey | null>(null);
  const [toDelete, setToDelete] = useState<AccessKey | null>(null);

  const add = useMutation({
    mutationFn: () => createAccessKey(description.trim() === '' ? {} : { description: description.trim() }),
    onSuccess: async (key) => {
      setCreated(key);
      setDescription('');
      showToast({ tone: 'success', text: 'Access key added.' });
      await queryClient.invalidateQueries({ queryKey: accessKeysQueryKey });
    },
  });
  const remove = useMutation({
    mutationFn: (key: AccessKey) => deleteAccessKey(key.id),
    onSuccess: async (_result, key) => {
      setToDelete(null);
      showToast({ tone: 'success', text: `Access key ${key.accessKeyId} deleted.` });
      await queryClient.invalidateQueries({ queryKey: accessKeysQueryKey });
    },
    onError: (error) => {
      setToDelete(null);
      showToast({ tone: 'error', text: messageForError(error) });
    },
  });

  if (keys.isPending) return <Loading />;
  if (keys.isError) {
    return (
      <Message tone="error" title="Your access keys could not be loaded.">
        <p>{messageForError(keys.error)}</p>
      </Message>
    );
  }
  const { items, limit } = keys.data;
  const atLimit = items.length >= limit;

  return (
    <section aria-labelledby="access-keys-heading" className="panel-section access-keys">
      <h2 id="access-keys-heading">Access Keys</h2>
      <p>
        An access key lets scripts and integrations use the platform's APIs as you. It has two parts: the Access Key ID and the Secret Access
        Key. You can see the secret only once, right after you add the key. Only share the Access Key ID; never share the Secret Access Key.
      </p>

      <Form
        className="add-key-form"
        onSubmit={(event) => {
          event.preventDefault();
          add.mutate();
        }}
      >
        <TextField label="Description (optional)" value={description} onChange={setDescription} maxLength={256} />
        <Button type="submit" className="button button-primary" isDisabled={atLimit} isPending={add.isPending}>
          Add access key
        </Button>
      </Form>
      <p className="muted small" id="key-count">
        {`You have ${items.length} of ${limit} access keys.`}
        {atLimit ? ' Delete a key to add another.' : ''}
      </p>
      <AlertRegion message={add.isError ? { tone: 'error', title: messageForError(add.error) } : null} />

      {items.length === 0 ? (
        <p>You have no access keys.</p>
      ) : (
        <div className="table-scroll">
          {/* Explicit roles: below 40rem the rows are drawn as cards, and CSS display would drop the table semantics. */}
          <table className="data-table table-stacked" role="table">
            <caption className="visually-hidden">Your access keys</caption>
            <thead role="rowgroup">
              <tr role="row">
                <th scope="col" role="columnheader">{columns.id}</th>
                <th scope="col" role="columnheader">{columns.description}</th>
                <th scope="col" role="columnheader">{columns.created}</th>
                <th scope="col" role="columnheader">{columns.lastUsed}</th>
                <th scope="col" role="columnheader">{columns.state}</th>
                <th scope="col" role="columnheader">
                  <span className="visually-hidden">{columns.actions}</span>
                </th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {items.map((key) => (
                <tr key={key.id} role="row" data-access-key-id={key.accessKeyId}>
                  <td role="cell" className="cell-wide" data-label={columns.id}>
                    <code className="identifier">{key.accessKeyId}</code>
                  </td>
                  <td role="cell" className="cell-wide" data-label={columns.description}>
                    {key.description ?? <span className="muted">None</span>}
                  </td>
                  <td role="cell" data-label={columns.created}>
                    {formatDate(key.createdAt, '')}
                  </td>
                  <td role="cell" data-label={columns.lastUsed}>
                    {formatDate(key.lastUsedAt, 'Never')}
                    {key.lastUsedIp !== null && <span className="muted small block">{key.lastUsedIp}</span>}
                  </td>
                  <td role="cell" data-label={columns.state}>
                    <StateSwitch accessKey={key} />
                  </td>
                  <td role="cell" className="cell-actions">
                    <Button className="button button-small" aria-label={`Delete access key ${key.accessKeyId}`} onPress={() => setToDelete(key)}>
                      Delete
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <NewAccessKeyDialog created={created} onDone={() => setCreated(null)} />
      <DeleteAccessKeyDialog accessKey={toDelete} isPending={remove.isPending} onCancel={() => setToDelete(null)} onConfirm={(key) => remove.mutate(key)} />
    </section>
  );
}

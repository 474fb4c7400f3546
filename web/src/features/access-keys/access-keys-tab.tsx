import type { AccessKey, CreatedAccessKey } from '@lanyard/contracts/api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { accessKeysQueryKey, createAccessKey, deleteAccessKey, listAccessKeys, setAccessKeyState } from '../../api/access-keys.ts';
import { messageForError } from '../../api/client.ts';
import { Loading } from '../../ui/loading.tsx';
import { AlertRegion, Message } from '../../ui/message.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { showToast } from '../../ui/toasts.tsx';
import { AccessKeyCells, AccessKeyIdCell } from './access-key-cells.tsx';
import { DeleteAccessKeyDialog } from './delete-access-key-dialog.tsx';
import { NewAccessKeyDialog } from './new-access-key-dialog.tsx';
import { useIntl } from 'react-intl';
import type { MessageId } from '../../i18n/messages.ts';

/** The column names, also the labels of each value when the rows are drawn as cards (narrow screens). */
const columnMessages = {
  id: 'keys.column.id',
  description: 'keys.column.description',
  created: 'keys.column.created',
  lastUsed: 'keys.column.lastUsed',
  state: 'keys.column.state',
  actions: 'keys.column.actions',
} as const satisfies Record<string, MessageId>;

/**
 * My Profile › Access Keys (seed 000 "Generate Access Keys", seed 001 "Access Keys Tab"): add a key, see
 * its secret once, switch its State between Active and Inactive, delete it.
 */
export function AccessKeysTab() {
  const intl = useIntl();
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
      showToast({ tone: 'success', text: intl.formatMessage({ id: 'keys.added' }) });
      await queryClient.invalidateQueries({ queryKey: accessKeysQueryKey });
    },
  });
  const remove = useMutation({
    mutationFn: (key: AccessKey) => deleteAccessKey(key.id),
    onSuccess: async (_result, key) => {
      setToDelete(null);
      showToast({ tone: 'success', text: intl.formatMessage({ id: 'keys.deleted' }, { accessKeyId: key.accessKeyId }) });
      await queryClient.invalidateQueries({ queryKey: accessKeysQueryKey });
    },
    onError: (error) => {
      setToDelete(null);
      showToast({ tone: 'error', text: messageForError(intl, error) });
    },
  });

  if (keys.isPending) return <Loading />;
  if (keys.isError) {
    return (
      <Message tone="error" title={intl.formatMessage({ id: 'keys.loadFailed' })}>
        <p>{messageForError(intl, keys.error)}</p>
      </Message>
    );
  }
  const { items, limit } = keys.data;
  const atLimit = items.length >= limit;
  const columns = {
    id: intl.formatMessage({ id: columnMessages.id }),
    description: intl.formatMessage({ id: columnMessages.description }),
    created: intl.formatMessage({ id: columnMessages.created }),
    lastUsed: intl.formatMessage({ id: columnMessages.lastUsed }),
    state: intl.formatMessage({ id: columnMessages.state }),
    actions: intl.formatMessage({ id: columnMessages.actions }),
  };

  return (
    <section aria-labelledby="access-keys-heading" className="panel-section access-keys">
      <h2 id="access-keys-heading">{intl.formatMessage({ id: 'keys.heading' })}</h2>
      <p>{intl.formatMessage({ id: 'keys.intro' })}</p>

      <Form
        className="add-key-form"
        onSubmit={(event) => {
          event.preventDefault();
          add.mutate();
        }}
      >
        <TextField label={intl.formatMessage({ id: 'keys.description' })} value={description} onChange={setDescription} maxLength={256} />
        <Button type="submit" className="button button-primary" isDisabled={atLimit} isPending={add.isPending}>
          {intl.formatMessage({ id: 'keys.add' })}
        </Button>
      </Form>
      <p className="muted small" id="key-count">
        {intl.formatMessage({ id: 'keys.count' }, { count: items.length, limit })}
        {atLimit && intl.formatMessage({ id: 'keys.atLimit' })}
      </p>
      <AlertRegion message={add.isError ? { tone: 'error', title: messageForError(intl, add.error) } : null} />

      {items.length === 0 ? (
        <p>{intl.formatMessage({ id: 'keys.none' })}</p>
      ) : (
        <div className="table-scroll">
          {/* Explicit roles: below 40rem the rows are drawn as cards, and CSS display would drop the table semantics. */}
          <table className="data-table table-stacked" role="table">
            <caption className="visually-hidden">{intl.formatMessage({ id: 'keys.caption' })}</caption>
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
                  <AccessKeyIdCell accessKey={key} />
                  <td role="cell" className="cell-wide" data-label={columns.description}>
                    {key.description ?? <span className="muted">{intl.formatMessage({ id: 'keys.noDescription' })}</span>}
                  </td>
                  <AccessKeyCells accessKey={key} setState={setAccessKeyState} listQueryKey={accessKeysQueryKey} onDelete={setToDelete} />
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

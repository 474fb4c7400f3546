import type { AccessKey } from '@lanyard/contracts/api';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useIntl } from 'react-intl';
import { accessKeysQueryKey, deleteAccessKey, setAccessKeyState } from '../../api/access-keys.ts';
import { messageForError } from '../../api/client.ts';
import { showToast } from '../../ui/toasts.tsx';
import { DeleteAccessKeyDialog } from './delete-access-key-dialog.tsx';
import type { MessageId } from '../../i18n/messages.ts';
import { AccessKeyCells, AccessKeyIdCell } from './access-key-cells.tsx';

/** Deleting one of the person's keys, with the confirmation first: `ask` opens it, `dialog` is drawn once. */
export function useAccessKeyDeletion(): { ask: (key: AccessKey) => void; dialog: ReactNode } {
  const intl = useIntl();
  const queryClient = useQueryClient();
  const [toDelete, setToDelete] = useState<AccessKey | null>(null);
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
  return {
    ask: setToDelete,
    dialog: <DeleteAccessKeyDialog accessKey={toDelete} isPending={remove.isPending} onCancel={() => setToDelete(null)} onConfirm={(key) => remove.mutate(key)} />,
  };
}

/** The column names, also the labels of each value when the rows are drawn as cards (narrow screens). */
const columnMessages = {
  id: 'keys.column.id',
  description: 'keys.column.description',
  created: 'keys.column.created',
  lastUsed: 'keys.column.lastUsed',
  state: 'keys.column.state',
  actions: 'keys.column.actions',
} as const satisfies Record<string, MessageId>;

/** An extra column after the Access Key ID (seed 001 shows the new key's secret in the table itself). */
export interface AccessKeysExtraColumn {
  label: string;
  cell: (key: AccessKey) => ReactNode;
}

/**
 * The signed-in person's access keys as a table: My Profile › Access Keys and Admin › My Account › Access
 * Keys both draw it. Below 40rem the rows are drawn as cards.
 */
export function AccessKeysTable({ items, onDelete, extraColumn }: { items: readonly AccessKey[]; onDelete: (key: AccessKey) => void; extraColumn?: AccessKeysExtraColumn }) {
  const intl = useIntl();
  if (items.length === 0) return <p>{intl.formatMessage({ id: 'keys.none' })}</p>;
  const columns = {
    id: intl.formatMessage({ id: columnMessages.id }),
    description: intl.formatMessage({ id: columnMessages.description }),
    created: intl.formatMessage({ id: columnMessages.created }),
    lastUsed: intl.formatMessage({ id: columnMessages.lastUsed }),
    state: intl.formatMessage({ id: columnMessages.state }),
    actions: intl.formatMessage({ id: columnMessages.actions }),
  };
  return (
    <div className="table-scroll">
      {/* Explicit roles: below 40rem the rows are drawn as cards, and CSS display would drop the table semantics. */}
      <table className="data-table table-stacked" role="table">
        <caption className="visually-hidden">{intl.formatMessage({ id: 'keys.caption' })}</caption>
        <thead role="rowgroup">
          <tr role="row">
            <th scope="col" role="columnheader">{columns.id}</th>
            {extraColumn !== undefined && (
              <th scope="col" role="columnheader">
                {extraColumn.label}
              </th>
            )}
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
              {extraColumn !== undefined && (
                <td role="cell" className="cell-wide" data-label={extraColumn.label}>
                  {extraColumn.cell(key)}
                </td>
              )}
              <td role="cell" className="cell-wide" data-label={columns.description}>
                {key.description ?? <span className="muted">{intl.formatMessage({ id: 'keys.noDescription' })}</span>}
              </td>
              <AccessKeyCells accessKey={key} setState={setAccessKeyState} listQueryKey={accessKeysQueryKey} onDelete={onDelete} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

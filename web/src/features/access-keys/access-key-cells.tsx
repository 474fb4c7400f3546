import type { AccessKey, AccessKeyState } from '@lanyard/contracts/api';
import type { QueryKey } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import type { MessageId } from '../../i18n/messages.ts';
import { Button } from '../../ui/button.tsx';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import type { Column } from '../../ui/data-table.tsx';
import { useCommand } from '../../ui/use-command.ts';
import { AccessKeyStateSwitch } from './access-key-state-switch.tsx';

type KeyCellsKey = Pick<AccessKey, 'id' | 'accessKeyId' | 'state' | 'createdAt' | 'lastUsedAt' | 'lastUsedIp'>;

/** A key's Access Key ID column, the same on My Profile › Access Keys and the tenant's keys page. */
export const accessKeyIdColumn: Column<Pick<AccessKey, 'accessKeyId'>> = {
  key: 'id',
  header: 'keys.column.id',
  wide: true,
  cell: (key) => <code className="identifier">{key.accessKeyId}</code>,
};

/**
 * The rest of a key's row on both pages: created, last used (time and address), the State switch and
 * Delete. Each page passes the call that changes the state, the list to refresh and what Delete opens.
 */
export function useAccessKeyColumns<K extends KeyCellsKey>({
  setState,
  listQueryKey,
  onDelete,
}: {
  setState: (id: string, state: AccessKeyState) => Promise<Pick<AccessKey, 'accessKeyId' | 'state'>>;
  listQueryKey: QueryKey;
  onDelete: (key: K) => void;
}): Column<K>[] {
  const intl = useIntl();
  const formatDate = (iso: string) => intl.formatDate(iso, { dateStyle: 'medium', timeStyle: 'short' });
  return [
    { key: 'created', header: 'keys.column.created', cell: (key) => formatDate(key.createdAt) },
    {
      key: 'lastUsed',
      header: 'keys.column.lastUsed',
      cell: (key) => (
        <>
          {key.lastUsedAt === null ? intl.formatMessage({ id: 'keys.neverUsed' }) : formatDate(key.lastUsedAt)}
          {key.lastUsedIp !== null && <span className="muted small block">{key.lastUsedIp}</span>}
        </>
      ),
    },
    { key: 'state', header: 'keys.column.state', cell: (key) => <AccessKeyStateSwitch accessKey={key} setState={setState} listQueryKey={listQueryKey} /> },
    {
      key: 'actions',
      header: 'keys.column.actions',
      kind: 'actions',
      cell: (key) => (
        <Button size="small" aria-label={intl.formatMessage({ id: 'keys.deleteLabel' }, { accessKeyId: key.accessKeyId })} onPress={() => onDelete(key)}>
          {intl.formatMessage({ id: 'app.delete' })}
        </Button>
      ),
    },
  ];
}

/**
 * Deleting a key, confirmed first (deleting is final; Cancel or Escape keeps it): `ask` opens the
 * confirmation, `dialog` is drawn once. The page passes the call, the list it refreshes and the body.
 */
export function useAccessKeyDeletion<K extends Pick<AccessKey, 'id' | 'accessKeyId'>>({
  remove: removeKey,
  listQueryKey,
  body,
  values,
}: {
  remove: (id: string) => Promise<unknown>;
  listQueryKey: QueryKey;
  /** The confirmation's text; `<code>` chunks show the Access Key ID as an identifier. */
  body: MessageId;
  values?: (key: K) => Readonly<Record<string, string>>;
}): { ask: (key: K) => void; dialog: ReactNode } {
  const [toDelete, setToDelete] = useState<K | null>(null);
  const remove = useCommand({
    run: (key: K) => removeKey(key.id),
    invalidates: [listQueryKey],
    failure: 'toast',
    onSuccess: () => setToDelete(null),
    onError: () => setToDelete(null),
    success: (_result, key) => ({ id: 'keys.deleted', values: { accessKeyId: key.accessKeyId } }),
  });
  return {
    ask: setToDelete,
    dialog: (
      <ConfirmDialog
        isOpen={toDelete !== null}
        heading={{ id: 'keys.deleteDialog.heading' }}
        confirmLabel={{ id: 'app.delete' }}
        danger
        isPending={remove.isPending}
        onCancel={() => setToDelete(null)}
        onConfirm={() => {
          if (toDelete !== null) remove.run(toDelete);
        }}
      >
        {toDelete !== null && (
          <p>
            <FormattedMessage
              id={body}
              values={{ accessKeyId: toDelete.accessKeyId, ...values?.(toDelete), code: (chunks) => <code className="identifier">{chunks}</code> }}
            />
          </p>
        )}
      </ConfirmDialog>
    ),
  };
}

import type { AccessKey } from '@lanyard/contracts/api';
import type { ReactNode } from 'react';
import { useIntl } from 'react-intl';
import { accessKeysQueryKey, deleteAccessKey, setAccessKeyState } from '../../api/access-keys.ts';
import type { MessageId } from '../../i18n/messages.ts';
import { DataTable, type Column } from '../../ui/data-table.tsx';
import { accessKeyIdColumn, useAccessKeyColumns, useAccessKeyDeletion as useKeyDeletion } from './access-key-cells.tsx';

/** Deleting one of the person's keys, with the confirmation first: `ask` opens it, `dialog` is drawn once. */
export function useAccessKeyDeletion(): { ask: (key: AccessKey) => void; dialog: ReactNode } {
  return useKeyDeletion<AccessKey>({ remove: deleteAccessKey, listQueryKey: accessKeysQueryKey, body: 'keys.deleteDialog.body' });
}

/** An extra column after the Access Key ID (seed 001 shows the new key's secret in the table itself). */
export interface AccessKeysExtraColumn {
  header: MessageId;
  cell: (key: AccessKey) => ReactNode;
}

/**
 * The signed-in person's access keys as a table: My Profile › Access Keys and Admin › My Account › Access
 * Keys both draw it. Below 40rem the rows are drawn as cards.
 */
export function AccessKeysTable({ items, onDelete, extraColumn }: { items: readonly AccessKey[]; onDelete: (key: AccessKey) => void; extraColumn?: AccessKeysExtraColumn }) {
  const intl = useIntl();
  const keyColumns = useAccessKeyColumns<AccessKey>({ setState: setAccessKeyState, listQueryKey: accessKeysQueryKey, onDelete });
  const columns: Column<AccessKey>[] = [
    accessKeyIdColumn,
    ...(extraColumn === undefined ? [] : [{ key: 'extra', header: extraColumn.header, wide: true, cell: extraColumn.cell }]),
    { key: 'description', header: 'keys.column.description', wide: true, cell: (key) => key.description ?? <span className="muted">{intl.formatMessage({ id: 'keys.noDescription' })}</span> },
    ...keyColumns,
  ];
  return (
    <DataTable
      caption={{ id: 'keys.caption' }}
      empty={{ id: 'keys.none' }}
      rows={items}
      rowKey={(key) => key.id}
      rowData={(key) => ({ 'data-access-key-id': key.accessKeyId })}
      columns={columns}
    />
  );
}

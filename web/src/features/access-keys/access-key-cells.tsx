import type { AccessKey, AccessKeyState } from '@lanyard/contracts/api';
import type { QueryKey } from '@tanstack/react-query';
import { Button } from 'react-aria-components';
import { useIntl } from 'react-intl';
import { AccessKeyStateSwitch } from './access-key-state-switch.tsx';

type KeyCellsKey = Pick<AccessKey, 'id' | 'accessKeyId' | 'state' | 'createdAt' | 'lastUsedAt' | 'lastUsedIp'>;

/** A key's Access Key ID cell, the same on My Profile › Access Keys and the tenant's keys page. */
export function AccessKeyIdCell({ accessKey }: { accessKey: Pick<AccessKey, 'accessKeyId'> }) {
  const intl = useIntl();
  return (
    <td role="cell" className="cell-wide" data-label={intl.formatMessage({ id: 'keys.column.id' })}>
      <code className="identifier">{accessKey.accessKeyId}</code>
    </td>
  );
}

/**
 * The rest of a key's row on both pages: created, last used (time and address), the State switch and
 * Delete. Each page passes the call that changes the state, the list to refresh and what Delete opens.
 */
export function AccessKeyCells<K extends KeyCellsKey>({
  accessKey,
  setState,
  listQueryKey,
  onDelete,
}: {
  accessKey: K;
  setState: (id: string, state: AccessKeyState) => Promise<Pick<AccessKey, 'accessKeyId' | 'state'>>;
  listQueryKey: QueryKey;
  onDelete: (key: K) => void;
}) {
  const intl = useIntl();
  const formatDate = (iso: string) => intl.formatDate(iso, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <>
      <td role="cell" data-label={intl.formatMessage({ id: 'keys.column.created' })}>
        {formatDate(accessKey.createdAt)}
      </td>
      <td role="cell" data-label={intl.formatMessage({ id: 'keys.column.lastUsed' })}>
        {accessKey.lastUsedAt === null ? intl.formatMessage({ id: 'keys.neverUsed' }) : formatDate(accessKey.lastUsedAt)}
        {accessKey.lastUsedIp !== null && <span className="muted small block">{accessKey.lastUsedIp}</span>}
      </td>
      <td role="cell" data-label={intl.formatMessage({ id: 'keys.column.state' })}>
        <AccessKeyStateSwitch accessKey={accessKey} setState={setState} listQueryKey={listQueryKey} />
      </td>
      <td role="cell" className="cell-actions">
        <Button className="button button-small" aria-label={intl.formatMessage({ id: 'keys.deleteLabel' }, { accessKeyId: accessKey.accessKeyId })} onPress={() => onDelete(accessKey)}>
          {intl.formatMessage({ id: 'app.delete' })}
        </Button>
      </td>
    </>
  );
}

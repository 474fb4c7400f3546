import type { AdminAccessKeyList } from '@lanyard/contracts/api';
import { useQuery } from '@tanstack/react-query';
import { useIntl } from 'react-intl';
import { deleteTenantAccessKey, listTenantAccessKeys, setTenantAccessKeyState, tenantAccessKeysQueryKey } from '../../api/admin.ts';
import { DataTable } from '../../ui/data-table.tsx';
import { accessKeyIdColumn, useAccessKeyColumns, useAccessKeyDeletion } from '../access-keys/access-key-cells.tsx';
import { AdminPage, QueryState } from './admin-page.tsx';

type TenantKey = AdminAccessKeyList['items'][number];

/** Administration › Security › Access keys (SPEC §3.6, `accessKeys.manage`): every key of the tenant, with its owner. */
export function TenantAccessKeysPage() {
  const intl = useIntl();
  return (
    <AdminPage
      title={intl.formatMessage({ id: 'tenantKeys.heading' })}
      eyebrow={intl.formatMessage({ id: 'tenantKeys.eyebrow' })}
      heading={intl.formatMessage({ id: 'tenantKeys.heading' })}
      permission="accessKeys.manage"
    >
      <TenantKeys />
    </AdminPage>
  );
}

function TenantKeys() {
  const intl = useIntl();
  const keys = useQuery({ queryKey: tenantAccessKeysQueryKey, queryFn: ({ signal }) => listTenantAccessKeys(signal) });
  const deletion = useAccessKeyDeletion<TenantKey>({
    remove: deleteTenantAccessKey,
    listQueryKey: tenantAccessKeysQueryKey,
    body: 'tenantKeys.deleteBody',
    values: (key) => ({ owner: key.user.username }),
  });
  const keyColumns = useAccessKeyColumns<TenantKey>({ setState: setTenantAccessKeyState, listQueryKey: tenantAccessKeysQueryKey, onDelete: deletion.ask });

  if (keys.isPending || keys.isError) return <QueryState query={keys} failedTitle={intl.formatMessage({ id: 'tenantKeys.loadFailed' })} />;
  const items = keys.data.items;
  return (
    <section className="panel-section" aria-labelledby="tenant-keys-intro">
      <p id="tenant-keys-intro">{intl.formatMessage({ id: 'tenantKeys.intro' }, { count: items.length })}</p>
      <DataTable
        caption={{ id: 'tenantKeys.caption' }}
        empty={{ id: 'tenantKeys.none' }}
        rows={items}
        rowKey={(key) => key.id}
        rowData={(key) => ({ 'data-access-key-id': key.accessKeyId })}
        columns={[{ key: 'owner', header: 'tenantKeys.column.owner', wide: true, cell: (key) => key.user.username }, accessKeyIdColumn, ...keyColumns]}
      />
      {deletion.dialog}
    </section>
  );
}

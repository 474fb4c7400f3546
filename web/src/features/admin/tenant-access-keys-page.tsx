import type { AdminAccessKeyList } from '@lanyard/contracts/api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { deleteTenantAccessKey, listTenantAccessKeys, setTenantAccessKeyState, tenantAccessKeysQueryKey } from '../../api/admin.ts';
import { messageForError } from '../../api/client.ts';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { showToast } from '../../ui/toasts.tsx';
import { AccessKeyCells, AccessKeyIdCell } from '../access-keys/access-key-cells.tsx';
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
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: tenantAccessKeysQueryKey, queryFn: ({ signal }) => listTenantAccessKeys(signal) });
  const [toDelete, setToDelete] = useState<TenantKey | null>(null);
  const remove = useMutation({
    mutationFn: (key: TenantKey) => deleteTenantAccessKey(key.id),
    onSuccess: async (_result, key) => {
      setToDelete(null);
      showToast({ tone: 'success', text: intl.formatMessage({ id: 'keys.deleted' }, { accessKeyId: key.accessKeyId }) });
      await queryClient.invalidateQueries({ queryKey: tenantAccessKeysQueryKey });
    },
    onError: (error) => {
      setToDelete(null);
      showToast({ tone: 'error', text: messageForError(intl, error) });
    },
  });

  if (keys.isPending || keys.isError) return <QueryState query={keys} failedTitle={intl.formatMessage({ id: 'tenantKeys.loadFailed' })} />;
  const columns = {
    owner: intl.formatMessage({ id: 'tenantKeys.column.owner' }),
    id: intl.formatMessage({ id: 'keys.column.id' }),
    created: intl.formatMessage({ id: 'keys.column.created' }),
    lastUsed: intl.formatMessage({ id: 'keys.column.lastUsed' }),
    state: intl.formatMessage({ id: 'keys.column.state' }),
    actions: intl.formatMessage({ id: 'keys.column.actions' }),
  };
  const items = keys.data.items;
  return (
    <section className="panel-section" aria-labelledby="tenant-keys-intro">
      <p id="tenant-keys-intro">{intl.formatMessage({ id: 'tenantKeys.intro' }, { count: items.length })}</p>
      {items.length === 0 ? (
        <p>{intl.formatMessage({ id: 'tenantKeys.none' })}</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table table-stacked" role="table">
            <caption className="visually-hidden">{intl.formatMessage({ id: 'tenantKeys.caption' })}</caption>
            <thead role="rowgroup">
              <tr role="row">
                <th scope="col" role="columnheader">{columns.owner}</th>
                <th scope="col" role="columnheader">{columns.id}</th>
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
                  <td role="cell" className="cell-wide" data-label={columns.owner}>
                    {key.user.username}
                  </td>
                  <AccessKeyIdCell accessKey={key} />
                  <AccessKeyCells accessKey={key} setState={setTenantAccessKeyState} listQueryKey={tenantAccessKeysQueryKey} onDelete={setToDelete} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        isOpen={toDelete !== null}
        heading={intl.formatMessage({ id: 'keys.deleteDialog.heading' })}
        confirmLabel={intl.formatMessage({ id: 'app.delete' })}
        danger
        isPending={remove.isPending}
        onCancel={() => setToDelete(null)}
        onConfirm={() => {
          if (toDelete !== null) remove.mutate(toDelete);
        }}
      >
        {toDelete !== null && (
          <p>
            <FormattedMessage
              id="tenantKeys.deleteBody"
              values={{ accessKeyId: toDelete.accessKeyId, owner: toDelete.user.username, code: (chunks) => <code className="identifier">{chunks}</code> }}
            />
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}

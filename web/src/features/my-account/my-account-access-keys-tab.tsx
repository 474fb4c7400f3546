import type { CreatedAccessKey } from '@lanyard/contracts/api';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { accessKeysQueryKey, createAccessKey, listAccessKeys } from '../../api/access-keys.ts';
import { messageForError } from '../../ui/error-message.ts';
import { Loading } from '../../ui/loading.tsx';
import { AlertRegion, Message } from '../../ui/message.tsx';
import { useCommand } from '../../ui/use-command.ts';
import { AccessKeysTable, useAccessKeyDeletion } from '../access-keys/access-keys-table.tsx';
import { SecretAccessKeyValue } from '../access-keys/new-access-key-dialog.tsx';

/**
 * Admin › My Account › Access Keys, seed 001's steps literally: Edit › Generate New Access Key › in the
 * Access Keys table, (Show Secret Key) › Copy › Done. The secret lives only in this component's state and
 * is dropped at Done ("You can't retrieve your secret key after you click Done").
 */
export function MyAccountAccessKeysTab() {
  const intl = useIntl();
  const keys = useQuery({ queryKey: accessKeysQueryKey, queryFn: ({ signal }) => listAccessKeys(signal) });
  const [editing, setEditing] = useState(false);
  const [generated, setGenerated] = useState<CreatedAccessKey | null>(null);
  const [secretShown, setSecretShown] = useState(false);
  const deletion = useAccessKeyDeletion();
  const generate = useCommand({
    run: () => createAccessKey({}),
    invalidates: [accessKeysQueryKey],
    onSuccess: (key) => {
      setGenerated(key);
      setSecretShown(false);
    },
    success: () => ({ id: 'keys.added' }),
  });

  function done() {
    setGenerated(null);
    setSecretShown(false);
    setEditing(false);
  }

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

  return (
    <section aria-labelledby="my-account-keys-heading" className="panel-section access-keys">
      <div className="section-heading-row">
        <h2 id="my-account-keys-heading">{intl.formatMessage({ id: 'myAccount.tab.accessKeys' })}</h2>
        {!editing && (
          <Button variant="primary" onPress={() => setEditing(true)}>
            {intl.formatMessage({ id: 'myAccount.edit' })}
          </Button>
        )}
      </div>
      <p>{intl.formatMessage({ id: 'myAccount.keys.intro' })}</p>
      {editing && (
        <div className="form-actions">
          <Button variant="primary" isDisabled={atLimit} isPending={generate.isPending} onPress={() => generate.run()}>
            {intl.formatMessage({ id: 'myAccount.keys.generate' })}
          </Button>
        </div>
      )}
      <p className="muted small">
        {intl.formatMessage({ id: 'keys.count' }, { count: items.length, limit })}
        {atLimit && intl.formatMessage({ id: 'keys.atLimit' })}
      </p>
      <AlertRegion message={generate.problem === null ? null : { tone: 'error', title: generate.problem }} />
      <AccessKeysTable
        items={items}
        onDelete={deletion.ask}
        extraColumn={{
          header: 'keys.newDialog.secret',
          cell: (key) =>
            generated !== null && key.id === generated.id ? (
              <SecretAccessKeyValue
                secret={generated.accessKeySecret}
                shown={secretShown}
                onShow={() => setSecretShown(true)}
                showLabel={intl.formatMessage({ id: 'myAccount.keys.showSecret' })}
              />
            ) : (
              <span className="muted">{intl.formatMessage({ id: 'myAccount.keys.secretHidden' })}</span>
            ),
        }}
      />
      {generated !== null && (
        <Message tone="info" title={intl.formatMessage({ id: 'myAccount.keys.onceTitle' })}>
          <p>{intl.formatMessage({ id: 'myAccount.keys.onceBody' })}</p>
        </Message>
      )}
      {editing && (
        <div className="form-actions">
          <Button onPress={done}>
            {intl.formatMessage({ id: 'keys.newDialog.done' })}
          </Button>
        </div>
      )}
      {deletion.dialog}
    </section>
  );
}

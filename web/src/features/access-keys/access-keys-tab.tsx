import type { CreatedAccessKey } from '@lanyard/contracts/api';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Form } from 'react-aria-components';
import { Button } from '../../ui/button.tsx';
import { accessKeysQueryKey, createAccessKey, listAccessKeys } from '../../api/access-keys.ts';
import { messageForError } from '../../ui/error-message.ts';
import { Loading } from '../../ui/loading.tsx';
import { AlertRegion, Message } from '../../ui/message.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { useCommand } from '../../ui/use-command.ts';
import { AccessKeysTable, useAccessKeyDeletion } from './access-keys-table.tsx';
import { NewAccessKeyDialog } from './new-access-key-dialog.tsx';
import { useIntl } from 'react-intl';

/**
 * My Profile › Access Keys (seed 000 "Generate Access Keys", seed 001 "Access Keys Tab"): add a key, see
 * its secret once, switch its State between Active and Inactive, delete it.
 */
export function AccessKeysTab() {
  const intl = useIntl();
  const keys = useQuery({ queryKey: accessKeysQueryKey, queryFn: ({ signal }) => listAccessKeys(signal) });
  const [description, setDescription] = useState('');
  const [created, setCreated] = useState<CreatedAccessKey | null>(null);

  const add = useCommand({
    run: () => createAccessKey(description.trim() === '' ? {} : { description: description.trim() }),
    invalidates: [accessKeysQueryKey],
    onSuccess: (key) => {
      setCreated(key);
      setDescription('');
    },
    success: () => ({ id: 'keys.added' }),
  });
  const deletion = useAccessKeyDeletion();

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
    <section aria-labelledby="access-keys-heading" className="panel-section access-keys">
      <h2 id="access-keys-heading">{intl.formatMessage({ id: 'keys.heading' })}</h2>
      <p>{intl.formatMessage({ id: 'keys.intro' })}</p>

      <Form
        className="add-key-form"
        onSubmit={(event) => {
          event.preventDefault();
          add.run();
        }}
      >
        <TextField label={intl.formatMessage({ id: 'keys.description' })} value={description} onChange={setDescription} maxLength={256} />
        <Button type="submit" variant="primary" isDisabled={atLimit} isPending={add.isPending}>
          {intl.formatMessage({ id: 'keys.add' })}
        </Button>
      </Form>
      <p className="muted small" id="key-count">
        {intl.formatMessage({ id: 'keys.count' }, { count: items.length, limit })}
        {atLimit && intl.formatMessage({ id: 'keys.atLimit' })}
      </p>
      <AlertRegion message={add.problem === null ? null : { tone: 'error', title: add.problem }} />

      <AccessKeysTable items={items} onDelete={deletion.ask} />

      <NewAccessKeyDialog created={created} onDone={() => setCreated(null)} />
      {deletion.dialog}
    </section>
  );
}

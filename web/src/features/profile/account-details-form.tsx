import type { Account, AccountPatch } from '@lanyard/contracts/account';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { ComboBox, Form, Input, Label, ListBox, ListBoxItem, Popover, Button as AriaButton } from 'react-aria-components';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { accountQueryKey, updateAccount } from '../../api/account.ts';
import { messageForError } from '../../ui/error-message.ts';
import { meQueryKey } from '../../api/session.ts';
import { Checkbox } from '../../ui/checkbox.tsx';
import { ChevronDownIcon } from '../../ui/icons.tsx';
import { AlertRegion, Message } from '../../ui/message.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { showToast } from '../../ui/toasts.tsx';

/**
 * The account details form (GET/PATCH /api/v1/me/account), shared by My Profile › Account and seed 001's
 * Admin › My Account › Details (its Edit mode, which passes onSaved and onCancel).
 */
function timeZones(): string[] {
  const supported = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return supported.includes('UTC') ? supported : ['UTC', ...supported];
}

/** The searchable IANA time zone picker. */
function TimeZonePicker({ value, onChange, isDisabled }: { value: string; onChange: (zone: string) => void; isDisabled: boolean }) {
  const intl = useIntl();
  const zones = useMemo(() => timeZones().map((zone) => ({ id: zone, name: zone })), []);
  return (
    <ComboBox
      className="field"
      defaultItems={zones}
      selectedKey={value === '' ? null : value}
      onSelectionChange={(key) => onChange(key === null ? '' : String(key))}
      isDisabled={isDisabled}
      menuTrigger="focus"
    >
      <Label className="field-label">{intl.formatMessage({ id: 'account.timeZone' })}</Label>
      <div className="combo">
        <Input className="field-input" />
        <AriaButton className="combo-button" aria-label={intl.formatMessage({ id: 'account.timeZone.show' })}>
          <ChevronDownIcon />
        </AriaButton>
      </div>
      <Popover className="menu-popover select-popover combo-popover" offset={4}>
        <ListBox className="menu">
          {(item: { id: string; name: string }) => (
            <ListBoxItem id={item.id} className="menu-item" textValue={item.name}>
              {item.name}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </ComboBox>
  );
}

interface Draft {
  firstName: string;
  lastName: string;
  location: string;
  timeZone: string;
  language: string;
  defaultDialingPattern: string;
  wfmEnabled: boolean;
  wfmInterval: string;
}

const draftOf = (account: Account): Draft => ({
  firstName: account.firstName,
  lastName: account.lastName,
  location: account.location,
  timeZone: account.timeZone ?? '',
  language: account.language ?? '',
  defaultDialingPattern: account.defaultDialingPattern,
  wfmEnabled: account.wfmNotifications?.enabled ?? false,
  wfmInterval: String(account.wfmNotifications?.intervalMinutes ?? 15),
});

/** Only what changed and what the person may change. */
function patchOf(account: Account, draft: Draft): AccountPatch {
  const before = draftOf(account);
  const patch: AccountPatch = {};
  if (account.canEdit.details) {
    if (draft.firstName !== before.firstName) patch.firstName = draft.firstName;
    if (draft.lastName !== before.lastName) patch.lastName = draft.lastName;
    if (draft.location !== before.location) patch.location = draft.location;
    if (draft.timeZone !== before.timeZone && draft.timeZone !== '') patch.timeZone = draft.timeZone;
    if (draft.language !== before.language && draft.language !== '') patch.language = draft.language;
  }
  if (account.canEdit.defaultDialingPattern && draft.defaultDialingPattern !== before.defaultDialingPattern) patch.defaultDialingPattern = draft.defaultDialingPattern;
  if (account.canEdit.wfmNotifications && (draft.wfmEnabled !== before.wfmEnabled || draft.wfmInterval !== before.wfmInterval)) {
    patch.wfmNotifications = { enabled: draft.wfmEnabled, intervalMinutes: Number(draft.wfmInterval) };
  }
  return patch;
}

export function AccountDetailsForm({ account, onSaved, onCancel }: { account: Account; onSaved?: () => void; onCancel?: () => void }) {
  const intl = useIntl();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => draftOf(account));
  const [problem, setProblem] = useState<string | null>(null);
  const set = (patch: Partial<Draft>) => setDraft((previous) => ({ ...previous, ...patch }));
  const save = useMutation({
    mutationFn: updateAccount,
    onSuccess: async (saved) => {
      queryClient.setQueryData(accountQueryKey, saved);
      setDraft(draftOf(saved));
      showToast({ tone: 'success', text: intl.formatMessage({ id: 'account.saved' }) });
      await queryClient.invalidateQueries({ queryKey: meQueryKey });
      onSaved?.();
    },
    onError: (error) => setProblem(messageForError(intl, error)),
  });
  const readOnly = !account.canEdit.details;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    save.mutate(patchOf(account, draft));
  }

  return (
    <section aria-labelledby="account-details-heading" className="panel-section">
      <h2 id="account-details-heading">{intl.formatMessage({ id: 'account.details.heading' })}</h2>
      {readOnly && <Message tone="info" title={intl.formatMessage({ id: 'account.readOnly' })} />}
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      <dl className="pairs">
        <div>
          <dt>{intl.formatMessage({ id: 'account.username' })}</dt>
          <dd data-field="username">{account.username}</dd>
        </div>
        <div>
          <dt>{intl.formatMessage({ id: 'account.userId' })}</dt>
          <dd data-field="userId">{account.userId}</dd>
        </div>
      </dl>
      <Form className="form" onSubmit={submit}>
        <TextField label={intl.formatMessage({ id: 'account.firstName' })} value={draft.firstName} onChange={(firstName) => set({ firstName })} isReadOnly={readOnly} />
        <TextField label={intl.formatMessage({ id: 'account.lastName' })} value={draft.lastName} onChange={(lastName) => set({ lastName })} isReadOnly={readOnly} />
        <TextField label={intl.formatMessage({ id: 'account.location' })} value={draft.location} onChange={(location) => set({ location })} isReadOnly={readOnly} />
        <TimeZonePicker value={draft.timeZone} onChange={(timeZone) => set({ timeZone })} isDisabled={readOnly} />
        <TextField
          label={intl.formatMessage({ id: 'account.language' })}
          description={intl.formatMessage({ id: 'account.language.description' })}
          value={draft.language}
          onChange={(language) => set({ language })}
          isReadOnly={readOnly}
          isIdentifier
        />
        <TextField
          label={intl.formatMessage({ id: 'account.dialingPattern' })}
          value={draft.defaultDialingPattern}
          onChange={(defaultDialingPattern) => set({ defaultDialingPattern })}
          isReadOnly={!account.canEdit.defaultDialingPattern}
          isIdentifier
        />
        {account.wfmNotifications !== null && (
          <>
            <Checkbox name="wfmEnabled" label={intl.formatMessage({ id: 'account.wfm.enabled' })} isSelected={draft.wfmEnabled} onChange={(wfmEnabled) => set({ wfmEnabled })} />
            {draft.wfmEnabled && (
              <TextField
                label={intl.formatMessage({ id: 'account.wfm.interval' })}
                description={intl.formatMessage({ id: 'account.wfm.interval.description' })}
                value={draft.wfmInterval}
                onChange={(wfmInterval) => set({ wfmInterval })}
                inputMode="numeric"
              />
            )}
          </>
        )}
        <div className="form-actions">
          <Button type="submit" variant="primary" isDisabled={save.isPending}>
            {intl.formatMessage({ id: 'account.save' })}
          </Button>
          {onCancel !== undefined && (
            <Button onPress={onCancel}>
              {intl.formatMessage({ id: 'app.cancel' })}
            </Button>
          )}
        </div>
      </Form>
    </section>
  );
}

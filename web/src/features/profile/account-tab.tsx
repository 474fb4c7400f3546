import type { Account, AccountPatch } from '@lanyard/contracts/account';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { Button, ComboBox, Form, Input, Label, ListBox, ListBoxItem, Popover } from 'react-aria-components';
import { useIntl } from 'react-intl';
import { Link } from 'react-router';
import { accountQueryKey, fetchAccount, requestEmailChange, updateAccount } from '../../api/account.ts';
import { messageForError } from '../../api/client.ts';
import { meQueryKey } from '../../api/session.ts';
import { useMe } from '../../app/me-context.ts';
import { Checkbox } from '../../ui/checkbox.tsx';
import { ChevronDownIcon } from '../../ui/icons.tsx';
import { Loading } from '../../ui/loading.tsx';
import { AlertRegion, Message } from '../../ui/message.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { showToast } from '../../ui/toasts.tsx';
import { IdentityLinksSection } from './identity-links-section.tsx';

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
        <Button className="combo-button" aria-label={intl.formatMessage({ id: 'account.timeZone.show' })}>
          <ChevronDownIcon />
        </Button>
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

function DetailsForm({ account }: { account: Account }) {
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
          <Button type="submit" className="button button-primary" isDisabled={save.isPending}>
            {intl.formatMessage({ id: 'account.save' })}
          </Button>
        </div>
      </Form>
    </section>
  );
}

function EmailForm({ account }: { account: Account }) {
  const intl = useIntl();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: requestEmailChange,
    onSuccess: async (answer) => {
      setEmail('');
      setPassword('');
      showToast({ tone: 'success', text: intl.formatMessage({ id: 'account.email.sent' }, { email: answer.pendingEmail }) });
      await queryClient.invalidateQueries({ queryKey: accountQueryKey });
    },
    onError: (error) => setProblem(messageForError(intl, error)),
  });
  return (
    <section aria-labelledby="account-email-heading" className="panel-section">
      <h2 id="account-email-heading">{intl.formatMessage({ id: 'account.email.heading' })}</h2>
      <p>
        {intl.formatMessage({ id: 'account.email.current' })} <strong data-field="email">{account.email}</strong>
      </p>
      {account.pendingEmail !== null && <Message tone="info" title={intl.formatMessage({ id: 'account.email.pending' }, { email: account.pendingEmail })} />}
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      <Form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          setProblem(null);
          change.mutate({ email, currentPassword: password });
        }}
      >
        <TextField label={intl.formatMessage({ id: 'account.email.new' })} type="email" value={email} onChange={setEmail} isRequired isIdentifier autoComplete="email" />
        <TextField label={intl.formatMessage({ id: 'account.email.password' })} type="password" value={password} onChange={setPassword} isRequired autoComplete="current-password" />
        <div className="form-actions">
          <Button type="submit" className="button" isDisabled={change.isPending}>
            {intl.formatMessage({ id: 'account.email.submit' })}
          </Button>
        </div>
      </Form>
    </section>
  );
}

/** My Profile › Account (seed 000): the details, the email change, Change Password and Support and Downloads. */
export function AccountTab() {
  const intl = useIntl();
  const me = useMe();
  const account = useQuery({ queryKey: accountQueryKey, queryFn: ({ signal }) => fetchAccount(signal) });
  if (account.data === undefined) return account.isError ? <Message tone="error" title={messageForError(intl, account.error)} /> : <Loading />;
  return (
    <div className="stack">
      <DetailsForm key={account.dataUpdatedAt} account={account.data} />
      <EmailForm account={account.data} />
      <section aria-labelledby="account-password-heading" className="panel-section">
        <h2 id="account-password-heading">{intl.formatMessage({ id: 'profile.account.password' })}</h2>
        <p>{intl.formatMessage({ id: 'profile.account.passwordBody' })}</p>
        <Link to="/profile/password" className="button">
          {intl.formatMessage({ id: 'profile.account.changePassword' })}
        </Link>
      </section>
      <IdentityLinksSection />
      {me.permissions.includes('support.downloads.view') && (
        <section aria-labelledby="account-downloads-heading" className="panel-section">
          <h2 id="account-downloads-heading">{intl.formatMessage({ id: 'profile.section.downloads' })}</h2>
          <Link to="/profile/downloads" className="button">
            {intl.formatMessage({ id: 'profile.section.downloads' })}
          </Link>
        </section>
      )}
    </div>
  );
}

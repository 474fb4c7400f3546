import type { Account } from '@lanyard/contracts/account';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Form } from 'react-aria-components';
import { Button, buttonClass } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { Link } from 'react-router';
import { accountQueryKey, fetchAccount, requestEmailChange } from '../../api/account.ts';
import { messageForError } from '../../ui/error-message.ts';
import { useMe } from '../../session/me-context.ts';
import { Loading } from '../../ui/loading.tsx';
import { AlertRegion, Message } from '../../ui/message.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { showToast } from '../../ui/toasts.tsx';
import { AccountDetailsForm } from './account-details-form.tsx';
import { IdentityLinksSection } from './identity-links-section.tsx';

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
          <Button type="submit" isDisabled={change.isPending}>
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
      <AccountDetailsForm key={account.dataUpdatedAt} account={account.data} />
      <EmailForm account={account.data} />
      <section aria-labelledby="account-password-heading" className="panel-section">
        <h2 id="account-password-heading">{intl.formatMessage({ id: 'profile.account.password' })}</h2>
        <p>{intl.formatMessage({ id: 'profile.account.passwordBody' })}</p>
        <Link to="/profile/password" className={buttonClass()}>
          {intl.formatMessage({ id: 'profile.account.changePassword' })}
        </Link>
      </section>
      <IdentityLinksSection />
      {me.permissions.includes('support.downloads.view') && (
        <section aria-labelledby="account-downloads-heading" className="panel-section">
          <h2 id="account-downloads-heading">{intl.formatMessage({ id: 'profile.section.downloads' })}</h2>
          <Link to="/profile/downloads" className={buttonClass()}>
            {intl.formatMessage({ id: 'profile.section.downloads' })}
          </Link>
        </section>
      )}
    </div>
  );
}

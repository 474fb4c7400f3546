import type { Account } from '@lanyard/contracts/account';
import type { MfaStatus } from '@lanyard/contracts/mfa';
import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Button, buttonClass } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { Link } from 'react-router';
import { accountQueryKey, fetchAccount } from '../../api/account.ts';
import { messageForError } from '../../ui/error-message.ts';
import { fetchMfaStatus, mfaStatusQueryKey } from '../../api/mfa.ts';
import { Loading } from '../../ui/loading.tsx';
import { Message } from '../../ui/message.tsx';
import { AccountDetailsForm } from '../profile/account-details-form.tsx';

interface Row {
  key: string;
  field: string;
  value: ReactNode;
}

/** The field table of seed 001's Details tab, from GET /api/v1/me/account and GET /api/v1/me/mfa. */
function rowsOf(intl: ReturnType<typeof useIntl>, account: Account, mfa: MfaStatus | undefined): Row[] {
  const notSet = <span className="muted">{intl.formatMessage({ id: 'myAccount.details.notSet' })}</span>;
  const text = (value: string | null) => (value === null || value === '' ? notSet : value);
  const securityLink = (
    <Link to="/profile/security" className="block small">
      {intl.formatMessage({ id: 'myAccount.details.mfaLink' })}
    </Link>
  );
  const rows: Row[] = [
    { key: 'username', field: intl.formatMessage({ id: 'account.username' }), value: <code className="identifier">{account.username}</code> },
    { key: 'userId', field: intl.formatMessage({ id: 'account.userId' }), value: <code className="identifier">{account.userId}</code> },
    { key: 'firstName', field: intl.formatMessage({ id: 'account.firstName' }), value: text(account.firstName) },
    { key: 'lastName', field: intl.formatMessage({ id: 'account.lastName' }), value: text(account.lastName) },
    { key: 'email', field: intl.formatMessage({ id: 'myAccount.details.email' }), value: text(account.email) },
    { key: 'location', field: intl.formatMessage({ id: 'account.location' }), value: text(account.location) },
    { key: 'timeZone', field: intl.formatMessage({ id: 'account.timeZone' }), value: text(account.timeZone) },
    { key: 'language', field: intl.formatMessage({ id: 'account.language' }), value: text(account.language) },
    { key: 'defaultDialingPattern', field: intl.formatMessage({ id: 'account.dialingPattern' }), value: text(account.defaultDialingPattern) },
    {
      key: 'mfaSecret',
      field: intl.formatMessage({ id: 'myAccount.details.mfaSecret' }),
      value: (
        <>
          {mfa === undefined ? notSet : intl.formatMessage({ id: 'myAccount.details.mfaSecretState' }, { enabled: String(mfa.totp.enabled) })}
          {securityLink}
        </>
      ),
    },
    {
      key: 'mfaPeriod',
      field: intl.formatMessage({ id: 'myAccount.details.mfaPeriod' }),
      value: (
        <>
          {intl.formatMessage({ id: 'myAccount.details.seconds' }, { seconds: mfa?.totp.period ?? 30 })}
          {mfa?.totp.enabled !== true && <span className="muted block small">{intl.formatMessage({ id: 'myAccount.details.mfaPeriodDefault' })}</span>}
        </>
      ),
    },
  ];
  if (account.wfmNotifications !== null) {
    rows.push({
      key: 'wfmEnabled',
      field: intl.formatMessage({ id: 'account.wfm.enabled' }),
      value: intl.formatMessage({ id: 'myAccount.details.yesNo' }, { value: String(account.wfmNotifications.enabled) }),
    });
    if (account.wfmNotifications.enabled) {
      rows.push({
        key: 'wfmInterval',
        field: intl.formatMessage({ id: 'account.wfm.interval' }),
        value: intl.formatMessage({ id: 'myAccount.details.minutes' }, { minutes: account.wfmNotifications.intervalMinutes }),
      });
    }
  }
  return rows;
}

/**
 * Admin › My Account › Details (seed 001): the account as a field table, with an Edit mode that is the same
 * form as My Profile › Account. The MFA Secret and its period are set up on My Profile › Security.
 */
export function MyAccountDetailsTab() {
  const intl = useIntl();
  const [editing, setEditing] = useState(false);
  const account = useQuery({ queryKey: accountQueryKey, queryFn: ({ signal }) => fetchAccount(signal) });
  const mfa = useQuery({ queryKey: mfaStatusQueryKey, queryFn: ({ signal }) => fetchMfaStatus(signal) });
  if (account.data === undefined) return account.isError ? <Message tone="error" title={messageForError(intl, account.error)} /> : <Loading />;
  const data = account.data;
  const mayEdit = data.canEdit.details || data.canEdit.defaultDialingPattern || data.canEdit.wfmNotifications;

  if (editing) {
    return <AccountDetailsForm key={account.dataUpdatedAt} account={data} onSaved={() => setEditing(false)} onCancel={() => setEditing(false)} />;
  }
  return (
    <section aria-labelledby="my-account-details-heading" className="panel-section">
      <div className="section-heading-row">
        <h2 id="my-account-details-heading">{intl.formatMessage({ id: 'myAccount.tab.details' })}</h2>
        {mayEdit && (
          <Button variant="primary" onPress={() => setEditing(true)}>
            {intl.formatMessage({ id: 'myAccount.edit' })}
          </Button>
        )}
      </div>
      {!mayEdit && <Message tone="info" title={intl.formatMessage({ id: 'account.readOnly' })} />}
      <div className="table-scroll">
        <table className="data-table field-table">
          <caption className="visually-hidden">{intl.formatMessage({ id: 'myAccount.details.caption' })}</caption>
          <thead>
            <tr>
              <th scope="col">{intl.formatMessage({ id: 'myAccount.details.field' })}</th>
              <th scope="col">{intl.formatMessage({ id: 'myAccount.details.value' })}</th>
            </tr>
          </thead>
          <tbody>
            {rowsOf(intl, data, mfa.data).map((row) => (
              <tr key={row.key} data-field={row.key}>
                <th scope="row">{row.field}</th>
                <td>{row.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="section-actions">
        <Link to="/profile/password" className={buttonClass()}>
          {intl.formatMessage({ id: 'myAccount.details.resetPassword' })}
        </Link>
      </p>
    </section>
  );
}

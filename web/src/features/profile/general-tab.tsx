import { useState } from 'react';
import { Button } from '../../ui/button.tsx';
import { fullName, useMe } from '../../session/me-context.ts';
import { Message } from '../../ui/message.tsx';
import { useIntl } from 'react-intl';
import { DefaultTenantChoice } from '../presence/default-tenant-choice.tsx';
import { ReadinessPanel } from '../presence/readiness-panel.tsx';
import { InvitationsSection } from '../membership-invitations/invitations-section.tsx';

function CopyButton({ value, label }: { value: string; label: string }) {
  const intl = useIntl();
  const [status, setStatus] = useState('');
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setStatus(intl.formatMessage({ id: 'copy.done' }, { what: label }));
    } catch {
      setStatus(intl.formatMessage({ id: 'copy.failed' }, { what: label }));
    }
  }
  return (
    <>
      <Button size="small" onPress={() => void copy()}>
        {intl.formatMessage({ id: 'copy.button' }, { what: label })}
      </Button>
      <span role="status" className="copy-status">
        {status}
      </span>
    </>
  );
}

/**
 * The read-only General tab (seed 000 "View Account Information"): the name, then role and team, then
 * User Information and General Information about the system.
 */
export function GeneralTab() {
  const intl = useIntl();
  const me = useMe();
  return (
    <div className="general-tab">
      <section aria-labelledby="profile-name" className="profile-header">
        <h2 id="profile-name" className="profile-name">
          {fullName(me)}
        </h2>
        <dl className="inline-pairs">
          <div>
            <dt>{intl.formatMessage({ id: 'general.role' })}</dt>
            <dd data-field="role">{me.role.name}</dd>
          </div>
          <div>
            <dt>{intl.formatMessage({ id: 'general.team' })}</dt>
            <dd data-field="team">{me.team === null ? intl.formatMessage({ id: 'general.noTeam' }) : me.team.name}</dd>
          </div>
        </dl>
      </section>

      <InvitationsSection />

      <Message tone="info">
        <p>{intl.formatMessage({ id: 'general.readOnly' })}</p>
      </Message>

      <div className="info-grid">
        <section aria-labelledby="user-information" className="info-section">
          <h2 id="user-information">{intl.formatMessage({ id: 'general.userInformation' })}</h2>
          <dl className="pairs">
            <div>
              <dt>{intl.formatMessage({ id: 'general.username' })}</dt>
              <dd data-field="username">{me.user.username}</dd>
            </div>
            <div>
              <dt>{intl.formatMessage({ id: 'general.email' })}</dt>
              <dd data-field="email">{me.user.email}</dd>
            </div>
            <div>
              <dt>{intl.formatMessage({ id: 'general.userId' })}</dt>
              <dd>
                <code data-field="user-id" className="identifier">
                  {me.user.id}
                </code>
                <span className="pair-action">
                  <CopyButton value={me.user.id} label={intl.formatMessage({ id: 'general.userId' })} />
                </span>
              </dd>
            </div>
          </dl>
        </section>

        <section aria-labelledby="general-information" className="info-section">
          <h2 id="general-information">{intl.formatMessage({ id: 'general.generalInformation' })}</h2>
          <dl className="pairs">
            <div>
              <dt>{intl.formatMessage({ id: 'general.tenant' })}</dt>
              <dd data-field="tenant">{me.tenant.name}</dd>
            </div>
            <div>
              <dt>{intl.formatMessage({ id: 'general.region' })}</dt>
              <dd data-field="region">{me.tenant.region}</dd>
            </div>
            <div>
              <dt>{intl.formatMessage({ id: 'general.dataLocation' })}</dt>
              <dd data-field="data-location">{intl.formatMessage({ id: 'general.dataLocationValue' }, { region: me.tenant.region })}</dd>
            </div>
            <div>
              <dt>{intl.formatMessage({ id: 'general.version' })}</dt>
              <dd data-field="version">{me.system.version}</dd>
            </div>
          </dl>
          <DefaultTenantChoice />
        </section>
      </div>
      {me.permissions.includes('presence.use') && <ReadinessPanel />}
    </div>
  );
}

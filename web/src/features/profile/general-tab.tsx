import { useState } from 'react';
import { Button } from 'react-aria-components';
import { fullName, useMe } from '../../app/me-context.ts';
import { Message } from '../../ui/message.tsx';

function CopyButton({ value, label }: { value: string; label: string }) {
  const [status, setStatus] = useState('');
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setStatus(`${label} copied.`);
    } catch {
      setStatus(`${label} could not be copied. Select it and copy it yourself.`);
    }
  }
  return (
    <>
      <Button className="button button-small" onPress={() => void copy()}>
        {`Copy ${label}`}
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
  const me = useMe();
  return (
    <div className="general-tab">
      <section aria-labelledby="profile-name" className="profile-header">
        <h2 id="profile-name" className="profile-name">
          {fullName(me)}
        </h2>
        <dl className="inline-pairs">
          <div>
            <dt>Role</dt>
            <dd data-field="role">{me.role.name}</dd>
          </div>
          <div>
            <dt>Team</dt>
            <dd data-field="team">{me.team === null ? 'Not assigned to a team' : me.team.name}</dd>
          </div>
        </dl>
      </section>

      <Message tone="info">
        <p>
          This information is read-only. You might need to share some of it if you contact support or your administrator. If
          something is wrong, ask your administrator to change it.
        </p>
      </Message>

      <div className="info-grid">
        <section aria-labelledby="user-information" className="info-section">
          <h2 id="user-information">User Information</h2>
          <dl className="pairs">
            <div>
              <dt>Username</dt>
              <dd data-field="username">{me.user.username}</dd>
            </div>
            <div>
              <dt>Email</dt>
              <dd data-field="email">{me.user.email}</dd>
            </div>
            <div>
              <dt>User ID</dt>
              <dd>
                <code data-field="user-id" className="identifier">
                  {me.user.id}
                </code>
                <span className="pair-action">
                  <CopyButton value={me.user.id} label="User ID" />
                </span>
              </dd>
            </div>
          </dl>
        </section>

        <section aria-labelledby="general-information" className="info-section">
          <h2 id="general-information">General Information</h2>
          <dl className="pairs">
            <div>
              <dt>Tenant</dt>
              <dd data-field="tenant">{me.tenant.name}</dd>
            </div>
            <div>
              <dt>Region</dt>
              <dd data-field="region">{me.tenant.region}</dd>
            </div>
            <div>
              <dt>Version</dt>
              <dd data-field="version">{me.system.version}</dd>
            </div>
          </dl>
        </section>
      </div>
    </div>
  );
}

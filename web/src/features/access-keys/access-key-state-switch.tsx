import type { AccessKey, AccessKeyState } from '@lanyard/contracts/api';
import type { QueryKey } from '@tanstack/react-query';
import { Switch } from 'react-aria-components';
import { useIntl } from 'react-intl';
import { useCommand } from '../../ui/use-command.ts';

/**
 * A key's State toggle (Active / Inactive), for My Profile › Access Keys and the tenant's keys page: each
 * passes the call that changes the state and the list to refresh. A toast tells the outcome.
 */
export function AccessKeyStateSwitch({
  accessKey,
  setState,
  listQueryKey,
}: {
  accessKey: Pick<AccessKey, 'id' | 'accessKeyId' | 'state'>;
  setState: (id: string, state: AccessKeyState) => Promise<Pick<AccessKey, 'accessKeyId' | 'state'>>;
  listQueryKey: QueryKey;
}) {
  const intl = useIntl();
  const change = useCommand({
    run: (active: boolean) => setState(accessKey.id, active ? 'active' : 'inactive'),
    invalidates: [listQueryKey],
    failure: 'toast',
    success: (updated) => ({ id: 'keys.stateChanged', values: { accessKeyId: updated.accessKeyId, state: updated.state } }),
  });
  const active = change.variables ?? accessKey.state === 'active';
  return (
    // Not disabled while saving: a disabled control loses keyboard focus. Presses during a save are ignored.
    <Switch
      className="switch"
      isSelected={active}
      onChange={(value) => {
        change.run(value);
      }}
      aria-label={intl.formatMessage({ id: 'keys.stateLabel' }, { accessKeyId: accessKey.accessKeyId })}
    >
      <span className="switch-track" aria-hidden="true">
        <span className="switch-thumb" />
      </span>
      <span className="switch-label">{intl.formatMessage({ id: 'keys.state' }, { state: active ? 'active' : 'inactive' })}</span>
    </Switch>
  );
}

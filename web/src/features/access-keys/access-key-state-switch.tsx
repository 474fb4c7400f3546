import type { AccessKey, AccessKeyState } from '@lanyard/contracts/api';
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { Switch } from 'react-aria-components';
import { useIntl } from 'react-intl';
import { messageForError } from '../../api/client.ts';
import { showToast } from '../../ui/toasts.tsx';

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
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: (active: boolean) => setState(accessKey.id, active ? 'active' : 'inactive'),
    onSuccess: async (updated) => {
      showToast({ tone: 'success', text: intl.formatMessage({ id: 'keys.stateChanged' }, { accessKeyId: updated.accessKeyId, state: updated.state }) });
      await queryClient.invalidateQueries({ queryKey: listQueryKey });
    },
    onError: (error) => showToast({ tone: 'error', text: messageForError(intl, error) }),
  });
  const active = change.isPending ? change.variables : accessKey.state === 'active';
  return (
    // Not disabled while saving: a disabled control loses keyboard focus. Presses during a save are ignored.
    <Switch
      className="switch"
      isSelected={active}
      onChange={(value) => {
        if (!change.isPending) change.mutate(value);
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

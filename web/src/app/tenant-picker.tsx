import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue, type Key } from 'react-aria-components';
import { useIntl } from 'react-intl';
import { useNavigate } from 'react-router';
import { messageForError } from '../api/client.ts';
import { fetchMyTenants, myTenantsQueryKey, switchTenant } from '../api/presence.ts';
import { ChevronDownIcon } from '../ui/icons.tsx';
import { showToast } from '../ui/toasts.tsx';
import { landingPath } from './admin-sections.ts';
import { fetchMe, meQueryKey } from '../api/session.ts';

/** The tenant picker of the top bar (SPEC §2): shown to people in several tenants; the role and permissions of the chosen membership apply at once. */
export function TenantPicker({ currentTenantId, currentName }: { currentTenantId: string; currentName: string }) {
  const intl = useIntl();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const tenants = useQuery({ queryKey: myTenantsQueryKey, queryFn: ({ signal }) => fetchMyTenants(signal) });
  const change = useMutation({
    mutationFn: (tenantId: string) => switchTenant(tenantId),
    onSuccess: async (switched) => {
      // Everything cached belongs to the previous tenant.
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'me' });
      await queryClient.invalidateQueries({ queryKey: myTenantsQueryKey });
      const me = await queryClient.fetchQuery({ queryKey: meQueryKey, queryFn: ({ signal }) => fetchMe(signal), staleTime: 0 });
      showToast({ tone: 'success', text: intl.formatMessage({ id: 'tenantPicker.switched' }, { name: switched.tenant.name }) });
      await navigate(landingPath(me?.permissions ?? []));
    },
    onError: (error) => showToast({ tone: 'error', text: messageForError(intl, error) }),
  });

  if (tenants.data === undefined || tenants.data.length < 2) {
    return (
      <span className="top-bar-tenant">
        <span className="visually-hidden">{intl.formatMessage({ id: 'topBar.tenant' })}</span>
        {currentName}
      </span>
    );
  }
  return (
    <Select
      className="tenant-picker"
      value={currentTenantId}
      onChange={(key: Key | null) => {
        if (typeof key === 'string' && key !== currentTenantId) change.mutate(key);
      }}
      isDisabled={change.isPending}
    >
      <Label className="visually-hidden">{intl.formatMessage({ id: 'tenantPicker.label' })}</Label>
      <Button className="select-button tenant-picker-button">
        <SelectValue className="select-value" />
        <ChevronDownIcon />
      </Button>
      <Popover className="menu-popover select-popover" placement="bottom end" offset={4}>
        <ListBox className="menu" items={tenants.data}>
          {(tenant) => (
            <ListBoxItem id={tenant.id} className="menu-item" textValue={tenant.name}>
              {tenant.name}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  );
}

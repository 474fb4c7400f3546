import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue, type Key } from 'react-aria-components';
import { useIntl } from 'react-intl';
import { useNavigate } from 'react-router';
import { isApiError } from '../api/client.ts';
import { messageForError } from '../ui/error-message.ts';
import { fetchMyTenants, myTenantsQueryKey, switchTenant } from '../api/presence.ts';
import { ChevronDownIcon } from '../ui/icons.tsx';
import { showToast } from '../ui/toasts.tsx';
import { landingPath } from '../session/landing.ts';
import type { Me } from '@lanyard/contracts/api';
import { fetchMe, meQueryKey } from '../api/session.ts';
import { tenantSwitchPath, tenantSwitchStateOf } from './tenant-switch-state.ts';

/** After the session moved to another tenant: everything cached belongs to the previous one; the signed-in person is loaded again. */
export async function reloadForSwitchedTenant(queryClient: QueryClient): Promise<Me | null> {
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== meQueryKey[0] });
  await queryClient.invalidateQueries({ queryKey: myTenantsQueryKey });
  return queryClient.fetchQuery({ queryKey: meQueryKey, queryFn: ({ signal }) => fetchMe(signal), staleTime: 0 });
}

/** The tenant picker of the top bar (SPEC §2): shown to people in several tenants; the role and permissions of the chosen membership apply at once. */
export function TenantPicker({ currentTenantId, currentName }: { currentTenantId: string; currentName: string }) {
  const intl = useIntl();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const tenants = useQuery({ queryKey: myTenantsQueryKey, queryFn: ({ signal }) => fetchMyTenants(signal) });
  const change = useMutation({
    mutationFn: (tenantId: string) => switchTenant(tenantId),
    onSuccess: async (switched) => {
      const me = await reloadForSwitchedTenant(queryClient);
      showToast({ tone: 'success', text: intl.formatMessage({ id: 'tenantPicker.switched' }, { name: switched.tenant.name }) });
      await navigate(landingPath(me?.permissions ?? []));
    },
    onError: async (error, tenantId) => {
      // The tenant's MFA policy requires a factor of this role there: the sign-in's forced enrolment first, then that tenant.
      // Or a code, where the person has a factor and this session was opened without it (single sign-on).
      const secondStep =
        isApiError(error) && (error.code === 'MFA_ENROLLMENT_REQUIRED' || error.code === 'MFA_CODE_REQUIRED')
          ? tenantSwitchStateOf(error.code, error.details, tenants.data?.find((tenant) => tenant.id === tenantId)?.name, currentName)
          : undefined;
      if (secondStep !== undefined) await navigate(tenantSwitchPath, { state: secondStep });
      else showToast({ tone: 'error', text: messageForError(intl, error) });
    },
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

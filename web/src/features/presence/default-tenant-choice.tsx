import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useIntl } from 'react-intl';
import { messageForError } from '../../ui/error-message.ts';
import { fetchMyTenants, myTenantsQueryKey, setDefaultTenant } from '../../api/presence.ts';
import { SelectField } from '../../ui/select-field.tsx';
import { showToast } from '../../ui/toasts.tsx';

/** My Profile › General: the tenant a sign-in lands in, for people in several tenants. */
export function DefaultTenantChoice() {
  const intl = useIntl();
  const queryClient = useQueryClient();
  const tenants = useQuery({ queryKey: myTenantsQueryKey, queryFn: ({ signal }) => fetchMyTenants(signal) });
  const choose = useMutation({
    mutationFn: (tenantId: string) => setDefaultTenant(tenantId),
    onSuccess: async (_result, tenantId) => {
      const name = tenants.data?.find((tenant) => tenant.id === tenantId)?.name ?? '';
      showToast({ tone: 'success', text: intl.formatMessage({ id: 'defaultTenant.saved' }, { name }) });
      await queryClient.invalidateQueries({ queryKey: myTenantsQueryKey });
    },
    onError: (error) => showToast({ tone: 'error', text: messageForError(intl, error) }),
  });
  if (tenants.data === undefined || tenants.data.length < 2) return null;
  return (
    <SelectField
      label={intl.formatMessage({ id: 'defaultTenant.label' })}
      description={intl.formatMessage({ id: 'defaultTenant.description' })}
      placeholder={intl.formatMessage({ id: 'defaultTenant.placeholder' })}
      options={tenants.data.map((tenant) => ({ id: tenant.id, name: tenant.name }))}
      value={tenants.data.find((tenant) => tenant.isDefault)?.id ?? null}
      onChange={(tenantId) => {
        if (tenantId !== null) choose.mutate(tenantId);
      }}
    />
  );
}

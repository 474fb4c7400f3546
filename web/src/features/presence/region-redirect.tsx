import { lanyardConfigurationSchema } from '@lanyard/contracts/regions';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useIntl } from 'react-intl';
import { useSearchParams } from 'react-router';
import { Message } from '../../ui/message.tsx';

/** The tenant's region as /.well-known/lanyard-configuration answers it (this deployment asks the peers). */
async function configurationOf(tenantId: string, signal: AbortSignal) {
  const response = await fetch(`/.well-known/lanyard-configuration?tenantId=${encodeURIComponent(tenantId)}`, { signal, headers: { Accept: 'application/json' } });
  if (!response.ok) return null;
  const parsed = lanyardConfigurationSchema.safeParse(await response.json());
  return parsed.success ? parsed.data : null;
}

/**
 * The login page given `?tenantId=` (SPEC §3.11): a tenant served by another region's console sends the person
 * there (its own login page, with the same tenant); a tenant of this region, or one no region knows, stays here.
 */
export function RegionRedirect() {
  const intl = useIntl();
  const [search] = useSearchParams();
  const tenantId = search.get('tenantId');
  const configuration = useQuery({
    queryKey: ['lanyard-configuration', tenantId],
    queryFn: ({ signal }) => configurationOf(tenantId ?? '', signal),
    enabled: tenantId !== null && tenantId !== '',
    retry: false,
  });
  const target = configuration.data === null || configuration.data === undefined ? null : new URL(`login?tenantId=${encodeURIComponent(configuration.data.tenantId)}`, configuration.data.consoleUrl);
  const elsewhere = target !== null && target.origin !== window.location.origin;
  useEffect(() => {
    if (elsewhere) window.location.assign(target.href);
  }, [elsewhere, target]);
  if (!elsewhere || configuration.data === null || configuration.data === undefined) return null;
  return (
    <Message tone="info" title={intl.formatMessage({ id: 'login.otherRegion' }, { region: configuration.data.region })}>
      <p>
        <a href={target.href}>{intl.formatMessage({ id: 'login.otherRegionLink' }, { region: configuration.data.region })}</a>
      </p>
    </Message>
  );
}

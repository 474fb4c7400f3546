import { lanyardConfigurationSchema, type LanyardConfiguration } from '@lanyard/contracts/regions';
import { AppError, isAppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import { configurationAt, LocationCache, peerTimeoutMs } from './regions.ts';

/**
 * Called only when the peers are about to be asked (the tenant is neither held here nor cached, and no question about it is
 * already out): where the caller's rate limit applies, so that made-up tenant ids cannot make this deployment flood its peers.
 */
export type BeforeAskingPeers = () => Promise<void>;

/** Regions (SPEC §3.11): which deployment serves a tenant, asking the peer regions for tenants not held here. */
export interface RegionsService {
  /** This deployment's region. */
  readonly region: string;
  /** A tenant of this deployment, or undefined. */
  localConfiguration(tenantId: string): Promise<LanyardConfiguration | undefined>;
  /**
   * Where the tenant is served: here, or in the peer region that holds it (answers cached). TENANT_NOT_FOUND when no region holds
   * it; 503 REGION_UNAVAILABLE when none that answered holds it and a peer did not answer (within 1.5 s).
   */
  locate(tenantId: string, beforeAskingPeers?: BeforeAskingPeers): Promise<LanyardConfiguration>;
  /** Refuses a tenant homed in another region with 421 TENANT_IN_OTHER_REGION `{region, consoleUrl}`; a tenant held here, or known nowhere, passes. */
  assertServedHere(tenantId: string, beforeAskingPeers?: BeforeAskingPeers): Promise<void>;
}

export function createRegionsService(deps: {
  region: string;
  publicUrl: URL;
  peers: ReadonlyMap<string, URL>;
  tenants: Pick<TenantsService, 'getTenant'>;
  clock: Clock;
  logger: { warn(details: Record<string, unknown>, message: string): void };
}): RegionsService {
  const cache = new LocationCache();
  const inFlight = new Map<string, Promise<LanyardConfiguration>>();

  const localConfiguration = async (tenantId: string): Promise<LanyardConfiguration | undefined> => {
    try {
      const tenant = await deps.tenants.getTenant(tenantId);
      // A deployment serves only tenants of its own region (a tenant row homed elsewhere is not served here).
      return tenant.homeRegion === deps.region ? configurationAt(tenant.id, deps.region, deps.publicUrl) : undefined;
    } catch (error) {
      if (isAppError(error, 'TENANT_NOT_FOUND')) return undefined;
      throw error;
    }
  };

  /** One peer's answer: its configuration of the tenant, 'absent', or 'down' (no answer in time, or not a sensible one). */
  const askPeer = async (name: string, base: URL, tenantId: string): Promise<LanyardConfiguration | 'absent' | 'down'> => {
    const url = new URL('.well-known/lanyard-configuration', base.href.endsWith('/') ? base : `${base.href}/`);
    url.searchParams.set('tenantId', tenantId);
    url.searchParams.set('scope', 'local');
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(peerTimeoutMs), headers: { accept: 'application/json' }, redirect: 'error' });
      if (response.status === 404) {
        await response.body?.cancel();
        return 'absent';
      }
      if (!response.ok) {
        await response.body?.cancel();
        deps.logger.warn({ peer: name, status: response.status }, 'peer region answered an error');
        return 'down';
      }
      const parsed = lanyardConfigurationSchema.safeParse(await response.json());
      if (!parsed.success || parsed.data.tenantId !== tenantId || parsed.data.region !== name) {
        deps.logger.warn({ peer: name }, 'peer region answered an unexpected configuration');
        return 'down';
      }
      return parsed.data;
    } catch (error) {
      deps.logger.warn({ peer: name, err: error instanceof Error ? error.message : String(error) }, 'peer region did not answer');
      return 'down';
    }
  };

  const askPeers = async (tenantId: string): Promise<LanyardConfiguration> => {
    const answers = await Promise.all([...deps.peers].map(([name, base]) => askPeer(name, base, tenantId)));
    const found = answers.find((answer): answer is LanyardConfiguration => typeof answer === 'object');
    const now = deps.clock.now().getTime();
    if (found !== undefined) {
      cache.set(tenantId, { kind: 'found', configuration: found }, now);
      return found;
    }
    if (answers.includes('down')) throw new AppError('REGION_UNAVAILABLE', { details: { tenantId } });
    cache.set(tenantId, { kind: 'absent' }, now);
    throw new AppError('TENANT_NOT_FOUND', { details: { tenantId } });
  };

  const locate = async (tenantId: string, beforeAskingPeers?: BeforeAskingPeers): Promise<LanyardConfiguration> => {
    const local = await localConfiguration(tenantId);
    if (local !== undefined) return local;
    const cached = cache.get(tenantId, deps.clock.now().getTime());
    if (cached?.kind === 'found') return cached.configuration;
    if (cached?.kind === 'absent' || deps.peers.size === 0) throw new AppError('TENANT_NOT_FOUND', { details: { tenantId } });
    // Concurrent questions about one tenant share one round of asking.
    const asking = inFlight.get(tenantId);
    if (asking !== undefined) return asking;
    await beforeAskingPeers?.();
    const pending = inFlight.get(tenantId) ?? askPeers(tenantId).finally(() => inFlight.delete(tenantId));
    inFlight.set(tenantId, pending);
    return pending;
  };

  return {
    region: deps.region,
    localConfiguration,
    locate,
    async assertServedHere(tenantId, beforeAskingPeers) {
      if ((await localConfiguration(tenantId)) !== undefined) return;
      let elsewhere: LanyardConfiguration;
      try {
        elsewhere = await locate(tenantId, beforeAskingPeers);
      } catch (error) {
        // Known nowhere (or the peers are down): the request goes on, and answers as it would for any unknown tenant.
        if (isAppError(error, 'TENANT_NOT_FOUND') || isAppError(error, 'REGION_UNAVAILABLE')) return;
        throw error;
      }
      throw new AppError('TENANT_IN_OTHER_REGION', { details: { tenantId, region: elsewhere.region, consoleUrl: elsewhere.consoleUrl } });
    },
  };
}

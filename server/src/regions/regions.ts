import type { LanyardConfiguration } from '@lanyard/contracts/regions';

/** Where a tenant is served: its region and the URLs of that region's console, API and token endpoints. */
export function configurationAt(tenantId: string, region: string, publicUrl: URL): LanyardConfiguration {
  const base = publicUrl.href.endsWith('/') ? publicUrl.href : `${publicUrl.href}/`;
  return {
    tenantId,
    region,
    consoleUrl: base,
    apiUrl: new URL('api/v1', base).href,
    tokenEndpoint: new URL('oauth/token', publicUrl.origin).href,
    jwksUri: new URL('.well-known/jwks.json', publicUrl.origin).href,
  };
}

/** How long answers from peers are kept: a tenant's home region almost never changes; an unknown tenant may be created any time. */
export const foundTtlMs = 5 * 60_000;
export const absentTtlMs = 30_000;
/** A peer that does not answer within this long is taken as down (the whole question stays under 2 s). */
export const peerTimeoutMs = 1_500;
/** Entries the cache keeps at most (the oldest go first). */
export const maxCachedTenants = 10_000;

type Cached = { kind: 'found'; configuration: LanyardConfiguration } | { kind: 'absent' };

/** A small TTL cache of peer answers, bounded in size. */
export class LocationCache {
  private readonly entries = new Map<string, { value: Cached; expiresAt: number }>();

  get(tenantId: string, now: number): Cached | undefined {
    const entry = this.entries.get(tenantId);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(tenantId);
      return undefined;
    }
    return entry.value;
  }

  set(tenantId: string, value: Cached, now: number): void {
    this.entries.delete(tenantId);
    if (this.entries.size >= maxCachedTenants) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(tenantId, { value, expiresAt: now + (value.kind === 'found' ? foundTtlMs : absentTtlMs) });
  }
}

import { lookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import { addressAllowed } from './provider-addresses.ts';

/**
 * The only way Lanyard's single sign-on reaches an identity provider over the network: every request
 * (discovery, token, userinfo, JWKS, test connection) goes through this fetch, which refuses addresses that
 * `provider-addresses.ts` does not allow.
 *
 * Two checks, both before any connection is opened:
 * 1. Before the request, the URL's host is resolved (or read, when it is an address) and **every** address
 *    it has is checked; one that is not allowed refuses the request (AddressNotAllowed) and no socket is
 *    created at all.
 * 2. The connection itself resolves the name through a lookup that checks what it returns, so the address
 *    the socket connects to is an address that was checked — a name that changes its answer between (1) and
 *    the connection (DNS rebinding) is refused there too, before connecting.
 */
export class AddressNotAllowed extends Error {
  readonly code = 'ADDRESS_NOT_ALLOWED';
  constructor(readonly hostname: string) {
    super(`the provider's address is not allowed: ${hostname}`);
    this.name = 'AddressNotAllowed';
  }
}

export interface ProviderFetchInit {
  method?: string;
  headers?: Record<string, string> | Headers | [string, string][];
  body?: string | URLSearchParams | null;
  /** Redirects are never followed: `error` refuses one, anything else answers it as it is (`manual`). */
  redirect?: 'error' | 'manual' | 'follow';
  signal?: AbortSignal | null;
}

export type ProviderFetch = (url: string | URL, init?: ProviderFetchInit) => Promise<Response>;

export interface NetworkPolicy {
  /** Private and loopback addresses are allowed (LANYARD_SSO_ALLOW_PRIVATE_NETWORKS). */
  allowPrivateNetworks: boolean;
}

/** Whether an error (or one it was caused by) is a refused address. */
export function isAddressNotAllowed(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    if (current instanceof AddressNotAllowed) return true;
    current = 'cause' in current ? current.cause : undefined;
  }
  return false;
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

export function createProviderFetch(policy: NetworkPolicy): ProviderFetch {
  const allowed = (address: string) => addressAllowed(address, policy);

  /** The connection's own name resolution: answers only addresses that are allowed, all of them checked. */
  const checkedLookup = ((hostname: string, options: LookupOneOptions | LookupAllOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error !== null) return callback(error, '');
      if (addresses.length === 0 || addresses.some((entry) => !allowed(entry.address))) return callback(new AddressNotAllowed(hostname), '');
      if (options.all === true) return callback(null, addresses);
      const [first] = addresses as [LookupAddress];
      return callback(null, first.address, first.family);
    });
  }) as LookupFunction;

  const agent = new Agent({ connect: { lookup: checkedLookup } });

  const resolve = async (hostname: string, signal: AbortSignal | null | undefined): Promise<string[]> => {
    if (isIP(hostname) !== 0) return [hostname];
    const resolving = new Promise<string[]>((done, fail) => {
      lookup(hostname, { all: true }, (error, addresses) => (error === null ? done(addresses.map((entry) => entry.address)) : fail(new TypeError('fetch failed', { cause: error }))));
    });
    if (signal === null || signal === undefined) return resolving;
    signal.throwIfAborted();
    return Promise.race([
      resolving,
      new Promise<never>((_, fail) => signal.addEventListener('abort', () => fail(signal.reason as Error), { once: true })),
    ]);
  };

  return async (input, init = {}) => {
    const url = new URL(input);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('fetch failed', { cause: new Error(`unsupported protocol ${url.protocol}`) });
    const hostname = hostOf(url);
    const addresses = await resolve(hostname, init.signal);
    if (addresses.length === 0 || addresses.some((address) => !allowed(address))) throw new AddressNotAllowed(hostname);
    const response = await undiciFetch(url, {
      method: init.method ?? 'GET',
      headers: [...new Headers(init.headers ?? {})],
      body: init.body ?? null,
      // Never followed here: a redirect to another address would skip check 1 (and an address, unlike a name, skips check 2).
      redirect: init.redirect === 'error' ? 'error' : 'manual',
      signal: init.signal ?? null,
      dispatcher: agent,
    });
    // undici's Response is the Fetch standard's (the one Node's own fetch returns); openid-client accepts it.
    return response;
  };
}

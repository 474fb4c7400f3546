import * as client from 'openid-client';
import { isLoopbackHost, type ConnectionTest } from '@lanyard/contracts/sso';
import { createProviderFetch, isAddressNotAllowed, type NetworkPolicy, type ProviderFetch } from './provider-fetch.ts';

/**
 * The relying party's calls to a provider, through openid-client (a certified library; no hand-written
 * OIDC): discovery (exact issuer), the authorization URL (code flow, PKCE S256, state, nonce), and the code
 * exchange, whose ID token is checked for issuer, audience, expiry, nonce, the authorized party (`azp`) and
 * — enableNonRepudiationChecks — its signature against the provider's JWKS; then, when the ID token lacks
 * the claims Lanyard reads, userinfo (OIDC Core §5.3). Every request goes through `provider-fetch.ts`, which
 * never connects to addresses the deployment does not allow. Every refusal is an SsoProblem with a coded
 * reason (for the audit and the log only; the answer is SSO_FAILED).
 */
export class SsoProblem extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface ProviderConnection {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export interface OidcClient {
  /** The provider's configuration (discovered; cached for a few minutes per issuer and client). */
  configuration(connection: ProviderConnection): Promise<client.Configuration>;
  authorizationUrl(connection: ProviderConnection, input: { redirectUri: string; scopes: string[]; state: string; nonce: string; codeVerifier: string }): Promise<string>;
  /**
   * Exchanges the code of `callbackUrl`; answers the ID token's claims, completed from userinfo when the ID
   * token lacks what Lanyard reads (see `completedClaims`). `now` is the clock the expiry is judged by.
   */
  exchange(connection: ProviderConnection, callbackUrl: URL, checks: { state: string; nonce: string; codeVerifier: string }, now: Date): Promise<Record<string, unknown>>;
  /** `POST …/identity-providers/{id}/test`: fetches the discovery document and reports what it found, check by check. */
  testConnection(issuer: string): Promise<ConnectionTest>;
}

const timeoutSeconds = 5;
const cacheMs = 5 * 60_000;

function isLoopbackIssuer(issuer: string): boolean {
  const url = new URL(issuer);
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

/** A coded reason for an error openid-client (or the network) raised. */
export function reasonOf(error: unknown): string {
  if (error instanceof SsoProblem) return error.reason;
  if (isAddressNotAllowed(error)) return 'address-not-allowed';
  if (error instanceof client.ResponseBodyError) return `provider-error:${error.error}`;
  if (error instanceof client.AuthorizationResponseError) return `authorization-error:${error.error}`;
  if (error instanceof client.WWWAuthenticateChallengeError) return 'provider-challenge';
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error).code) : undefined;
  const claim = claimOf(error);
  if (code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' || code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') return `id-token-claim:${claim ?? 'unknown'}`;
  if (code === 'OAUTH_JWS_SIGNATURE_VERIFICATION_FAILED' || code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return 'id-token-signature';
  if (code === 'OAUTH_UNSUPPORTED_OPERATION' || code === 'OAUTH_INVALID_RESPONSE') {
    const message = error instanceof Error ? error.message : '';
    if (/alg|signature|JWS/i.test(message)) return 'id-token-signature';
    return 'invalid-response';
  }
  if (code === 'OAUTH_RESPONSE_IS_NOT_JSON' || code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') return 'invalid-response';
  if (code === 'OAUTH_HTTP_REQUEST_FORBIDDEN' || code === 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN') return 'insecure-issuer';
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'provider-timeout';
  if (error instanceof TypeError) return 'provider-unreachable';
  return code === undefined ? 'unexpected' : `oauth:${code}`;
}

/** The claim a JWT check names, wherever openid-client nested it in the cause chain. */
function claimOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    if ('claim' in current && typeof (current).claim === 'string') return (current as { claim: string }).claim;
    current = 'cause' in current ? (current).cause : undefined;
  }
  return undefined;
}

/** The claims Lanyard reads about the person; when the ID token lacks one of them, userinfo is asked (OIDC Core §5.3). */
const personClaims = ['email', 'email_verified', 'given_name', 'family_name'] as const;

/**
 * The ID token's claims completed from userinfo (whose `sub` openid-client already compared with the ID
 * token's). Identity (iss, sub, aud, …) always stays the ID token's. `email` and `email_verified` travel as
 * a pair from one source, so a verified flag is never joined to an email it was not said of: the ID token's
 * pair when it has both, else userinfo's pair when userinfo names an email, else the ID token's as it is
 * (and then unverified). Names fill in only where the ID token has none.
 */
export function completedClaims(idToken: Record<string, unknown>, userinfo: Record<string, unknown>): Record<string, unknown> {
  const claims: Record<string, unknown> = { ...idToken };
  const idTokenHasPair = idToken.email !== undefined && idToken.email_verified !== undefined;
  if (!idTokenHasPair && typeof userinfo.email === 'string') {
    claims.email = userinfo.email;
    if (userinfo.email_verified === undefined) delete claims.email_verified;
    else claims.email_verified = userinfo.email_verified;
  }
  for (const name of ['given_name', 'family_name', 'name'] as const) {
    if (claims[name] === undefined && typeof userinfo[name] === 'string') claims[name] = userinfo[name];
  }
  return claims;
}

export function createOidcClient(policy: NetworkPolicy): OidcClient {
  /** Every request to a provider: refuses addresses the deployment does not allow, before connecting. */
  const providerFetch: ProviderFetch = createProviderFetch(policy);
  const fetchForOpenIdClient = providerFetch as unknown as client.CustomFetch;
  /** Discovered server metadata and the JWKS last fetched, per issuer (a few minutes). */
  const cache = new Map<string, { metadata: client.ServerMetadata; jwks: ReturnType<typeof client.getJwksCache>; at: number }>();

  const metadataOf = async (connection: ProviderConnection): Promise<client.ServerMetadata> => {
    const cached = cache.get(connection.issuer);
    if (cached !== undefined && Date.now() - cached.at < cacheMs) return cached.metadata;
    try {
      const config = await client.discovery(new URL(connection.issuer), connection.clientId, undefined, client.None(), {
        timeout: timeoutSeconds,
        [client.customFetch]: fetchForOpenIdClient,
        ...(isLoopbackIssuer(connection.issuer) ? { execute: [client.allowInsecureRequests] } : {}),
      });
      const metadata = config.serverMetadata();
      cache.set(connection.issuer, { metadata, jwks: undefined, at: Date.now() });
      if (cache.size > 500) cache.delete(cache.keys().next().value ?? '');
      return metadata;
    } catch (error) {
      throw new SsoProblem(`discovery:${reasonOf(error)}`);
    }
  };

  /** A configuration for one call, with the clock skew of `now` (the ID token's timestamps are judged by Lanyard's clock). */
  const configuration = async (connection: ProviderConnection, now: Date = new Date()): Promise<client.Configuration> => {
    const metadata = await metadataOf(connection);
    const config = new client.Configuration(
      metadata,
      connection.clientId,
      { client_secret: connection.clientSecret, [client.clockSkew]: Math.round((now.getTime() - Date.now()) / 1000) },
      client.ClientSecretPost(connection.clientSecret),
    );
    config.timeout = timeoutSeconds;
    config[client.customFetch] = fetchForOpenIdClient;
    if (isLoopbackIssuer(connection.issuer)) client.allowInsecureRequests(config);
    client.enableNonRepudiationChecks(config);
    const jwks = cache.get(connection.issuer)?.jwks;
    if (jwks !== undefined) client.setJwksCache(config, jwks);
    return config;
  };

  return {
    configuration: (connection) => configuration(connection),

    async authorizationUrl(connection, input) {
      const config = await configuration(connection);
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: input.redirectUri,
        scope: input.scopes.join(' '),
        response_type: 'code',
        code_challenge: await client.calculatePKCECodeChallenge(input.codeVerifier),
        code_challenge_method: 'S256',
        state: input.state,
        nonce: input.nonce,
      });
      return url.href;
    },

    async exchange(connection, callbackUrl, checks, now) {
      const config = await configuration(connection, now);
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (claims === undefined) throw new SsoProblem('id-token-missing');
        // OIDC Core §3.1.3.7: an ID token whose authorized party is another client was not issued to Lanyard.
        // openid-client compares azp only when aud names several audiences; a lone aud with a foreign azp passes it.
        if (claims.azp !== undefined && claims.azp !== connection.clientId) throw new SsoProblem('id-token-claim:azp');
        if (personClaims.every((claim) => claims[claim] !== undefined) || config.serverMetadata().userinfo_endpoint === undefined) return claims;
        let userinfo: Record<string, unknown>;
        try {
          userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        } catch (error) {
          const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
          if (code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') throw new SsoProblem('userinfo-subject-mismatch');
          throw new SsoProblem(`userinfo:${reasonOf(error)}`);
        }
        return completedClaims(claims, userinfo);
      } catch (error) {
        throw new SsoProblem(reasonOf(error));
      } finally {
        const entry = cache.get(connection.issuer);
        const jwks = client.getJwksCache(config);
        if (entry !== undefined && jwks !== undefined) entry.jwks = jwks;
      }
    },

    testConnection: (issuer) => testConnection(providerFetch, issuer),
  };
}

/** `POST …/identity-providers/{id}/test`: fetches the discovery document and reports what it found, check by check. */
async function testConnection(providerFetch: ProviderFetch, issuer: string): Promise<ConnectionTest> {
  const checks: ConnectionTest['checks'] = [];
  const wellKnown = new URL(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  let document: Record<string, unknown>;
  try {
    const response = await providerFetch(wellKnown, { signal: AbortSignal.timeout(timeoutSeconds * 1000), redirect: 'error', headers: { accept: 'application/json' } });
    if (!response.ok) {
      checks.push({ check: 'discovery', ok: false, reason: `http-${response.status}` });
      return { ok: false, checks };
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      checks.push({ check: 'discovery', ok: false, reason: 'not-json' });
      return { ok: false, checks };
    }
    document = body as Record<string, unknown>;
  } catch (error) {
    const reason = isAddressNotAllowed(error) ? 'address-not-allowed' : error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'unreachable';
    checks.push({ check: 'discovery', ok: false, reason });
    return { ok: false, checks };
  }
  checks.push({ check: 'discovery', ok: true, found: wellKnown.href });
  const text = (key: string) => (typeof document[key] === 'string' ? document[key] : undefined);
  const list = (key: string) => (Array.isArray(document[key]) ? document[key].filter((item): item is string => typeof item === 'string') : undefined);
  const found = text('issuer');
  checks.push(found === issuer ? { check: 'issuer', ok: true, found } : { check: 'issuer', ok: false, reason: found === undefined ? 'missing' : 'issuer-mismatch', ...(found === undefined ? {} : { found }) });
  for (const [check, key] of [['authorizationEndpoint', 'authorization_endpoint'], ['tokenEndpoint', 'token_endpoint'], ['jwks', 'jwks_uri']] as const) {
    const value = text(key);
    checks.push(value === undefined ? { check, ok: false, reason: 'missing' } : { check, ok: true, found: value });
  }
  const responseTypes = list('response_types_supported') ?? [];
  checks.push(responseTypes.includes('code') ? { check: 'codeFlow', ok: true, found: responseTypes } : { check: 'codeFlow', ok: false, reason: 'code-not-supported', found: responseTypes });
  const pkce = list('code_challenge_methods_supported');
  checks.push(pkce === undefined ? { check: 'pkceS256', ok: true, reason: 'not-advertised' } : pkce.includes('S256') ? { check: 'pkceS256', ok: true, found: pkce } : { check: 'pkceS256', ok: false, reason: 's256-not-supported', found: pkce });
  const algorithms = list('id_token_signing_alg_values_supported') ?? [];
  const usable = algorithms.filter((alg) => alg !== 'none');
  checks.push(usable.length > 0 ? { check: 'signingAlgorithms', ok: true, found: usable } : { check: 'signingAlgorithms', ok: false, reason: 'no-signed-id-tokens', found: algorithms });
  return { ok: checks.every((check) => check.ok), checks };
}

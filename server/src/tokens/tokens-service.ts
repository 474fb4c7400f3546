import { randomUUID } from 'node:crypto';
import type { TokenResponse } from '@lanyard/contracts/api';
import { permissionsOf, type Credential } from '../access-keys/access-keys.ts';
import type { AccessKeysService, ClientMeta } from '../access-keys/access-keys-service.ts';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { verifyJwt } from '../kernel/jwt.ts';
import type { JwtSigner } from '../kernel/jwt-signer.ts';
import type { TokenPrincipal } from '../kernel/principal.ts';
import type { SigningKeysService } from './signing-keys-service.ts';
import { accessTokenClaims, checkClaims, credentialAccepts, scopeOf as scopeOfPermissions, tokenPrincipalOf, type AccessTokenClaims } from './tokens.ts';

export type IntrospectionAnswer =
  | { active: false }
  | ({ active: true; token_type: 'Bearer'; client_id: string } & AccessTokenClaims);

/** Access tokens for access keys: issued, checked on every bearer request, and introspected. */
export interface TokensService {
  /** Exchanges an access key for a token (both /oauth/token and /authentication/v1/token/access-key); refuses a bad key or secret as AccessKeysService.authenticateClient does. */
  issue(accessKeyId: string, secret: string, meta: ClientMeta): Promise<TokenResponse>;
  /** A token request refused for its input: counted and audited as a failed client authentication (see AccessKeysService). */
  refuseInvalidInput(accessKeyId: unknown, meta: ClientMeta): Promise<AppError | undefined>;
  /** Resolves a bearer token to a principal whose permissions are the token's scope narrowed to what the user holds now; refuses any token not accepted now with TOKEN_INVALID. */
  authenticate(token: string): Promise<TokenPrincipal>;
  /** RFC 7662 for a resource server authenticating with an access key: `{active:false}` for any token not accepted now or of another tenant. */
  introspect(clientId: string, clientSecret: string, token: string, meta: ClientMeta): Promise<IntrospectionAnswer>;
}

const invalidToken = () => new AppError('TOKEN_INVALID', { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });

/**
 * Access tokens: issued for an access key (client credentials), checked on every bearer request and by
 * introspection. A token is accepted only while its key is still usable: the key's cached state (a second
 * old at most, and dropped at once on a change) is consulted on every check, so deactivating or deleting
 * the key, disabling the user or removing the permission stops tokens already issued.
 */
export function createTokensService(deps: {
  clock: Clock;
  issuer: string;
  audience: string;
  signingKeys: Pick<SigningKeysService, 'signer' | 'publicKeyFor' | 'reloadForUnknownKid'>;
  jwtSigner: Pick<JwtSigner, 'sign'>;
  accessKeys: Pick<AccessKeysService, 'authenticateClient' | 'credentialFor' | 'refuseInvalidInput'>;
}): TokensService {
  /**
   * Tokens whose signature and claims already verified. Integrators send the same token for its whole
   * life, and a signature that verified once stays valid: only what can change (the signing key still
   * trusted, expiry, the key's and user's state) is checked again on every request. The principal built
   * for a token is kept with the credential it was built from and rebuilt when that is reloaded, so a
   * change to the key, the user or their role reaches the token as soon as the credential cache drops it.
   * Bounded; cleared when full.
   */
  interface VerifiedToken {
    kid: string;
    claims: AccessTokenClaims;
    principal?: { from: Credential; value: TokenPrincipal };
  }
  const verifiedTokens = new Map<string, VerifiedToken>();
  const maxVerifiedTokens = 10_000;

  const verifySignature = async (token: string, nowSeconds: number): Promise<VerifiedToken | undefined> => {
    const known = verifiedTokens.get(token);
    if (known !== undefined) {
      if (deps.signingKeys.publicKeyFor(known.kid) !== undefined && known.claims.exp > nowSeconds) return known;
      verifiedTokens.delete(token);
      return undefined;
    }
    let result = verifyJwt(token, (kid) => deps.signingKeys.publicKeyFor(kid));
    if (!result.ok && result.failure === 'unknown-key' && (await deps.signingKeys.reloadForUnknownKid())) {
      result = verifyJwt(token, (kid) => deps.signingKeys.publicKeyFor(kid));
    }
    if (!result.ok) return undefined;
    const claims = checkClaims(result.claims, { issuer: deps.issuer, audience: deps.audience, nowSeconds });
    if (claims === undefined) return undefined;
    if (verifiedTokens.size >= maxVerifiedTokens) verifiedTokens.clear();
    const verified: VerifiedToken = { kid: result.header.kid, claims };
    verifiedTokens.set(token, verified);
    return verified;
  };

  const verify = async (token: string): Promise<{ verified: VerifiedToken; credential: Credential } | undefined> => {
    const now = deps.clock.now();
    const verified = await verifySignature(token, Math.floor(now.getTime() / 1000));
    if (verified === undefined) return undefined;
    const { claims } = verified;
    const credential = await deps.accessKeys.credentialFor(claims.akid);
    if (credential === undefined || !credentialAccepts(claims, credential, now)) return undefined;
    return { verified, credential };
  };

  /** A credential's permissions as a token scope; computed once per loaded credential. */
  const scopes = new WeakMap<Credential, string>();
  const scopeOf = (credential: Credential): string => {
    let scope = scopes.get(credential);
    if (scope === undefined) {
      scope = scopeOfPermissions(permissionsOf(credential));
      scopes.set(credential, scope);
    }
    return scope;
  };

  /** The token's scope narrowed to what the user holds now. */
  const principalOf = (verified: VerifiedToken, credential: Credential): TokenPrincipal => {
    if (verified.principal?.from === credential) return verified.principal.value;
    const value = tokenPrincipalOf(verified.claims, permissionsOf(credential));
    verified.principal = { from: credential, value };
    return value;
  };

  return {
    async issue(accessKeyId, secret, meta) {
      const credential = await deps.accessKeys.authenticateClient(accessKeyId, secret, meta);
      const signer = await deps.signingKeys.signer();
      const iat = Math.floor(deps.clock.now().getTime() / 1000);
      const claims = accessTokenClaims({ issuer: deps.issuer, audience: deps.audience, credential, jti: randomUUID(), iat, scope: scopeOf(credential) });
      return { access_token: await deps.jwtSigner.sign({ ...claims }, signer), token_type: 'Bearer', expires_in: claims.exp - iat };
    },

    refuseInvalidInput: (accessKeyId, meta) => deps.accessKeys.refuseInvalidInput(accessKeyId, meta),

    async authenticate(token) {
      const checked = await verify(token);
      if (checked === undefined) throw invalidToken();
      return principalOf(checked.verified, checked.credential);
    },

    // The resource server learns about tokens of its own tenant only; a revoked or expired token is `{active:false}`.
    async introspect(clientId, clientSecret, token, meta) {
      const client = await deps.accessKeys.authenticateClient(clientId, clientSecret, meta);
      const checked = await verify(token);
      if (checked === undefined || checked.verified.claims.tid !== client.tenantId) return { active: false };
      return { active: true, token_type: 'Bearer', client_id: checked.verified.claims.akid, ...checked.verified.claims };
    },
  };
}

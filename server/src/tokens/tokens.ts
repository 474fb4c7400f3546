import { isPermission, type Permission } from '@lanyard/contracts/permissions';
import { unusableReason, type Credential } from '../access-keys/access-keys.ts';
import type { JwtClaims } from '../kernel/jwt.ts';
import type { TokenPrincipal } from '../kernel/principal.ts';

/** The claims of a Lanyard access token (SPEC §3.6; RFC 9068 shape). */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  tid: string;
  akid: string;
  jti: string;
  iat: number;
  exp: number;
  scope: string;
  /** The key's token version when the token was issued (0 for tokens from before versions existed). */
  akv: number;
}

/** Tokens issued slightly in the future (clock skew between instances) are accepted up to this many seconds. */
export const clockSkewSeconds = 60;

/** The audience of Lanyard's access tokens: the API of the deployment that issued them. */
export function audienceFor(issuer: string): string {
  return `${issuer}/api`;
}

/** Validates the claims of a token whose signature was already checked; undefined when any is wrong. */
export function checkClaims(claims: JwtClaims, expected: { issuer: string; audience: string; nowSeconds: number }): AccessTokenClaims | undefined {
  const { iss, aud, sub, tid, akid, jti, iat, exp, scope, nbf, akv = 0 } = claims;
  if (iss !== expected.issuer) return undefined;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(expected.audience)) return undefined;
  if (typeof sub !== 'string' || typeof tid !== 'string' || typeof akid !== 'string' || typeof jti !== 'string') return undefined;
  if (typeof iat !== 'number' || typeof exp !== 'number' || typeof scope !== 'string' || !Number.isSafeInteger(akv)) return undefined;
  if (exp <= expected.nowSeconds) return undefined;
  if (iat > expected.nowSeconds + clockSkewSeconds) return undefined;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > expected.nowSeconds + clockSkewSeconds)) return undefined;
  return { iss, aud: expected.audience, sub, tid, akid, jti, iat, exp, scope, akv: akv as number };
}

/** A permission set as a token scope: space-separated, sorted. */
export function scopeOf(permissions: ReadonlySet<string>): string {
  return [...permissions].sort().join(' ');
}

/** The claims of a new token for a credential, issued at `iat` (seconds) for the tenant's token lifetime. */
export function accessTokenClaims(fields: {
  issuer: string;
  audience: string;
  credential: Pick<Credential, 'userId' | 'tenantId' | 'accessKeyId' | 'tokenVersion' | 'tokenLifetimeMinutes'>;
  jti: string;
  iat: number;
  scope: string;
}): AccessTokenClaims {
  const { issuer, audience, credential, jti, iat, scope } = fields;
  return {
    iss: issuer,
    aud: audience,
    sub: credential.userId,
    tid: credential.tenantId,
    akid: credential.accessKeyId,
    jti,
    iat,
    exp: iat + credential.tokenLifetimeMinutes * 60,
    scope,
    akv: credential.tokenVersion,
  };
}

/**
 * Whether a token with verified claims is still accepted with its key's current credential: same tenant and
 * user, issued under the key's current token version (reactivating a key does not revive tokens issued
 * before it was deactivated), and the key usable now.
 */
export function credentialAccepts(claims: Pick<AccessTokenClaims, 'tid' | 'sub' | 'akv'>, credential: Credential, now: Date): boolean {
  if (credential.tenantId !== claims.tid || credential.userId !== claims.sub) return false;
  if (claims.akv !== credential.tokenVersion) return false;
  return unusableReason(credential, now) === undefined;
}

/** The principal of a token: its scope narrowed to the permissions the user holds now (unknown entries dropped). */
export function tokenPrincipalOf(claims: Pick<AccessTokenClaims, 'sub' | 'tid' | 'akid' | 'jti' | 'scope'>, current: ReadonlySet<Permission>): TokenPrincipal {
  const permissions = new Set<Permission>();
  for (const entry of claims.scope.split(' ')) if (isPermission(entry) && current.has(entry)) permissions.add(entry);
  return { kind: 'token', userId: claims.sub, tenantId: claims.tid, accessKeyId: claims.akid, tokenId: claims.jti, permissions };
}

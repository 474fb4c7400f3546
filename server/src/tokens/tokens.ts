import type { JwtClaims } from '../kernel/jwt.ts';

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

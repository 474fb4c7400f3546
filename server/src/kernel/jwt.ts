import { sign, verify, type KeyObject } from 'node:crypto';

/**
 * Compact JWS with ES256 (RFC 7515, RFC 7518 §3.4), by hand with node:crypto. Verifying is synchronous
 * (tens of microseconds, and each token is verified once: see the tokens service); the server signs on
 * its own thread (jwt-signer.ts). Verification is strict: the header must say exactly ES256, carry the
 * expected `typ` and name a key we hold; anything else (alg "none", HS256, another type, unknown kid, a DER or
 * high-S signature, extra segments) is refused before any claim is read.
 */
export type JwtClaims = Record<string, unknown>;

export interface JwtHeader {
  alg: 'ES256';
  typ: string;
  kid: string;
}

const encodeJson = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** `base64url(header).base64url(claims)`: what an ES256 signature covers. */
export function signingInputOf(claims: JwtClaims, kid: string, typ = 'at+jwt'): string {
  return `${encodedHeader(kid, typ)}.${encodeJson(claims)}`;
}

/** Headers repeat (a few signing keys, one or two types): each is encoded once. */
const encodedHeaders = new Map<string, string>();
function encodedHeader(kid: string, typ: string): string {
  const cacheKey = `${kid} ${typ}`;
  let encoded = encodedHeaders.get(cacheKey);
  if (encoded === undefined) {
    const header: JwtHeader = { alg: 'ES256', typ, kid };
    encoded = encodeJson(header);
    if (encodedHeaders.size >= 100) encodedHeaders.clear();
    encodedHeaders.set(cacheKey, encoded);
  }
  return encoded;
}

/** Signs on the calling thread: for tests and tools that sign a handful of tokens (the server uses jwt-signer.ts). */
export function signJwtSync(claims: JwtClaims, key: { kid: string; privateKey: KeyObject }, typ = 'at+jwt'): string {
  const signingInput = signingInputOf(claims, key.kid, typ);
  const signature = lowS(sign('sha256', Buffer.from(signingInput, 'ascii'), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }));
  return `${signingInput}.${signature.toString('base64url')}`;
}

export type JwtFailure = 'malformed' | 'unsupported-algorithm' | 'unexpected-type' | 'unknown-key' | 'bad-signature';

/** The order n of P-256, and n / 2: an ECDSA signature (r, s) and (r, n − s) are both valid. */
const p256Order = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const p256HalfOrder = p256Order >> 1n;

const bigIntOf = (bytes: Uint8Array): bigint => (bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`));

/**
 * Puts an ES256 signature (r ‖ s, 64 bytes) in its low-S form: s ≤ n / 2. OpenSSL returns either form; we
 * only ever publish the low one and refuse the high one, so a token has exactly one valid encoding and
 * nobody can mint a second string for a token we issued (a token's string is a cache key and a log id).
 */
export function lowS(signature: Buffer): Buffer {
  const s = bigIntOf(signature.subarray(32, 64));
  if (s <= p256HalfOrder) return signature;
  const low = Buffer.from((p256Order - s).toString(16).padStart(64, '0'), 'hex');
  return Buffer.concat([signature.subarray(0, 32), low]);
}

function isHighS(signature: Buffer): boolean {
  return bigIntOf(signature.subarray(32, 64)) > p256HalfOrder;
}

const base64url = /^[A-Za-z0-9_-]+$/;

function decodeJson(segment: string): unknown {
  if (!base64url.test(segment)) return undefined;
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks the signature of a compact JWS of type `expectedTyp` (compared case-insensitively, RFC 7515 §4.1.9;
 * an access token is `at+jwt`, RFC 9068); returns the header and claims, or why it was refused. A high-S
 * signature is refused: see lowS.
 */
export function verifyJwt(
  token: string,
  publicKeyFor: (kid: string) => KeyObject | undefined,
  expectedTyp = 'at+jwt',
): { ok: true; header: JwtHeader; claims: JwtClaims } | { ok: false; failure: JwtFailure; kid?: string } {
  if (token.length > 8192) return { ok: false, failure: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, failure: 'malformed' };
  const [headerPart = '', claimsPart = '', signaturePart = ''] = parts;
  const header = decodeJson(headerPart);
  if (!isRecord(header) || typeof header.kid !== 'string') return { ok: false, failure: 'malformed' };
  if (header.alg !== 'ES256' || header.crit !== undefined) return { ok: false, failure: 'unsupported-algorithm' };
  if (typeof header.typ !== 'string' || header.typ.toLowerCase() !== expectedTyp.toLowerCase()) return { ok: false, failure: 'unexpected-type' };
  const key = publicKeyFor(header.kid);
  if (key === undefined) return { ok: false, failure: 'unknown-key', kid: header.kid };
  if (!base64url.test(signaturePart)) return { ok: false, failure: 'malformed' };
  const signature = Buffer.from(signaturePart, 'base64url');
  if (signature.length !== 64 || isHighS(signature)) return { ok: false, failure: 'bad-signature' };
  const valid = verify('sha256', Buffer.from(`${headerPart}.${claimsPart}`, 'ascii'), { key, dsaEncoding: 'ieee-p1363' }, signature);
  if (!valid) return { ok: false, failure: 'bad-signature' };
  const claims = decodeJson(claimsPart);
  if (!isRecord(claims)) return { ok: false, failure: 'malformed' };
  return { ok: true, header: { alg: 'ES256', typ: header.typ, kid: header.kid }, claims };
}

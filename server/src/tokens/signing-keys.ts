import { createHash, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

/** A token signing key as the tokens domain reads it: the private half stays encrypted until it is loaded. */
export interface SigningKeyRecord {
  /** The JWK `kid` (its RFC 7638 thumbprint). */
  id: string;
  algorithm: 'ES256';
  publicJwk: { kty: string; crv: string; x: string; y: string };
  /** PKCS#8 DER, AES-256-GCM under a key derived from the master key, bound to the kid. */
  privateKeyEncrypted: Buffer;
  createdAt: Date;
  /** Set when a newer key takes over signing. */
  retiredAt: Date | null;
  /** After this the key is no longer published: every token it signed has expired. */
  publishUntil: Date | null;
}

/** A key as the JWKS publishes it, with its public half ready to verify with. */
export interface PublishedKey {
  kid: string;
  jwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string; kid: string; alg: 'ES256'; use: 'sig' };
  publicKey: KeyObject;
  publishUntil: Date | null;
}

/** RFC 7638 thumbprint of an EC public key: a stable, content-derived kid (other members, such as `d` or `kid`, do not count). */
export function thumbprint(jwk: Pick<JsonWebKey, 'crv' | 'kty' | 'x' | 'y'>): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

/** The published form of a stored key: its public JWK (ES256, for signatures) and the key object to verify with. */
export function publishedKeyOf(key: Pick<SigningKeyRecord, 'id' | 'publicJwk' | 'publishUntil'>): PublishedKey {
  const jwk = { kty: 'EC', crv: 'P-256', x: key.publicJwk.x, y: key.publicJwk.y } as const;
  const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
  return { kid: key.id, jwk: { ...jwk, kid: key.id, alg: 'ES256', use: 'sig' }, publicKey, publishUntil: key.publishUntil };
}

/** Whether a key is still published at `now`: the active key always, a retired one until its publishUntil. */
export function isPublishedAt(key: Pick<PublishedKey, 'publishUntil'>, now: Date): boolean {
  return key.publishUntil === null || key.publishUntil.getTime() > now.getTime();
}

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

import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Secrets handed to people (session ids, invitation and reset tokens, access-key secrets) are 256-bit
 * random values, stored only as keyed SHA-256 hashes: a stolen database does not yield usable secrets,
 * and without the key the hashes cannot be brute-forced offline.
 */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

export interface SecretHasher {
  /** Keyed hash of a secret, for storage and lookup. Deterministic for the same key. */
  hash(secret: string): Buffer;
  /** Constant-time comparison of a presented secret against a stored hash. */
  matches(secret: string, storedHash: Uint8Array): boolean;
}

export function deriveKey(masterKey: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `lanyard:${purpose}`, 32));
}

export function createSecretHasher(masterKey: Buffer): SecretHasher {
  const key = deriveKey(masterKey, 'secret-hash');
  const hash = (secret: string): Buffer => createHmac('sha256', key).update(secret, 'utf8').digest();
  return {
    hash,
    matches(secret, storedHash) {
      const candidate = hash(secret);
      return candidate.length === storedHash.length && timingSafeEqual(candidate, storedHash);
    },
  };
}

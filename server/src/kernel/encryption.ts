import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Encryption at rest (signing keys, later TOTP seeds and IdP client secrets): AES-256-GCM under a key
 * derived from the master key for one purpose (`deriveKey(masterKey, purpose)`). The associated data binds
 * a ciphertext to its row, so a ciphertext copied onto another row does not decrypt.
 *
 * Format: version (1 byte, 1) · IV (12) · tag (16) · ciphertext.
 */
const version = 1;
const ivLength = 12;
const tagLength = 16;

export interface Encryptor {
  encrypt(plaintext: Buffer, associatedData: string): Buffer;
  /** Throws if the ciphertext was tampered with, belongs to other associated data, or another key. */
  decrypt(sealed: Uint8Array, associatedData: string): Buffer;
}

export function createEncryptor(key: Buffer): Encryptor {
  if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
  return {
    encrypt(plaintext, associatedData) {
      const iv = randomBytes(ivLength);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagLength });
      cipher.setAAD(Buffer.from(associatedData, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([Buffer.of(version), iv, cipher.getAuthTag(), body]);
    },
    decrypt(sealed, associatedData) {
      const buffer = Buffer.from(sealed);
      if (buffer.length < 1 + ivLength + tagLength || buffer[0] !== version) throw new Error('not a sealed value of a known version');
      const iv = buffer.subarray(1, 1 + ivLength);
      const tag = buffer.subarray(1 + ivLength, 1 + ivLength + tagLength);
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: tagLength });
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(buffer.subarray(1 + ivLength + tagLength)), decipher.final()]);
    },
  };
}

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEncryptor } from './encryption.ts';
import { deriveKey } from './secrets.ts';

describe('encryption at rest', () => {
  const master = randomBytes(32);
  const encryptor = createEncryptor(deriveKey(master, 'signing-keys'));
  const plaintext = Buffer.from('a private key');

  it('round-trips and never repeats a ciphertext', () => {
    const first = encryptor.encrypt(plaintext, 'kid-1');
    const second = encryptor.encrypt(plaintext, 'kid-1');
    expect(first.equals(second)).toBe(false);
    expect(first.includes(plaintext)).toBe(false);
    expect(encryptor.decrypt(first, 'kid-1').equals(plaintext)).toBe(true);
  });

  it('refuses tampering, other associated data, another purpose and another master key', () => {
    const sealed = encryptor.encrypt(plaintext, 'kid-1');
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(() => encryptor.decrypt(tampered, 'kid-1')).toThrow();
    expect(() => encryptor.decrypt(sealed, 'kid-2')).toThrow();
    expect(() => createEncryptor(deriveKey(master, 'totp-seeds')).decrypt(sealed, 'kid-1')).toThrow();
    expect(() => createEncryptor(deriveKey(randomBytes(32), 'signing-keys')).decrypt(sealed, 'kid-1')).toThrow();
    expect(() => encryptor.decrypt(sealed.subarray(0, 10), 'kid-1')).toThrow();
  });
});

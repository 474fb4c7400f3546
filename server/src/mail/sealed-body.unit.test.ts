import { describe, expect, it } from 'vitest';
import { createOutboxEncryptor, openBody, sealBody } from './sealed-body.ts';

const masterKey = Buffer.alloc(32, 3);
const body = { text: 'Set your password: https://lanyard.test/first-access/abc123', html: '<a href="https://lanyard.test/first-access/abc123">Set</a>' };

describe('a sealed outbox body', () => {
  it('opens to the same text and HTML for its row, and holds neither in clear', () => {
    const encryptor = createOutboxEncryptor(masterKey);
    const sealed = sealBody(encryptor, 'row-1', body);
    expect(openBody(encryptor, 'row-1', sealed)).toEqual(body);
    expect(sealed.toString('latin1')).not.toContain('abc123');
    expect(sealBody(encryptor, 'row-1', body).equals(sealed)).toBe(false);
  });

  it('does not open for another row or under another master key', () => {
    const sealed = sealBody(createOutboxEncryptor(masterKey), 'row-1', body);
    expect(() => openBody(createOutboxEncryptor(masterKey), 'row-2', sealed)).toThrow();
    expect(() => openBody(createOutboxEncryptor(Buffer.alloc(32, 4)), 'row-1', sealed)).toThrow();
  });
});

import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isPublishedAt, publishedKeyOf, thumbprint } from './signing-keys.ts';

const sample = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };

describe('thumbprint (RFC 7638)', () => {
  it('is the base64url SHA-256 of the required members in lexicographic order, without spaces', () => {
    const expected = createHash('sha256').update(`{"crv":"P-256","kty":"EC","x":"${sample.x}","y":"${sample.y}"}`).digest('base64url');
    expect(thumbprint(sample)).toBe(expected);
    expect(thumbprint(sample)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('ignores member order and optional members (kid, alg, use, the private d)', () => {
    const reordered = { y: sample.y, x: sample.x, kty: 'EC', crv: 'P-256', kid: 'something', alg: 'ES256', use: 'sig', d: 'secret' };
    expect(thumbprint(reordered)).toBe(thumbprint(sample));
  });

  it('differs for a different key', () => {
    expect(thumbprint({ ...sample, x: sample.y, y: sample.x })).not.toBe(thumbprint(sample));
  });
});

describe('publishedKeyOf', () => {
  it('publishes the public JWK for ES256 signatures under the stored kid, with a key object that is the same public key', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const publicJwk = { kty: 'EC', crv: 'P-256', x: jwk.x ?? '', y: jwk.y ?? '' };
    const publishUntil = new Date('2026-01-01T01:00:00Z');
    const published = publishedKeyOf({ id: 'kid-1', publicJwk, publishUntil });
    expect(published.kid).toBe('kid-1');
    expect(published.jwk).toEqual({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid: 'kid-1', alg: 'ES256', use: 'sig' });
    expect(published.publishUntil).toBe(publishUntil);
    expect(published.publicKey.equals(publicKey)).toBe(true);
  });
});

describe('isPublishedAt', () => {
  const until = new Date('2026-01-01T01:00:00Z');

  it('keeps the active key (no publishUntil) published', () => {
    expect(isPublishedAt({ publishUntil: null }, new Date('2100-01-01T00:00:00Z'))).toBe(true);
  });

  it('unpublishes a retired key at its publishUntil', () => {
    expect(isPublishedAt({ publishUntil: until }, new Date(until.getTime() - 1))).toBe(true);
    expect(isPublishedAt({ publishUntil: until }, until)).toBe(false);
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { signJwtSync, verifyJwt } from './jwt.ts';

describe('ES256 compact JWS', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const claims = { sub: 'user', exp: Math.floor(Date.now() / 1000) + 60 };

  it('produces tokens jose verifies, and verifies its own', async () => {
    const token = signJwtSync(claims, { kid: 'k1', privateKey });
    const key = await importJWK({ ...publicKey.export({ format: 'jwk' }), alg: 'ES256' }, 'ES256');
    const verified = await jwtVerify(token, key, { algorithms: ['ES256'] });
    expect(verified.payload).toMatchObject(claims);
    expect(verified.protectedHeader).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
    expect(verifyJwt(token, (kid) => (kid === 'k1' ? publicKey : undefined))).toMatchObject({ ok: true, claims });
  });

  it('names why a token is refused', () => {
    const token = signJwtSync(claims, { kid: 'k1', privateKey });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(verifyJwt(token, () => undefined)).toMatchObject({ ok: false, failure: 'unknown-key', kid: 'k1' });
    expect(verifyJwt(token, () => other)).toMatchObject({ ok: false, failure: 'bad-signature' });
    expect(verifyJwt('a.b', () => publicKey)).toMatchObject({ ok: false, failure: 'malformed' });
    const none = `${Buffer.from('{"alg":"none","kid":"k1"}').toString('base64url')}.${token.split('.')[1]}.`;
    expect(verifyJwt(none, () => publicKey)).toMatchObject({ ok: false, failure: 'unsupported-algorithm' });
  });
});

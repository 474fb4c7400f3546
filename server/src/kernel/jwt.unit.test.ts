import { generateKeyPairSync } from 'node:crypto';
import { importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { signJwtSync, verifyJwt } from './jwt.ts';

const p256Order = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

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

  it('signs in low-S form only, and refuses the high-S twin of a valid signature', async () => {
    const key = await importJWK({ ...publicKey.export({ format: 'jwk' }), alg: 'ES256' }, 'ES256');
    for (let index = 0; index < 40; index += 1) {
      const token = signJwtSync({ ...claims, n: index }, { kid: 'k1', privateKey });
      const [header = '', payload = '', signaturePart = ''] = token.split('.');
      const signature = Buffer.from(signaturePart, 'base64url');
      const s = BigInt(`0x${signature.subarray(32).toString('hex')}`);
      expect(s <= p256Order >> 1n).toBe(true);
      const highS = Buffer.concat([signature.subarray(0, 32), Buffer.from((p256Order - s).toString(16).padStart(64, '0'), 'hex')]);
      const twin = `${header}.${payload}.${highS.toString('base64url')}`;
      // The twin is a valid ECDSA signature (jose accepts it), and Lanyard still refuses it.
      await expect(jwtVerify(twin, key, { algorithms: ['ES256'] })).resolves.toBeTruthy();
      expect(verifyJwt(twin, () => publicKey)).toMatchObject({ ok: false, failure: 'bad-signature' });
    }
  });

  it('refuses a token of another type, or without one', () => {
    const idToken = signJwtSync(claims, { kid: 'k1', privateKey }, 'JWT');
    expect(verifyJwt(idToken, () => publicKey)).toMatchObject({ ok: false, failure: 'unexpected-type' });
    expect(verifyJwt(idToken, () => publicKey, 'jwt')).toMatchObject({ ok: true });
    expect(verifyJwt(signJwtSync(claims, { kid: 'k1', privateKey }, 'AT+JWT'), () => publicKey)).toMatchObject({ ok: true });
    const untyped = `${Buffer.from('{"alg":"ES256","kid":"k1"}').toString('base64url')}.${idToken.split('.')[1]}.${idToken.split('.')[2]}`;
    expect(verifyJwt(untyped, () => publicKey)).toMatchObject({ ok: false, failure: 'unexpected-type' });
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createJwtSigner } from './jwt-signer.ts';
import { verifyJwt } from './jwt.ts';

describe('the token signing thread', () => {
  const signer = createJwtSigner();
  afterAll(async () => signer.close());
  const first = { kid: 'k1', ...generateKeyPairSync('ec', { namedCurve: 'P-256' }) };
  const second = { kid: 'k2', ...generateKeyPairSync('ec', { namedCurve: 'P-256' }) };
  const publicKeyFor = (kid: string) => (kid === 'k1' ? first.publicKey : kid === 'k2' ? second.publicKey : undefined);

  it('signs many tokens at once, each with its own key and claims, every one verifiable', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 200 }, (_, index) => signer.sign({ sub: `user-${index}`, n: index }, index % 3 === 0 ? second : first)),
    );
    tokens.forEach((token, index) => {
      const verified = verifyJwt(token, publicKeyFor);
      expect(verified).toMatchObject({ ok: true, header: { alg: 'ES256', typ: 'at+jwt', kid: index % 3 === 0 ? 'k2' : 'k1' }, claims: { sub: `user-${index}`, n: index } });
    });
    expect(new Set(tokens).size).toBe(200);
    // Low-S only (see jwt.ts lowS): with 200 signatures, a signer that did not normalise would fail here.
    const halfOrder = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n >> 1n;
    for (const token of tokens) expect(BigInt(`0x${Buffer.from(token.split('.')[2] ?? '', 'base64url').subarray(32).toString('hex')}`) <= halfOrder).toBe(true);
  });

  it('signs again after a pause, in later turns of the event loop', async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const token = await signer.sign({ sub: 'later' }, first, 'JWT');
    expect(verifyJwt(token, publicKeyFor, 'JWT')).toMatchObject({ ok: true, header: { typ: 'JWT' }, claims: { sub: 'later' } });
  });

  it('refuses to sign once closed', async () => {
    const closing = createJwtSigner();
    expect(verifyJwt(await closing.sign({ sub: 'x' }, first), publicKeyFor).ok).toBe(true);
    await closing.close();
    await expect(closing.sign({ sub: 'y' }, first)).rejects.toBeInstanceOf(Error);
  });
});

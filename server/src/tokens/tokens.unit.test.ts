import { describe, expect, it } from 'vitest';
import { accessKeyPermission, type Credential } from '../access-keys/access-keys.ts';
import { accessTokenClaims, audienceFor, checkClaims, clockSkewSeconds, credentialAccepts, scopeOf, tokenPrincipalOf } from './tokens.ts';

const issuer = 'https://id.example.test';
const audience = audienceFor(issuer);
const now = new Date('2026-01-02T03:00:00Z');
const nowSeconds = Math.floor(now.getTime() / 1000);

const credential: Credential = {
  id: 'k-1',
  accessKeyId: 'AK1',
  tenantId: 't-1',
  userId: 'u-1',
  secretHash: new Uint8Array(),
  state: 'active',
  expiresAt: null,
  lastUsedAt: null,
  tokenVersion: 3,
  userStatus: 'active',
  rolePermissions: [accessKeyPermission, 'users.view'],
  tokenLifetimeMinutes: 15,
};

const claims = accessTokenClaims({ issuer, audience, credential, jti: 'j-1', iat: nowSeconds, scope: 'accessKeys.own.create users.view' });

describe('audienceFor', () => {
  it('is the API of the issuing deployment', () => {
    expect(audienceFor(issuer)).toBe('https://id.example.test/api');
  });
});

describe('scopeOf', () => {
  it('is the permissions sorted and space-separated', () => {
    expect(scopeOf(new Set(['users.view', 'audit.view', 'presence.use']))).toBe('audit.view presence.use users.view');
    expect(scopeOf(new Set())).toBe('');
  });
});

describe('accessTokenClaims', () => {
  it('names the key, its user and tenant and version, and expires after the tenant’s token lifetime', () => {
    expect(claims).toEqual({
      iss: issuer,
      aud: audience,
      sub: 'u-1',
      tid: 't-1',
      akid: 'AK1',
      jti: 'j-1',
      iat: nowSeconds,
      exp: nowSeconds + 15 * 60,
      scope: 'accessKeys.own.create users.view',
      akv: 3,
    });
  });
});

describe('checkClaims', () => {
  const expected = { issuer, audience, nowSeconds };

  it('accepts the claims it issues, and a token from before key versions as version 0', () => {
    expect(checkClaims({ ...claims }, expected)).toEqual(claims);
    const { akv: _akv, ...older } = claims;
    expect(checkClaims(older, expected)?.akv).toBe(0);
  });

  it('refuses another issuer or audience, a missing claim, an expired token, one issued too far ahead, or not yet valid', () => {
    for (const bad of [
      { ...claims, iss: 'https://other.example.test' },
      { ...claims, aud: 'https://other.example.test/api' },
      { ...claims, sub: undefined },
      { ...claims, scope: 1 },
      { ...claims, akv: 1.5 },
      { ...claims, exp: nowSeconds },
      { ...claims, iat: nowSeconds + clockSkewSeconds + 1 },
      { ...claims, nbf: nowSeconds + clockSkewSeconds + 1 },
    ]) {
      expect(checkClaims(bad, expected), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('accepts an audience list that includes this API, and a clock skew within bounds', () => {
    expect(checkClaims({ ...claims, aud: ['other', audience] }, expected)?.aud).toBe(audience);
    expect(checkClaims({ ...claims, iat: nowSeconds + clockSkewSeconds, nbf: nowSeconds + clockSkewSeconds }, expected)).toBeDefined();
  });
});

describe('credentialAccepts', () => {
  it('accepts a token of the key’s current version while the key is usable', () => {
    expect(credentialAccepts(claims, credential, now)).toBe(true);
  });

  it('refuses a token of another tenant or user, or of an older version (a deactivated-then-reactivated key)', () => {
    expect(credentialAccepts({ ...claims, tid: 't-2' }, credential, now)).toBe(false);
    expect(credentialAccepts({ ...claims, sub: 'u-2' }, credential, now)).toBe(false);
    expect(credentialAccepts({ ...claims, akv: 2 }, credential, now)).toBe(false);
  });

  it('refuses once the key is inactive or expired, the user is not active, or the access-key permission is gone', () => {
    expect(credentialAccepts(claims, { ...credential, state: 'inactive' }, now)).toBe(false);
    expect(credentialAccepts(claims, { ...credential, expiresAt: now }, now)).toBe(false);
    expect(credentialAccepts(claims, { ...credential, userStatus: 'disabled' }, now)).toBe(false);
    expect(credentialAccepts(claims, { ...credential, rolePermissions: ['users.view'] }, now)).toBe(false);
  });
});

describe('tokenPrincipalOf', () => {
  it('narrows the token’s scope to what the user holds now and drops unknown entries', () => {
    const principal = tokenPrincipalOf({ ...claims, scope: 'users.view audit.view not.a.permission' }, new Set(['users.view', 'presence.use']));
    expect(principal).toEqual({ kind: 'token', userId: 'u-1', tenantId: 't-1', accessKeyId: 'AK1', tokenId: 'j-1', permissions: new Set(['users.view']) });
  });
});

import { isRelativeConsolePath, issuerProblem, readSecondStepFragment, secondStepFragment } from '@lanyard/contracts/sso';
import { describe, expect, it } from 'vitest';
import { assertionOf, assertsSecondFactor, discoveryOrder, mayLinkAtSignIn, normalizeScopes, providerForEmail, sameSecret, type IdentityProvider } from './sso.ts';

const provider = (id: string, domains: string[], isDefault = false): IdentityProvider => ({
  id,
  tenantId: 't',
  name: id,
  issuer: 'https://idp.example.test',
  clientId: 'c',
  clientSecretSealed: new Uint8Array(),
  scopes: ['openid'],
  emailDomains: domains,
  buttonLabel: null,
  isDefault,
  autoLinkVerifiedEmail: false,
  mfaAssurance: {},
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

describe('returnTo', () => {
  it('accepts relative console paths only', () => {
    for (const good of ['/', '/profile/general', '/admin/users?q=anne', '/my-account/details']) expect(isRelativeConsolePath(good), good).toBe(true);
    for (const bad of ['//evil', '/\\evil', 'https://a@b@evil', 'http://localhost.evil.test', '..;/', '/..;/x', '/a/../b', '/%2e%2e/x', '/%2F%2Fevil', 'evil', '/a\nb', '/%zz'])
      expect(isRelativeConsolePath(bad), bad).toBe(false);
  });
});

describe('the second step in the login page’s fragment (a full-page single sign-on)', () => {
  it('round-trips the challenge and periods, and keeps returnTo a console path', () => {
    const fragment = secondStepFragment({ kind: 'enrol', challenge: 'a+b/c=', allowedPeriods: [30, 60] }, '/admin/users?q=x');
    expect(readSecondStepFragment(`#${fragment}`)).toEqual({ step: { kind: 'enrol', challenge: 'a+b/c=', allowedPeriods: [30, 60] }, returnTo: '/admin/users?q=x' });
    expect(readSecondStepFragment(`#${secondStepFragment({ kind: 'code', challenge: 'x', allowedPeriods: [30] }, '//evil.test')}`)?.returnTo).toBe('/');
    expect(readSecondStepFragment('#sso-second-step=other&challenge=x')).toBeNull();
    expect(readSecondStepFragment('#sso-second-step=code')).toBeNull();
    expect(readSecondStepFragment('')).toBeNull();
  });
});

describe('issuers', () => {
  it('are https, or http on loopback only', () => {
    expect(issuerProblem('https://login.example.test/realm')).toBeUndefined();
    expect(issuerProblem('http://127.0.0.1:8080')).toBeUndefined();
    expect(issuerProblem('http://localhost:3000')).toBeUndefined();
    expect(issuerProblem('http://[::1]:3000')).toBeUndefined();
    expect(issuerProblem('http://localhost.evil.test')).toBe('not-https');
    expect(issuerProblem('http://127.0.0.1.evil.test')).toBe('not-https');
    expect(issuerProblem('https://idp.example.test/?a=1')).toBe('query-fragment-or-credentials');
    expect(issuerProblem('https://u:p@idp.example.test')).toBe('query-fragment-or-credentials');
  });
});

describe('the assertion', () => {
  it('counts the email as verified only when email_verified is true in the same payload', () => {
    expect(assertionOf({ iss: 'i', sub: 's', email: 'a@b.test', email_verified: true }).emailVerified).toBe(true);
    expect(assertionOf({ iss: 'i', sub: 's', email: 'a@b.test', email_verified: 'true' }).emailVerified).toBe(false);
    expect(assertionOf({ iss: 'i', sub: 's', email: 'a@b.test' }).emailVerified).toBe(false);
    expect(assertionOf({ iss: 'i', sub: 's', email_verified: true })).toMatchObject({ email: null, emailVerified: false });
  });

  it('links at sign-in only by the rules of the issue', () => {
    const verified = assertionOf({ iss: 'i', sub: 's', email: 'Anne@Example.test', email_verified: true });
    const unverified = assertionOf({ iss: 'i', sub: 's', email: 'anne@example.test', email_verified: false });
    const sso = { email: 'anne@example.test', ssoOnly: true, emailVerified: false, homeTenantId: 't' };
    const local = { email: 'anne@example.test', ssoOnly: false, emailVerified: true, homeTenantId: 't' };
    const off = { tenantId: 't', autoLinkVerifiedEmail: false };
    const on = { tenantId: 't', autoLinkVerifiedEmail: true };
    expect(mayLinkAtSignIn({ assertion: verified, user: sso, provider: off })).toBe(true);
    expect(mayLinkAtSignIn({ assertion: unverified, user: sso, provider: on })).toBe(false);
    expect(mayLinkAtSignIn({ assertion: verified, user: local, provider: off })).toBe(false);
    expect(mayLinkAtSignIn({ assertion: verified, user: local, provider: on })).toBe(true);
    expect(mayLinkAtSignIn({ assertion: verified, user: { ...local, emailVerified: false }, provider: on })).toBe(false);
    expect(mayLinkAtSignIn({ assertion: verified, user: { ...local, email: 'diana@example.test' }, provider: on })).toBe(false);
  });

  it('never links an account homed in another tenant than the provider (SPEC §3.12)', () => {
    const verified = assertionOf({ iss: 'i', sub: 's', email: 'anne@example.test', email_verified: true });
    const elsewhere = { tenantId: 'other', autoLinkVerifiedEmail: true };
    expect(mayLinkAtSignIn({ assertion: verified, user: { email: 'anne@example.test', ssoOnly: false, emailVerified: true, homeTenantId: 't' }, provider: elsewhere })).toBe(false);
    expect(mayLinkAtSignIn({ assertion: verified, user: { email: 'anne@example.test', ssoOnly: true, emailVerified: false, homeTenantId: 't' }, provider: elsewhere })).toBe(false);
  });

  it('counts a second factor from the standard amr values, or the amr and acr values the provider lists', () => {
    const of = (claims: Record<string, unknown>) => assertionOf({ iss: 'i', sub: 's', ...claims });
    for (const amr of ['mfa', 'otp', 'hwk', 'sms']) expect(assertsSecondFactor(of({ amr: ['pwd', amr] }), {}), amr).toBe(true);
    expect(assertsSecondFactor(of({ amr: ['pwd'] }), {})).toBe(false);
    expect(assertsSecondFactor(of({ amr: 'mfa' }), {})).toBe(false);
    expect(assertsSecondFactor(of({ amr: ['pwd', 'fido'] }), { amr: ['fido'] })).toBe(true);
    expect(assertsSecondFactor(of({ acr: 'urn:example:loa:3' }), { acr: ['urn:example:loa:3'] })).toBe(true);
    expect(assertsSecondFactor(of({ acr: 'urn:example:loa:1' }), { acr: ['urn:example:loa:3'] })).toBe(false);
    expect(assertsSecondFactor(of({ acr: 'urn:example:loa:3' }), { amr: ['urn:example:loa:3'] })).toBe(false);
  });

  it('looks in the default tenant first, then the other memberships', () => {
    expect(discoveryOrder(['a', 'b', 'c'], 'b')).toEqual(['b', 'a', 'c']);
    expect(discoveryOrder(['a', 'c'], 'b')).toEqual(['a', 'c']);
  });
});

describe('discovery and helpers', () => {
  it('picks the provider claiming the domain, else the default', () => {
    const providers = [provider('default', [], true), provider('avonlea', ['avonlea.test'])];
    expect(providerForEmail(providers, 'anne@AVONLEA.test')?.id).toBe('avonlea');
    expect(providerForEmail(providers, 'anne@elsewhere.test')?.id).toBe('default');
    expect(providerForEmail([provider('avonlea', ['avonlea.test'])], 'anne@elsewhere.test')).toBeUndefined();
  });

  it('always asks openid, once, first', () => {
    expect(normalizeScopes(undefined)).toEqual(['openid', 'email', 'profile']);
    expect(normalizeScopes(['email', 'openid', 'email'])).toEqual(['openid', 'email']);
  });

  it('compares secrets of any length', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abcd')).toBe(false);
  });
});

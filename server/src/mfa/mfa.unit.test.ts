import { describe, expect, it } from 'vitest';
import { defaultMfaPolicy } from '@lanyard/contracts/mfa';
import {
  allowedPeriod,
  classifyCode,
  isConsistentMfaPolicy,
  matchingStep,
  newRecoveryCodes,
  newSeed,
  normaliseRecoveryCode,
  normaliseTypedSecret,
  otpauthUri,
  requiredByPolicy,
  seedFromBase32,
  seedToBase32,
  timeStep,
  totpCode,
} from './mfa.ts';

/** RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890"; codes are the 8-digit vectors' last six digits. */
const rfcSeed = Buffer.from('12345678901234567890', 'ascii');
const rfcVectors: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238, SHA-1, 6 digits)', () => {
  it.each(rfcVectors)('at T=%i gives the last six digits of %s', (seconds, eight) => {
    const at = new Date(seconds * 1000);
    expect(totpCode(rfcSeed, 30, at)).toBe(eight.slice(2));
    expect(matchingStep(rfcSeed, 30, eight.slice(2), at)).toBe(Math.floor(seconds / 30));
  });

  it('accepts the steps t−1, t and t+1 and refuses t−2 and t+2', () => {
    const now = new Date(1_700_000_000_000);
    const step = timeStep(now, 30);
    const at = (offset: number) => new Date(now.getTime() + offset * 30_000);
    expect(matchingStep(rfcSeed, 30, totpCode(rfcSeed, 30, at(-1)), now)).toBe(step - 1);
    expect(matchingStep(rfcSeed, 30, totpCode(rfcSeed, 30, at(0)), now)).toBe(step);
    expect(matchingStep(rfcSeed, 30, totpCode(rfcSeed, 30, at(1)), now)).toBe(step + 1);
    expect(matchingStep(rfcSeed, 30, totpCode(rfcSeed, 30, at(-2)), now)).toBeUndefined();
    expect(matchingStep(rfcSeed, 30, totpCode(rfcSeed, 30, at(2)), now)).toBeUndefined();
  });

  it('uses the period: a 60-second code is another code, valid for its own steps', () => {
    const now = new Date(1_700_000_010_000);
    const code60 = totpCode(rfcSeed, 60, now);
    expect(matchingStep(rfcSeed, 60, code60, now)).toBe(timeStep(now, 60));
    expect(matchingStep(rfcSeed, 60, totpCode(rfcSeed, 60, new Date(now.getTime() + 120_000)), now)).toBeUndefined();
  });

  it('refuses anything but six digits', () => {
    const now = new Date(59_000);
    expect(matchingStep(rfcSeed, 30, '94287082', now)).toBeUndefined();
    expect(matchingStep(rfcSeed, 30, '28708', now)).toBeUndefined();
    expect(matchingStep(rfcSeed, 30, '28708a', now)).toBeUndefined();
  });

  it('writes an otpauth URI with SHA1, 6 digits and the period', () => {
    const uri = new URL(otpauthUri(rfcSeed, 60, { username: 'anne.shirley', issuer: 'Lanyard' }));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(uri.searchParams.get('algorithm')).toBe('SHA1');
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('60');
    expect(uri.searchParams.get('issuer')).toBe('Lanyard');
  });
});

describe('typed secrets', () => {
  it.each([
    ['GEZDGNBVGY3TQOJQ', 'GEZDGNBVGY3TQOJQ'],
    ['gezd gnbv gy3t qojq', 'GEZDGNBVGY3TQOJQ'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
    [' GEZDGNBVGY3TQOJQ\tGEZDGNBVGY3TQOJQ ', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'],
  ])('accepts %j', (typed, canonical) => {
    expect(normaliseTypedSecret(typed)).toBe(canonical);
  });

  it.each(['GEZDGNBVGY3TQOJ', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQA', 'GEZDGNBVGY3TQOJ1', 'GEZDGNBVGY3TQOJ=', 'GEZDGNBVGY3TQOJQ-', ''])('refuses %j', (typed) => {
    expect(normaliseTypedSecret(typed)).toBeUndefined();
  });

  it('decodes 16, 26 and 32 characters to 10, 16 and 20 bytes', () => {
    expect(seedFromBase32('GEZDGNBVGY3TQOJQ')).toHaveLength(10);
    expect(seedFromBase32('ABCDEFGHIJKLMNOPQRSTUVWXYZ')).toHaveLength(16);
    expect(seedFromBase32('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')).toEqual(rfcSeed);
  });

  it('generates 160-bit seeds whose Base32 is 32 characters and decodes back', () => {
    const seed = newSeed();
    expect(seed).toHaveLength(20);
    const base32 = seedToBase32(seed);
    expect(base32).toMatch(/^[A-Z2-7]{32}$/);
    expect(seedFromBase32(base32)).toEqual(seed);
    expect(seedToBase32(newSeed())).not.toBe(base32);
  });
});

describe('recovery codes', () => {
  it('makes ten distinct codes of 10 characters', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-km-np-z2-9]{5}-[a-km-np-z2-9]{5}$/);
  });

  it('reads what was typed: six digits are a TOTP code, anything else a recovery code (case, spaces and hyphens ignored)', () => {
    expect(classifyCode('123 456')).toEqual({ kind: 'totp', code: '123456' });
    expect(classifyCode('ABCDE-fghjk')).toEqual({ kind: 'recovery', code: 'abcdefghjk' });
    expect(normaliseRecoveryCode(' abcde fghjk ')).toBe('abcdefghjk');
  });
});

describe('MFA policy', () => {
  it('requires a factor only with mode required and a named role', () => {
    expect(requiredByPolicy(defaultMfaPolicy, 'r1')).toBe(false);
    expect(requiredByPolicy({ mode: 'required', requiredRoleIds: ['r1'], allowedPeriods: [30] }, 'r1')).toBe(true);
    expect(requiredByPolicy({ mode: 'required', requiredRoleIds: ['r1'], allowedPeriods: [30] }, 'r2')).toBe(false);
  });

  it('is consistent only when roles go with mode required', () => {
    expect(isConsistentMfaPolicy(defaultMfaPolicy)).toBe(true);
    expect(isConsistentMfaPolicy({ mode: 'required', requiredRoleIds: [], allowedPeriods: [30] })).toBe(false);
    expect(isConsistentMfaPolicy({ mode: 'optional', requiredRoleIds: ['r1'], allowedPeriods: [30] })).toBe(false);
  });

  it('allows 30 by default and 60 only where the tenant allows it', () => {
    expect(allowedPeriod(defaultMfaPolicy, undefined)).toBe(30);
    expect(allowedPeriod(defaultMfaPolicy, 60)).toBeUndefined();
    expect(allowedPeriod({ ...defaultMfaPolicy, allowedPeriods: [30, 60] }, 60)).toBe(60);
  });
});

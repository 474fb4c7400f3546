import { describe, expect, it } from 'vitest';
import { consoleLinkUrl, linkState, normalizeUnlockCode, unlockCodeAlphabet, unlockCodeFrom } from './links.ts';

describe('single-use links', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const pending = { usedAt: null, replacedAt: null, expiresAt: new Date(now.getTime() + 1) };

  it('are pending until used, replaced or expired; use and replacement win over expiry', () => {
    expect(linkState(pending, now)).toBe('pending');
    expect(linkState({ ...pending, expiresAt: now }, now)).toBe('expired');
    expect(linkState({ ...pending, usedAt: now, expiresAt: new Date(0) }, now)).toBe('used');
    expect(linkState({ ...pending, replacedAt: now, expiresAt: new Date(0) }, now)).toBe('replaced');
  });

  it('point at the console under the public URL, with or without a path of its own', () => {
    expect(consoleLinkUrl(new URL('https://id.example.com'), 'first-access', 'abc')).toBe('https://id.example.com/first-access/abc');
    expect(consoleLinkUrl(new URL('https://example.com/lanyard'), 'reset-password', 'abc')).toBe('https://example.com/lanyard/reset-password/abc');
    expect(consoleLinkUrl(new URL('https://example.com/lanyard/'), 'reset-password', 'abc')).toBe('https://example.com/lanyard/reset-password/abc');
  });
});

describe('unlock codes', () => {
  it('use 32 symbols without 0, O, 1 or I', () => {
    expect(unlockCodeAlphabet).toHaveLength(32);
    expect(new Set(unlockCodeAlphabet).size).toBe(32);
    for (const lookAlike of ['0', 'O', '1', 'I']) expect(unlockCodeAlphabet).not.toContain(lookAlike);
  });

  it('map each random byte to one symbol, every symbol equally often', () => {
    const all = Uint8Array.from({ length: 256 }, (_, index) => index);
    const counts = new Map<string, number>();
    for (let start = 0; start < 256; start += 8) {
      const code = unlockCodeFrom(all.subarray(start, start + 8));
      expect(code).toHaveLength(8);
      for (const symbol of code) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
    }
    expect([...counts.values()]).toEqual(Array(32).fill(8));
    expect(() => unlockCodeFrom(new Uint8Array(7))).toThrow();
  });

  it('are read back whatever the case, spaces and hyphens, and refuse anything else', () => {
    expect(normalizeUnlockCode('abcd-efgh')).toBe('ABCDEFGH');
    expect(normalizeUnlockCode(' AB CD EF GH ')).toBe('ABCDEFGH');
    expect(normalizeUnlockCode('ABCDEFG')).toBeUndefined();
    expect(normalizeUnlockCode('ABCDEFGHJ')).toBeUndefined();
    expect(normalizeUnlockCode('ABCDEFG0')).toBeUndefined();
    expect(normalizeUnlockCode('ABCDEFGI')).toBeUndefined();
    expect(normalizeUnlockCode('ABCDEFGé')).toBeUndefined();
  });
});

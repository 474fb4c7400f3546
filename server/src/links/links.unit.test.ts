import { describe, expect, it } from 'vitest';
import { consoleLinkUrl, linkState } from './links.ts';

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

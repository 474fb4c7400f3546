import { readFileSync } from 'node:fs';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { catalogues, defaultLocale, messagesFor, resolveLocale } from './messages.ts';
import en from './messages/en.json' with { type: 'json' };
import { greeting, invitationEmail } from './templates.ts';

/** The modules that look messages up; a key is always written out whole, in single quotes. */
const sources = ['templates.ts', 'messages.ts', 'email-blocks.ts'].map((file) => readFileSync(new URL(file, import.meta.url), 'utf8'));
const keysInSources = new Set(sources.flatMap((source) => [...source.matchAll(/'([a-z][A-Za-z]*\.[a-z][A-Za-z]*)'/g)].map((match) => match[1] ?? '')));
const at = new Date('2026-01-15T10:00:00.000Z');

describe('the email message catalogue', () => {
  it('has every key the templates use, and uses every entry it has', () => {
    const catalogueKeys = Object.keys(en).sort();
    expect(keysInSources.size).toBeGreaterThan(20);
    expect([...keysInSources].filter((key) => !(key in en))).toEqual([]);
    expect(catalogueKeys.filter((key) => !keysInSources.has(key))).toEqual([]);
  });

  it('holds valid ICU messages that use only the tags an email block knows', () => {
    for (const [tag, catalogue] of catalogues) {
      expect(Object.keys(catalogue).sort()).toEqual(Object.keys(en).sort());
      for (const message of Object.values(catalogue)) {
        expect(() => new IntlMessageFormat(message, tag)).not.toThrow();
        expect([...message.matchAll(/<\/?([a-z]+)>/g)].map((match) => match[1]).filter((name) => name !== 'b' && name !== 'code')).toEqual([]);
      }
    }
  });

  it('greets a person without a first name with just "Hello,"', () => {
    expect(greeting('')).toBe('Hello,');
    expect(greeting(' \t')).toBe('Hello,');
    expect(greeting('Anne')).toBe('Hello Anne,');
    expect(greeting(' Anne ')).toBe('Hello Anne,');
  });

  it('formats times with Intl in UTC unless the reader has a time zone, and falls back to UTC for one Intl does not know', () => {
    expect(messagesFor().dateTime(at)).toBe('2026-01-15 10:00 UTC');
    expect(messagesFor({ locale: 'en', timeZone: 'Asia/Tokyo' }).dateTime(at)).toBe('2026-01-15 19:00 GMT+9');
    expect(messagesFor({ timeZone: 'Not/A_Zone' }).dateTime(at)).toBe('2026-01-15 10:00 UTC');
    expect(messagesFor().dateTime(new Date('2026-01-15T00:05:00.000Z'))).toBe('2026-01-15 00:05 UTC');
    const email = invitationEmail({ firstName: 'Anne', username: 'anne', tenantName: 'Acme', url: 'https://lanyard.test/x', expiresAt: at }, { timeZone: 'America/New_York' });
    expect(email.text).toContain('valid until 2026-01-15 05:00 EST.');
  });

  it('picks the catalogue of the language asked for, and English for a language without one or no language at all', () => {
    expect(resolveLocale(undefined)).toMatchObject({ locale: defaultLocale, catalogueTag: 'en' });
    expect(resolveLocale('en-GB')).toMatchObject({ locale: 'en-GB', catalogueTag: 'en' });
    expect(resolveLocale('fr-CA')).toMatchObject({ locale: 'en', catalogueTag: 'en' });
    expect(resolveLocale('not a tag!')).toMatchObject({ locale: 'en', catalogueTag: 'en' });
    const email = invitationEmail({ firstName: '', username: 'anne', tenantName: 'Acme', url: 'https://lanyard.test/x', expiresAt: at }, { locale: 'en-GB' });
    expect(email.html).toContain('<html lang="en-GB">');
    expect(email.subject).toBe("You're invited to Acme");
  });
});

import { errorCodes } from '@lanyard/contracts/error-codes';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { clientErrorCodes } from '../api/client.ts';
import { pickLocale } from './locale.ts';
import { englishMessages } from './messages.ts';

/**
 * The console's catalogue against the console's source: every entry is used, every id the source names
 * exists (TypeScript checks the typed calls; this also covers ids kept in tables), and every message parses
 * as ICU. The source is read as text, the way a message extractor would.
 */
const sources = import.meta.glob<string>(['../**/*.{ts,tsx}', '!../**/*.test.ts'], { query: '?raw', import: 'default', eager: true });
const catalogue: Record<string, string> = englishMessages;
const keys = Object.keys(catalogue);
const namespaces = new Set(keys.map((key) => key.split('.')[0]));

/** Quoted strings and template literals of the source that look like message ids of the catalogue's namespaces. */
function mentionedIds(): { literal: Set<string>; templates: RegExp[] } {
  const literal = new Set<string>();
  const templates: RegExp[] = [];
  for (const text of Object.values(sources)) {
    for (const match of text.matchAll(/(['"`])([a-z][A-Za-z0-9-]*(?:\.(?:[A-Za-z0-9-]+|\$\{[^}]+\}))+)\1/g)) {
      const id = match[2] ?? '';
      if (!namespaces.has(id.split('.')[0])) continue;
      if (id.includes('${')) {
        const pattern = id.split(/\$\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
        templates.push(new RegExp(`^${pattern.join('[^.]+')}$`));
      } else {
        literal.add(id);
      }
    }
  }
  return { literal, templates };
}

describe('the console message catalogue', () => {
  const { literal, templates } = mentionedIds();

  it('has every id the source names', () => {
    const missing = [...literal].filter((id) => !(id in catalogue));
    expect(missing).toEqual([]);
    const unmatched = templates.filter((pattern) => !keys.some((key) => pattern.test(key)));
    expect(unmatched.map(String)).toEqual([]);
  });

  it('uses every entry', () => {
    const unused = keys.filter((key) => !literal.has(key) && !templates.some((pattern) => pattern.test(key)));
    expect(unused).toEqual([]);
  });

  it('has a message for every error code, in the words of the error-code catalogue', () => {
    const codes = [...Object.keys(errorCodes), ...clientErrorCodes].sort();
    const errorKeys = keys.filter((key) => key.startsWith('error.')).map((key) => key.slice('error.'.length)).sort();
    expect(errorKeys).toEqual(codes);
    for (const [code, entry] of Object.entries(errorCodes)) expect(catalogue[`error.${code}`], code).toBe(entry.message);
  });

  it('parses every message as ICU', () => {
    for (const key of keys) {
      expect(() => new IntlMessageFormat(catalogue[key] ?? '', 'en'), key).not.toThrow();
    }
  });

  it('says "1 character" and "12 characters", "1 day" and "90 days"', () => {
    const format = (key: string, values: Record<string, number>) => new IntlMessageFormat(catalogue[key] ?? '', 'en').format(values);
    expect(format('rule.minLength', { count: 1 })).toBe('At least 1 character');
    expect(format('rule.minLength', { count: 12 })).toBe('At least 12 characters');
    expect(format('policy.summary.expires', { count: 1 })).toBe('expires after 1 day');
    expect(format('policy.summary.expires', { count: 90 })).toBe('expires after 90 days');
    expect(format('keys.count', { count: 0, limit: 1 })).toBe('You have 0 of 1 access key.');
    expect(format('keys.count', { count: 2, limit: 10 })).toBe('You have 2 of 10 access keys.');
  });
});

describe('pickLocale', () => {
  it('takes the first preferred language with a catalogue, keeping its region for dates and numbers', () => {
    expect(pickLocale(['en-GB', 'en']).locale).toBe('en-GB');
    expect(pickLocale(['xx', 'en-AU']).locale).toBe('en-AU');
  });

  it('falls back to English when no preferred language has a catalogue', () => {
    const chosen = pickLocale(['fr-FR', 'de']);
    expect(chosen.locale).toBe('en');
    expect(chosen.messages).toBe(englishMessages);
    expect(pickLocale([]).locale).toBe('en');
  });
});

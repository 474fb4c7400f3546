import { describe, expect, it } from 'vitest';
import { canonicalLanguage, canonicalTimeZone, permissionsNeededFor, validPreferences } from './account.ts';

describe('account model', () => {
  it('time zones: IANA names in canonical spelling, nothing else', () => {
    expect(canonicalTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('america/new_york')).toBe('America/New_York');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    for (const bad of ['+01:00', 'Mars/Base', '', 'Europe/Paris/../x', 'GMT+1 ']) expect(() => canonicalTimeZone(bad)).toThrow();
  });

  it('languages: BCP 47, canonical', () => {
    expect(canonicalLanguage('en-gb')).toBe('en-GB');
    expect(canonicalLanguage('zh-hant-tw')).toBe('zh-Hant-TW');
    // Well-formed is what BCP 47 (and Intl) checks: `english` is a syntactically valid 5–8 letter language subtag.
    expect(canonicalLanguage('english')).toBe('english');
    for (const bad of ['en_', 'en--GB', '12', 'not a language']) expect(() => canonicalLanguage(bad)).toThrow();
  });

  it('which permissions a change needs', () => {
    expect(permissionsNeededFor({ location: 'x' })).toEqual(['profile.edit']);
    expect(permissionsNeededFor({ defaultDialingPattern: '9' }).sort()).toEqual(['profile.dialingPattern.edit', 'profile.edit']);
    expect(permissionsNeededFor({ wfmNotifications: { enabled: true, intervalMinutes: 5 } })).toEqual(['profile.wfmNotifications']);
    expect(permissionsNeededFor({})).toEqual([]);
  });

  it('toast duration: whole seconds from 1 to 10', () => {
    const base = { reducedMotion: false, highContrast: false, textSize: 'default' as const };
    expect(validPreferences({ ...base, toastDurationSeconds: 1 }).toastDurationSeconds).toBe(1);
    expect(validPreferences({ ...base, toastDurationSeconds: 10 }).toastDurationSeconds).toBe(10);
    for (const bad of [0, 11, 2.5, Number.NaN]) expect(() => validPreferences({ ...base, toastDurationSeconds: bad })).toThrow();
  });
});

import { contactCenterDefaultPolicy } from '@lanyard/contracts/password-policy';
import { describe, expect, it } from 'vitest';
import { canonicalName } from '../kernel/names.ts';
import { maxTokenLifetimeMinutes, newTenant, parseTenantSettings } from './tenants.ts';

describe('parseTenantSettings', () => {
  const defaults = {
    passwordPolicy: contactCenterDefaultPolicy,
    session: { idleMinutes: 30, absoluteHours: 12 },
    invitationLifetimeHours: 24,
    accessKeys: { maxPerUser: 5, tokenLifetimeMinutes: 15, maxKeyLifetimeDays: null },
    lockout: { maxFailures: 6, lockMinutes: 30 },
    passwordResetLifetimeMinutes: 60,
    mfaPolicy: { mode: 'optional', requiredRoleIds: [], allowedPeriods: [30] },
    loginMethods: { passwordLogin: 'enabled' },
  };

  it('gives every default for empty, null or missing settings', () => {
    expect(parseTenantSettings({})).toEqual(defaults);
    expect(parseTenantSettings(null)).toEqual(defaults);
    expect(parseTenantSettings(undefined)).toEqual(defaults);
  });

  it('fills the missing keys of a partly stored object, nested ones included', () => {
    const parsed = parseTenantSettings({ session: { idleMinutes: 5 }, accessKeys: { maxPerUser: 2 }, invitationLifetimeHours: 48 });
    expect(parsed.session).toEqual({ idleMinutes: 5, absoluteHours: 12 });
    expect(parsed.accessKeys).toEqual({ maxPerUser: 2, tokenLifetimeMinutes: 15, maxKeyLifetimeDays: null });
    expect(parsed.invitationLifetimeHours).toBe(48);
    expect(parsed.lockout).toEqual(defaults.lockout);
    expect(parsed.passwordPolicy).toEqual(contactCenterDefaultPolicy);
  });

  it('drops keys it does not know, so they are never written back', () => {
    expect(parseTenantSettings({ somethingElse: true, session: { idleMinutes: 5, other: 1 } })).toEqual({ ...defaults, session: { idleMinutes: 5, absoluteHours: 12 } });
  });

  it('refuses values out of range or of the wrong type', () => {
    for (const stored of [
      { session: { idleMinutes: 0 } },
      { session: { idleMinutes: 1441 } },
      { session: { absoluteHours: 1.5 } },
      { invitationLifetimeHours: 169 },
      { invitationLifetimeHours: '24' },
      { accessKeys: { tokenLifetimeMinutes: maxTokenLifetimeMinutes + 1 } },
      { accessKeys: { maxPerUser: 0 } },
      { lockout: { maxFailures: 101 } },
      { passwordResetLifetimeMinutes: 4 },
      { mfaPolicy: { mode: 'sometimes', requiredRoleIds: [], allowedPeriods: [30] } },
      { mfaPolicy: { mode: 'optional', requiredRoleIds: [], allowedPeriods: [60] } },
      { passwordPolicy: { ...contactCenterDefaultPolicy, minLength: 0 } },
      { passwordPolicy: { minLength: 12 } },
      { session: 'long' },
    ]) {
      expect(() => parseTenantSettings(stored), JSON.stringify(stored)).toThrow();
    }
  });

  it('accepts the bounds themselves', () => {
    const parsed = parseTenantSettings({ session: { idleMinutes: 1, absoluteHours: 720 }, accessKeys: { tokenLifetimeMinutes: maxTokenLifetimeMinutes, maxPerUser: 100 } });
    expect(parsed.session).toEqual({ idleMinutes: 1, absoluteHours: 720 });
    expect(parsed.accessKeys).toEqual({ maxPerUser: 100, tokenLifetimeMinutes: maxTokenLifetimeMinutes, maxKeyLifetimeDays: null });
  });
});

describe('canonicalName', () => {
  it('compares names after NFKC, trimming and lower-casing', () => {
    expect(canonicalName('  Night Shift ')).toBe('night shift');
    expect(canonicalName('NIGHT SHIFT')).toBe(canonicalName('night shift'));
    // Full-width letters and ligatures are the same name once NFKC-normalised.
    expect(canonicalName('Ｎｉｇｈｔ Ｓｈｉｆｔ')).toBe('night shift');
    expect(canonicalName('Oﬃce')).toBe('office');
    // A precomposed and a decomposed é are one name.
    expect(canonicalName('Caf\u00e9')).toBe(canonicalName('Cafe\u0301'));
  });

  it('keeps names apart that differ in more than case and form', () => {
    expect(canonicalName('Night Shift')).not.toBe(canonicalName('NightShift'));
    expect(canonicalName('Night  Shift')).not.toBe(canonicalName('Night Shift'));
  });
});

describe('newTenant', () => {
  it('trims the name and starts with every default setting', () => {
    const createdAt = new Date('2026-01-02T03:04:05Z');
    expect(newTenant('  Night Shift  ', { id: 't-1', homeRegion: 'eu-west', createdAt })).toEqual({
      id: 't-1',
      name: 'Night Shift',
      homeRegion: 'eu-west',
      settings: parseTenantSettings({}),
      createdAt,
    });
  });

  it('keeps inner spacing and case as given', () => {
    expect(newTenant('Night  SHIFT', { id: 't', homeRegion: 'r', createdAt: new Date(0) }).name).toBe('Night  SHIFT');
  });
});

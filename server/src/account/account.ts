import type { Account, AccountPatch, Preferences, TextSize } from '@lanyard/contracts/account';
import { defaultPreferences, toastDurationMaxSeconds, toastDurationMinSeconds } from '@lanyard/contracts/account';
import type { Permission } from '@lanyard/contracts/permissions';
import { AppError } from '../errors/app-error.ts';

/** What My Profile › Account and › Accessibility keep for a person, beside the names and email of their user. */
export interface AccountSettings {
  location: string;
  timeZone: string | null;
  language: string | null;
  defaultDialingPattern: string;
  wfm: { enabled: boolean; intervalMinutes: number };
  preferences: Preferences;
  /** The address an email-change link will set, and when that link expires. */
  pendingEmail: { email: string; expiresAt: Date } | null;
}

export const defaultAccountSettings: AccountSettings = {
  location: '',
  timeZone: null,
  language: null,
  defaultDialingPattern: '',
  wfm: { enabled: false, intervalMinutes: 15 },
  preferences: defaultPreferences,
  pendingEmail: null,
};

/** An email-change link is valid for 24 hours. */
export const emailChangeLifetimeMs = 24 * 60 * 60 * 1000;

/** Which fields of the patch need which permissions (SPEC §3.7); every one must be held, or nothing changes. */
export function permissionsNeededFor(patch: AccountPatch): Permission[] {
  const needed = new Set<Permission>();
  const details = ['firstName', 'lastName', 'location', 'timeZone', 'language'] as const;
  if (details.some((field) => patch[field] !== undefined)) needed.add('profile.edit');
  if (patch.defaultDialingPattern !== undefined) {
    needed.add('profile.edit');
    needed.add('profile.dialingPattern.edit');
  }
  if (patch.wfmNotifications !== undefined) needed.add('profile.wfmNotifications');
  return [...needed];
}

export function canEditOf(permissions: ReadonlySet<string>): Account['canEdit'] {
  const edit = permissions.has('profile.edit');
  return { details: edit, defaultDialingPattern: edit && permissions.has('profile.dialingPattern.edit'), wfmNotifications: permissions.has('profile.wfmNotifications') };
}

/** IANA zone names only (`Europe/Paris`, `UTC`, `Etc/GMT+1`), never offsets; answered in the engine's own spelling. */
const zoneName = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/u;

/** The canonical spelling of an IANA time zone, or TIME_ZONE_INVALID. */
export function canonicalTimeZone(value: string): string {
  if (!zoneName.test(value)) throw new AppError('TIME_ZONE_INVALID', { details: { timeZone: value } });
  try {
    return new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    throw new AppError('TIME_ZONE_INVALID', { details: { timeZone: value } });
  }
}

/** The canonical form of a BCP 47 language tag (`en-gb` → `en-GB`), or LANGUAGE_INVALID. */
export function canonicalLanguage(value: string): string {
  try {
    const [canonical] = Intl.getCanonicalLocales(value);
    if (canonical === undefined) throw new RangeError('empty');
    return canonical;
  } catch {
    throw new AppError('LANGUAGE_INVALID', { details: { language: value } });
  }
}

export function assertWfmInterval(minutes: number): void {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 120) throw new AppError('WFM_INTERVAL_INVALID', { details: { min: 1, max: 120 } });
}

/** The preferences a PUT asks for, or PREFERENCES_INVALID (the duration: a whole number of seconds from 1 to 10). */
export function validPreferences(input: { toastDurationSeconds: number; reducedMotion: boolean; highContrast: boolean; textSize: TextSize }): Preferences {
  const seconds = input.toastDurationSeconds;
  if (!Number.isInteger(seconds) || seconds < toastDurationMinSeconds || seconds > toastDurationMaxSeconds) {
    throw new AppError('PREFERENCES_INVALID', { details: { field: 'toastDurationSeconds', min: toastDurationMinSeconds, max: toastDurationMaxSeconds } });
  }
  return { toastDurationSeconds: seconds, reducedMotion: input.reducedMotion, highContrast: input.highContrast, textSize: input.textSize };
}

/** The email change still waiting, as of `now` (an expired one is no longer shown). */
export function pendingEmailAt(settings: AccountSettings, now: Date): string | null {
  const pending = settings.pendingEmail;
  return pending !== null && pending.expiresAt.getTime() > now.getTime() ? pending.email : null;
}

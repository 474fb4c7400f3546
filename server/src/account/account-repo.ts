import type { Executor } from '../storage/db.ts';
import type { AccountSettingsRow } from '../storage/database.ts';
import { defaultAccountSettings, type AccountSettings } from './account.ts';

function toSettings(row: AccountSettingsRow): AccountSettings {
  return {
    location: row.location,
    timeZone: row.time_zone,
    language: row.language,
    defaultDialingPattern: row.default_dialing_pattern,
    wfm: { enabled: row.wfm_enabled, intervalMinutes: row.wfm_interval_minutes },
    preferences: { toastDurationSeconds: row.toast_duration_seconds, reducedMotion: row.reduced_motion, highContrast: row.high_contrast, textSize: row.text_size },
    pendingEmail: row.pending_email === null || row.pending_email_expires_at === null ? null : { email: row.pending_email, expiresAt: row.pending_email_expires_at },
  };
}

/** The user's settings; the defaults when they never changed any. */
export async function findAccountSettings(db: Executor, userId: string): Promise<AccountSettings> {
  const row = await db.selectFrom('account_settings').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return row === undefined ? defaultAccountSettings : toSettings(row);
}

/** Stores the user's settings whole (one row per user, created on the first change). */
export async function saveAccountSettings(db: Executor, userId: string, settings: AccountSettings, at: Date): Promise<void> {
  const values = {
    location: settings.location,
    time_zone: settings.timeZone,
    language: settings.language,
    default_dialing_pattern: settings.defaultDialingPattern,
    wfm_enabled: settings.wfm.enabled,
    wfm_interval_minutes: settings.wfm.intervalMinutes,
    toast_duration_seconds: settings.preferences.toastDurationSeconds,
    reduced_motion: settings.preferences.reducedMotion,
    high_contrast: settings.preferences.highContrast,
    text_size: settings.preferences.textSize,
    pending_email: settings.pendingEmail?.email ?? null,
    pending_email_expires_at: settings.pendingEmail?.expiresAt ?? null,
    updated_at: at,
  };
  await db
    .insertInto('account_settings')
    .values({ user_id: userId, ...values })
    .onConflict((conflict) => conflict.column('user_id').doUpdateSet(values))
    .execute();
}

/** Locks the user's settings row until the transaction ends (creating it first), so concurrent changes are serialised. */
export async function lockAccountSettings(trx: Executor, userId: string, at: Date): Promise<AccountSettings> {
  await trx.insertInto('account_settings').values({ user_id: userId, time_zone: null, language: null, pending_email: null, pending_email_expires_at: null, updated_at: at }).onConflict((conflict) => conflict.column('user_id').doNothing()).execute();
  const row = await trx.selectFrom('account_settings').selectAll().where('user_id', '=', userId).forUpdate().executeTakeFirstOrThrow();
  return toSettings(row);
}

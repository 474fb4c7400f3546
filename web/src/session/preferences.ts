import { defaultPreferences, preferencesSchema, type Preferences } from '@lanyard/contracts/account';
import { setToastDuration } from '../ui/toasts.tsx';

/** Where the last known preferences are kept in this browser, so the next page load applies them before it paints. */
const storageKey = 'lanyard.preferences';
/** The tenant last signed in to in this browser: the accessibility statement's feedback form sends it when signed out. */
const tenantKey = 'lanyard.lastTenantId';

/** Puts the preferences on the document (`data-*` attributes the stylesheet reads) and the toasts; remembers them. */
export function applyPreferences(preferences: Preferences, options: { remember?: boolean } = {}): void {
  const root = document.documentElement;
  root.dataset.reducedMotion = String(preferences.reducedMotion);
  root.dataset.highContrast = String(preferences.highContrast);
  root.dataset.textSize = preferences.textSize;
  setToastDuration(preferences.toastDurationSeconds * 1000);
  if (options.remember !== false) {
    try {
      localStorage.setItem(storageKey, JSON.stringify(preferences));
    } catch {
      // Storage may be off (private mode): the preferences still apply to this page.
    }
  }
}

/** The preferences this browser last saw, applied at once (called before the first render); the defaults otherwise. */
export function applyStoredPreferences(): void {
  let stored: Preferences = defaultPreferences;
  try {
    const parsed = preferencesSchema.safeParse(JSON.parse(localStorage.getItem(storageKey) ?? 'null'));
    if (parsed.success) stored = parsed.data;
  } catch {
    // Nothing usable stored.
  }
  applyPreferences(stored, { remember: false });
}

/** Signing out forgets this person's preferences in this browser (the next person starts from the defaults). */
export function forgetStoredPreferences(): void {
  try {
    localStorage.removeItem(storageKey);
  } catch {
    // Nothing to forget.
  }
  applyPreferences(defaultPreferences, { remember: false });
}

export function rememberTenant(tenantId: string): void {
  try {
    localStorage.setItem(tenantKey, tenantId);
  } catch {
    // Not essential.
  }
}

export function lastTenantId(): string | undefined {
  try {
    return localStorage.getItem(tenantKey) ?? undefined;
  } catch {
    return undefined;
  }
}

import { catalogues, englishMessages, type MessageId } from './messages.ts';

export interface ConsoleLocale {
  /** The BCP 47 tag dates and numbers are formatted for (e.g. `en-GB`). */
  locale: string;
  messages: Readonly<Record<MessageId, string>>;
}

function languageOf(tag: string): string {
  return tag.split('-')[0]?.toLowerCase() ?? '';
}

/**
 * The one place the console's language is chosen: the first of the person's preferred languages that has a
 * catalogue, else English. Today the preferences are the browser's (`navigator.languages`); a person's
 * saved language preference can be put first in the list later without changing anything else.
 */
export function pickLocale(preferred: readonly string[]): ConsoleLocale {
  for (const tag of preferred) {
    const messages = catalogues[languageOf(tag)];
    if (messages === undefined) continue;
    const [locale] = Intl.getCanonicalLocales(tag);
    if (locale !== undefined) return { locale, messages };
  }
  return { locale: 'en', messages: englishMessages };
}

/** The browser's preferred languages, most preferred first. */
export function browserLanguages(): readonly string[] {
  if (navigator.languages.length > 0) return navigator.languages;
  return navigator.language === '' ? [] : [navigator.language];
}

import { IntlMessageFormat } from 'intl-messageformat';
import { inlineText, type Inline } from './email-blocks.ts';
import en from './messages/en.json' with { type: 'json' };

/**
 * The email message catalogue: every sentence a reader sees, in ICU MessageFormat (FormatJS, the syntax
 * react-intl uses in the console), by language. English is complete and stands in for a language without
 * a catalogue. See docs/adr/0004-message-catalogue.md.
 */
export type MessageKey = keyof typeof en;
export type Catalogue = Readonly<Record<MessageKey, string>>;

export const defaultLocale = 'en';
export const catalogues: ReadonlyMap<string, Catalogue> = new Map([[defaultLocale, en]]);

/** How an email is rendered for its reader; a person's preferences can fill these in. */
export interface RenderOptions {
  /** BCP 47 language tag (default `en`). */
  locale?: string | undefined;
  /** IANA time zone in which times are shown (default `UTC`). */
  timeZone?: string | undefined;
}

/** The values put into a message: text and numbers (a time goes in through `dateTime`). */
export type MessageValues = Readonly<Record<string, string | number>>;

/** The tags a message may use, and what they become in an email block. */
const tags = { b: 'strong', code: 'code' } as const;

/**
 * The catalogue for a requested language tag: that exact tag's, else its language's, else English.
 * `locale` is what dates are formatted for (the tag as asked, when its catalogue exists); `catalogueTag`
 * names the catalogue.
 */
export function resolveLocale(requested: string | undefined): { locale: string; catalogueTag: string; catalogue: Catalogue } {
  if (requested !== undefined) {
    try {
      const [canonical] = Intl.getCanonicalLocales(requested);
      if (canonical !== undefined) {
        for (const tag of [canonical, new Intl.Locale(canonical).language]) {
          const catalogue = catalogues.get(tag);
          if (catalogue !== undefined) return { locale: canonical, catalogueTag: tag, catalogue };
        }
      }
    } catch {
      // Not a language tag: the default below.
    }
  }
  return { locale: defaultLocale, catalogueTag: defaultLocale, catalogue: en };
}

const dateTimeFields: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
};

/** The fields of a time for `locale` in `timeZone` (UTC when the zone is unknown to Intl). */
function dateTimeParts(at: Date, locale: string, timeZone: string): Record<string, string> {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(locale, { ...dateTimeFields, timeZone });
  } catch {
    format = new Intl.DateTimeFormat(locale, { ...dateTimeFields, timeZone: 'UTC' });
  }
  const fields: Record<string, string> = {};
  for (const part of format.formatToParts(at)) if (part.type !== 'literal') fields[part.type] = part.value;
  return fields;
}

/** Each message is parsed once per catalogue (a bounded set), not once per email. */
const compiled = new Map<string, IntlMessageFormat>();

function compile(catalogue: Catalogue, catalogueTag: string, key: MessageKey): IntlMessageFormat {
  const id = `${catalogueTag}\u0000${key}`;
  let format = compiled.get(id);
  if (format === undefined) {
    format = new IntlMessageFormat(catalogue[key], catalogueTag);
    compiled.set(id, format);
  }
  return format;
}

/** The messages of one language, formatting for one reader. */
export interface Messages {
  /** The language tag the messages are in and dates are formatted for. */
  locale: string;
  /** A sentence with its emphasis, for an email block. */
  rich(key: MessageKey, values?: MessageValues): Inline[];
  /** A sentence as plain text (a subject, a button label). */
  plain(key: MessageKey, values?: MessageValues): string;
  /** A time for the reader: the fields from Intl for the locale and time zone, arranged by the catalogue. */
  dateTime(at: Date): string;
}

export function messagesFor(options: RenderOptions = {}): Messages {
  const { locale, catalogueTag, catalogue } = resolveLocale(options.locale);
  const timeZone = options.timeZone ?? 'UTC';
  const rich = (key: MessageKey, values: MessageValues = {}): Inline[] => {
    const elements: Record<string, (children: Inline[]) => Inline> = {};
    for (const [name, tag] of Object.entries(tags)) elements[name] = (children) => ({ tag, children });
    return compile(catalogue, catalogueTag, key)
      .formatToParts<Inline>({ ...values, ...elements })
      .map((part) => part.value);
  };
  const plain = (key: MessageKey, values?: MessageValues): string => inlineText(rich(key, values));
  const dateTime = (at: Date): string => {
    const fields = dateTimeParts(at, locale, timeZone);
    return plain('layout.dateTime', {
      year: fields.year ?? '',
      month: fields.month ?? '',
      day: fields.day ?? '',
      hour: fields.hour ?? '',
      minute: fields.minute ?? '',
      timeZone: fields.timeZoneName ?? timeZone,
    });
  };
  return { locale, rich, plain, dateTime };
}

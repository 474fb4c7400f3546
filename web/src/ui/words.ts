import type { IntlShape } from 'react-intl';
import type { MessageId } from '../i18n/messages.ts';

/** The values a catalogue message takes (ICU arguments). */
export type MessageValues = Readonly<Record<string, string | number | boolean | Date | null | undefined>>;

/**
 * Words a building block shows, named by their catalogue entry rather than written out: a heading, a
 * confirming button's label, a toast. Passed as an object, `{ id: 'teamsPage.deleted', values: { name } }`,
 * so a literal string cannot take its place (the literal-string lint refuses one in `heading=` and friends).
 */
export interface Words {
  id: MessageId;
  values?: MessageValues;
}

export function formatWords(intl: IntlShape, words: Words): string {
  return intl.formatMessage({ id: words.id }, words.values);
}

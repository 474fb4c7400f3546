import en from './messages/en.json';

/** The English catalogue: complete, and the fallback for a language without a catalogue. */
export const englishMessages = en;

/** Every message id of the console, typed from the English catalogue. */
export type MessageId = keyof typeof en;

/** The catalogues the console ships, by language subtag. Adding a language is adding `messages/<tag>.json` here. */
export const catalogues: Readonly<Record<string, Readonly<Record<MessageId, string>>>> = { en };

declare global {
  // react-intl reads message ids from this interface, so `formatMessage({ id })` only takes catalogue ids.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace FormatjsIntl {
    interface Message {
      ids: MessageId;
    }
  }
}

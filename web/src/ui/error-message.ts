import type { IntlShape } from 'react-intl';
import { englishMessages, type MessageId } from '../i18n/messages.ts';

/** An error that carries a code of the error catalogue: the API client's `ApiError` (and nothing it does not need). */
interface CodedError {
  readonly code: string;
  readonly message: string;
}

function isCodedError(error: unknown): error is CodedError {
  return error instanceof Error && error.name === 'ApiError' && typeof (error as { code?: unknown }).code === 'string';
}

/**
 * The text shown to a person for an error code: the console catalogue's `error.<CODE>` entry (whose English
 * is the error-code catalogue's wording, so the console and the API documentation say the same thing; the
 * catalogue test keeps one entry per server and client code). A code the console does not know yet shows
 * the server's own message.
 */
export function messageForCode(intl: IntlShape, code: string, fallback?: string): string {
  const id = `error.${code}`;
  if (Object.hasOwn(englishMessages, id)) return intl.formatMessage({ id: id as MessageId });
  return fallback ?? intl.formatMessage({ id: 'error.INTERNAL' });
}

/** The text for a failed call: an API error's `error.<CODE>` message; anything else is an internal error. */
export function messageForError(intl: IntlShape, error: unknown): string {
  if (isCodedError(error)) return messageForCode(intl, error.code, error.message);
  return intl.formatMessage({ id: 'error.INTERNAL' });
}

import { errorBodySchema } from '@lanyard/contracts/common';
import { errorCodes, isErrorCode } from '@lanyard/contracts/error-codes';

/** Codes the console uses for failures that never reached (or never came back from) the server. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'UNEXPECTED_RESPONSE';

const clientErrorMessages: Record<ClientErrorCode, string> = {
  NETWORK_ERROR: 'Lanyard could not be reached. Check your connection and try again.',
  UNEXPECTED_RESPONSE: 'Lanyard answered in a way the console did not expect. Reload the page and try again.',
};

/** A failed API call, carrying the stable error code from the server's catalogue. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly requestId: string | undefined;

  constructor(options: {
    status: number;
    code: string;
    message: string;
    details?: Record<string, unknown> | undefined;
    requestId?: string | undefined;
  }) {
    super(options.message);
    this.name = 'ApiError';
    this.status = options.status;
    this.code = options.code;
    this.details = options.details ?? {};
    this.requestId = options.requestId;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/**
 * The text shown to a person for an error code. Catalogue codes use the catalogue's wording, so the
 * console and the API documentation say the same thing.
 */
export function messageForCode(code: string, fallback?: string): string {
  if (isErrorCode(code)) return errorCodes[code].message;
  if (code in clientErrorMessages) return clientErrorMessages[code as ClientErrorCode];
  return fallback ?? errorCodes.INTERNAL.message;
}

export function messageForError(error: unknown): string {
  if (isApiError(error)) return messageForCode(error.code, error.message);
  return errorCodes.INTERNAL.message;
}

/** What the console needs from a response schema (a zod schema from `@lanyard/contracts`). */
export interface ResponseSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: readonly unknown[] } };
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal | undefined;
}

const apiBase = '/api/v1';

/** Calls the API and validates its JSON answer against the shared contract. */
export async function apiRequest<T>(path: string, schema: ResponseSchema<T>, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  const payload: unknown = await response.json().catch(() => undefined);
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    console.error(`Unexpected answer from ${options.method ?? 'GET'} ${apiBase}${path}`, parsed.error.issues);
    throw new ApiError({
      status: response.status,
      code: 'UNEXPECTED_RESPONSE',
      message: clientErrorMessages.UNEXPECTED_RESPONSE,
    });
  }
  return parsed.data;
}

/** Calls the API where the answer's body does not matter (204 and friends). */
export async function apiCommand(path: string, options: RequestOptions = {}): Promise<void> {
  await send(path, options);
}

/**
 * Sends a request to the Lanyard API on the console's own origin. The session cookie travels with
 * `same-origin` credentials, and the browser's Origin header satisfies the server's CSRF check.
 */
async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method: options.method ?? 'GET', headers, credentials: 'same-origin' };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  if (options.signal) init.signal = options.signal;

  let response: Response;
  try {
    response = await fetch(`${apiBase}${path}`, init);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({ status: 0, code: 'NETWORK_ERROR', message: clientErrorMessages.NETWORK_ERROR });
  }
  if (!response.ok) throw await errorFromResponse(response);
  return response;
}

async function errorFromResponse(response: Response): Promise<ApiError> {
  const payload: unknown = await response.json().catch(() => undefined);
  const parsed = errorBodySchema.safeParse(payload);
  if (parsed.success) {
    const { code, message, details, requestId } = parsed.data.error;
    return new ApiError({ status: response.status, code, message, details, requestId });
  }
  const code = response.status >= 500 ? 'INTERNAL' : 'UNEXPECTED_RESPONSE';
  return new ApiError({ status: response.status, code, message: messageForCode(code) });
}

import { errorBodySchema } from '@lanyard/contracts/common';

/** Codes the console uses for failures that never reached (or never came back from) the server. */
export const clientErrorCodes = ['NETWORK_ERROR', 'UNEXPECTED_RESPONSE'] as const;
export type ClientErrorCode = (typeof clientErrorCodes)[number];

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

/** What the console needs from a response schema (a zod schema from `@lanyard/contracts`). */
export interface ResponseSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: readonly unknown[] } };
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  /** A body sent as it is (a CSV file), instead of JSON. */
  rawBody?: { contentType: string; data: Blob | string } | undefined;
  signal?: AbortSignal | undefined;
}

export const apiBase = '/api/v1';

/** A query string of the values that are set (empty strings and undefined are left out), with its `?`. */
export function queryString(values: Readonly<Record<string, string | number | undefined | null>>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

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
      message: 'The answer did not match the contract.',
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
  } else if (options.rawBody !== undefined) {
    headers['Content-Type'] = options.rawBody.contentType;
    init.body = options.rawBody.data;
  }
  if (options.signal) init.signal = options.signal;

  let response: Response;
  try {
    response = await fetch(`${apiBase}${path}`, init);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({ status: 0, code: 'NETWORK_ERROR', message: 'The request did not reach the server.' });
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
  return new ApiError({ status: response.status, code, message: `HTTP ${response.status}` });
}

/** `{items:[…]}` (plus any other fields) whose items each match the schema. */
export function listOf<T>(item: ResponseSchema<T>): ResponseSchema<{ items: T[] }> {
  return {
    safeParse(value) {
      if (typeof value !== 'object' || value === null || !('items' in value) || !Array.isArray(value.items)) {
        return { success: false, error: { issues: ['items is not a list'] } };
      }
      const items: T[] = [];
      for (const entry of value.items as unknown[]) {
        const parsed = item.safeParse(entry);
        if (!parsed.success) return parsed;
        items.push(parsed.data);
      }
      return { success: true, data: { items } };
    },
  };
}

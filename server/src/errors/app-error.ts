import { errorCodes, statusesOf, type ErrorCode } from '@lanyard/contracts/error-codes';

/**
 * The only error Lanyard throws on purpose. `details` is public and sent to the client; `cause` is only
 * logged. Anything else that reaches the error handler is a bug and answers INTERNAL.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  /** Extra response headers, such as Retry-After. */
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: ErrorCode,
    options: {
      details?: Record<string, unknown>;
      cause?: unknown;
      headers?: Record<string, string>;
      /** Another status the code's catalogue entry declares (`alsoStatus`); anything else is a programming error. */
      status?: number;
    } = {},
  ) {
    super(errorCodes[code].message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    if (options.status !== undefined && !statusesOf(code).includes(options.status)) throw new Error(`${code} does not answer ${options.status}`);
    this.status = options.status ?? errorCodes[code].status;
    this.details = options.details;
    this.headers = options.headers;
  }
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}

import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { errorCodes, type ErrorCode } from '@lanyard/contracts/error-codes';
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.ts';
import type { App } from './fastify-types.ts';
import { securityHeaders } from './security-headers.ts';

function send(reply: FastifyReply, request: FastifyRequest, code: ErrorCode, details?: Record<string, unknown>, status: number = errorCodes[code].status): FastifyReply {
  return reply
    .status(status)
    .header('cache-control', 'no-store')
    .send({ error: { code, message: errorCodes[code].message, ...(details === undefined ? {} : { details }), requestId: request.id } });
}

/** Fastify's own request errors (body parsing, limits) mapped onto the catalogue. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_BAD_URL: 'MALFORMED_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
};

/** A validation failure, whether zod's or the input edge's (input-edge.ts): both carry Fastify's `validation` list. */
function validationIssues(error: unknown): { instancePath: string; message: string }[] | undefined {
  if (typeof error !== 'object' || error === null || !('validation' in error) || !Array.isArray(error.validation)) return undefined;
  return error.validation as { instancePath: string; message: string }[];
}

/** What the error handler answers for a validation failure, for routes that handle it themselves (attachValidation). */
export function validationFailed(error: Error & { validationContext?: string }): AppError {
  const issues = validationIssues(error) ?? [];
  const fields = issues.map((issue) => ({
    path: `${error.validationContext ?? 'body'}${issue.instancePath.replaceAll('/', '.')}`,
    message: issue.message,
  }));
  return new AppError('VALIDATION_FAILED', { details: { fields } });
}

/** One place that turns every error into the documented body. Anything unexpected is a bug: 500 INTERNAL. */
export function registerErrorHandling(app: App): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) {
      if (error.headers !== undefined) void reply.headers(error.headers);
      // Shedding under load is the design working, and happens thousands of times a second when it does:
      // it shows in lanyard_http_errors_total, not as a log line per request.
      if (error.status >= 500 && error.code !== 'SERVICE_OVERLOADED') request.log.warn({ code: error.code, err: error.cause }, 'request refused');
      return send(reply, request, error.code, error.details, error.status);
    }
    if (validationIssues(error) !== undefined) {
      const refused = validationFailed(error);
      return send(reply, request, refused.code, refused.details);
    }
    const fastifyError = error as FastifyError;
    const mapped = fastifyError.code === undefined ? undefined : fastifyCodes[fastifyError.code];
    if (mapped !== undefined) return send(reply, request, mapped);
    if (error instanceof SyntaxError && fastifyError.statusCode === 400) return send(reply, request, 'MALFORMED_JSON');
    if (fastifyError.statusCode !== undefined && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return send(reply, request, 'VALIDATION_FAILED', { reason: fastifyError.code ?? 'BAD_REQUEST' });
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, request, 'INTERNAL');
  });
}

export function sendRouteNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return send(reply, request, 'ROUTE_NOT_FOUND', { method: request.method });
}

/**
 * Errors Fastify answers before a route is found (a path parameter over the length limit, invalid
 * percent-encoding in the path): the same documented body, with a request id, as every other error.
 */
export function frameworkErrorHandler(options: { https: boolean }) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const code = (error.code === undefined ? undefined : fastifyCodes[error.code]) ?? 'VALIDATION_FAILED';
    void reply.headers({ ...securityHeaders(options), 'x-request-id': request.id });
    void send(reply, request, code);
  };
}

const clientErrorCodes: Record<string, ErrorCode> = {
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
};

/**
 * Requests Node's HTTP parser refuses (headers over the size limit, malformed HTTP, a request too slow
 * to arrive) never reach Fastify: this answers them with the documented JSON body and a request id, then
 * closes the connection, as Node does.
 */
export function clientErrorHandler(options: { https: boolean; logger: FastifyBaseLogger }) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const code = (error.code === undefined ? undefined : clientErrorCodes[error.code]) ?? 'MALFORMED_REQUEST';
    const requestId = randomUUID();
    options.logger.debug({ code, reason: error.code, reqId: requestId }, 'client error');
    if (socket.writable) {
      const { status, message } = errorCodes[code];
      const body = JSON.stringify({ error: { code, message, requestId } });
      const headers = {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        'cache-control': 'no-store',
        'x-request-id': requestId,
        ...securityHeaders(options),
        connection: 'close',
      };
      const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n${head}\r\n${body}`);
      return;
    }
    socket.destroy(error);
  };
}

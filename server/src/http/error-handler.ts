import { errorCodes, type ErrorCode } from '@lanyard/contracts/error-codes';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../errors/app-error.ts';
import type { App } from './fastify-types.ts';

function send(reply: FastifyReply, request: FastifyRequest, code: ErrorCode, details?: Record<string, unknown>): FastifyReply {
  return reply
    .status(errorCodes[code].status)
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
};

/** One place that turns every error into the documented body. Anything unexpected is a bug: 500 INTERNAL. */
export function registerErrorHandling(app: App): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) {
      if (error.headers !== undefined) void reply.headers(error.headers);
      // Shedding under load is the design working, and happens thousands of times a second when it does:
      // it shows in lanyard_http_errors_total, not as a log line per request.
      if (error.status >= 500 && error.code !== 'SERVICE_OVERLOADED') request.log.warn({ code: error.code, err: error.cause }, 'request refused');
      return send(reply, request, error.code, error.details);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const fields = error.validation.map((issue) => ({
        path: `${error.validationContext ?? 'body'}${issue.instancePath.replaceAll('/', '.')}`,
        message: issue.message,
      }));
      return send(reply, request, 'VALIDATION_FAILED', { fields });
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

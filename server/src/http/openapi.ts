import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { errorBodySchema } from '@lanyard/contracts/common';
import { z } from 'zod';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { App } from './fastify-types.ts';
import { apiDocsContentSecurityPolicy } from './security-headers.ts';

/** Error answers every documented route may give; listed once so each route stays short. */
export const errorResponses = {
  400: errorBodySchema.describe('VALIDATION_FAILED, MALFORMED_JSON, MALFORMED_URL'),
  414: errorBodySchema.describe('URI_TOO_LONG'),
  415: errorBodySchema.describe('UNSUPPORTED_MEDIA_TYPE (a body in a charset other than UTF-8)'),
  401: errorBodySchema.describe('AUTH_REQUIRED, AUTH_SESSION_EXPIRED, AUTH_INVALID_CREDENTIALS, TOKEN_INVALID'),
  403: errorBodySchema.describe('CSRF_REJECTED, PERMISSION_DENIED'),
} as const;

/** Routes behind a rate limit or the password-hashing admission gate. */
export const rateLimitedResponse = {
  429: errorBodySchema.describe('RATE_LIMITED (with Retry-After)'),
  503: errorBodySchema.describe('SERVICE_OVERLOADED (with Retry-After): shed before any work'),
};

/** Every guarded /api/v1 route takes either a console session or a bearer token. */
export const signedInSecurity = [{ session: [] }, { bearer: [] }];

export const noContent = z.null().describe('No content');

/** OpenAPI 3.1 at /api/openapi.json, generated from the same zod schemas that validate requests. */
export async function registerOpenApi(app: App, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Lanyard API',
        version,
        description:
          'Identity and account self-service for contact-center platforms. Errors are `{"error":{"code","message","details","requestId"}}`; codes are listed in docs/errors.md.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'lanyard_session', description: 'Console session (HttpOnly cookie from /api/v1/auth/login)' },
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from /oauth/token or /authentication/v1/token/access-key' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: apiDocsContentSecurityPolicy });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

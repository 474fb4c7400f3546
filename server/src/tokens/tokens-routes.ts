import { accessKeyTokenBodySchema, tokenResponseSchema } from '@lanyard/contracts/api';
import { errorBodySchema, refusedCharacter, singleLine } from '@lanyard/contracts/common';
import type { ErrorCode } from '@lanyard/contracts/error-codes';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors/app-error.ts';
import type { App } from '../http/fastify-types.ts';
import { validationFailed } from '../http/error-handler.ts';
import { errorResponses } from '../http/openapi.ts';
import type { SigningKeysService } from './signing-keys-service.ts';
import type { TokensService } from './tokens-service.ts';

/** Form parameters are single-valued (RFC 6749 §3.2); anything else is ignored, as the RFC requires. */
const tokenFormSchema = z.object({
  grant_type: singleLine(100),
  client_id: singleLine(256).optional(),
  client_secret: singleLine(256).optional(),
  scope: singleLine(2000).optional(),
});
const introspectionFormSchema = z.object({
  token: singleLine(8192),
  token_type_hint: singleLine(100).optional(),
  client_id: singleLine(256).optional(),
  client_secret: singleLine(256).optional(),
});

const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() }).describe('RFC 6749 §5.2 error');
const introspectionSchema = z
  .object({
    active: z.boolean(),
    token_type: z.string().optional(),
    client_id: z.string().optional(),
    scope: z.string().optional(),
    sub: z.string().optional(),
    tid: z.string().optional(),
    akid: z.string().optional(),
    akv: z.int().optional(),
    iss: z.string().optional(),
    aud: z.string().optional(),
    jti: z.string().optional(),
    iat: z.int().optional(),
    exp: z.int().optional(),
  })
  .describe('RFC 7662 §2.2');

const noStore = (reply: FastifyReply): FastifyReply => reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

function formDecode(value: string): string {
  return decodeURIComponent(value.replaceAll('+', ' '));
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Why a form could not be read (a repeated parameter, percent-encoding that is not UTF-8), by request. */
const formProblems = new WeakMap<FastifyRequest, string>();

/**
 * application/x-www-form-urlencoded, decoded strictly: URLSearchParams would turn invalid UTF-8 into U+FFFD
 * silently, so a form that is not valid UTF-8 is refused instead. What could be read is kept, so the
 * refusal can still be counted against the client id it names.
 */
function parseForm(request: FastifyRequest, body: string): Record<string, string> {
  const form: Record<string, string> = {};
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const [rawName, rawValue] = equals < 0 ? [pair, ''] : [pair.slice(0, equals), pair.slice(equals + 1)];
    let name: string;
    let value: string;
    try {
      name = formDecode(rawName);
      value = formDecode(rawValue);
    } catch {
      formProblems.set(request, 'invalid-encoding');
      continue;
    }
    if (Object.hasOwn(form, name)) formProblems.set(request, 'repeated-parameter');
    else form[name] = value;
  }
  return form;
}

/** client_secret_basic (RFC 6749 §2.3.1: id and secret form-encoded, then Basic) or client_secret_post; never both. */
function clientCredentials(request: FastifyRequest, body: { client_id?: string | undefined; client_secret?: string | undefined }): { clientId: string; clientSecret: string } {
  const authorization = request.headers.authorization;
  const basic = authorization === undefined ? undefined : /^Basic[ \t]+([A-Za-z0-9+/]+=*)[ \t]*$/i.exec(authorization);
  if (authorization !== undefined && basic === null) throw new AppError('ACCESS_KEY_INVALID_CREDENTIALS');
  if (basic?.[1] !== undefined) {
    if (body.client_secret !== undefined) throw new AppError('OAUTH_INVALID_REQUEST');
    let decoded: string;
    try {
      decoded = strictUtf8.decode(Buffer.from(basic[1], 'base64'));
    } catch {
      throw new AppError('OAUTH_INVALID_REQUEST');
    }
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new AppError('ACCESS_KEY_INVALID_CREDENTIALS');
    try {
      const clientId = formDecode(decoded.slice(0, colon));
      if (body.client_id !== undefined && body.client_id !== clientId) throw new AppError('OAUTH_INVALID_REQUEST');
      return { clientId, clientSecret: formDecode(decoded.slice(colon + 1)) };
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('OAUTH_INVALID_REQUEST');
    }
  }
  if (body.client_id === undefined || body.client_secret === undefined) throw new AppError('ACCESS_KEY_INVALID_CREDENTIALS');
  return { clientId: body.client_id, clientSecret: body.client_secret };
}

/** The catalogue code behind an error, mapped onto the RFC 6749 §5.2 error of the OAuth endpoints. */
const oauthErrors: Partial<Record<ErrorCode, { status: number; error: string }>> = {
  VALIDATION_FAILED: { status: 400, error: 'invalid_request' },
  ACCESS_KEY_INVALID_CREDENTIALS: { status: 401, error: 'invalid_client' },
  OAUTH_UNSUPPORTED_GRANT_TYPE: { status: 400, error: 'unsupported_grant_type' },
  OAUTH_INVALID_REQUEST: { status: 400, error: 'invalid_request' },
  RATE_LIMITED: { status: 429, error: 'temporarily_unavailable' },
};

function sendOauthError(error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  noStore(reply);
  if (error instanceof AppError) {
    if (error.headers !== undefined) void reply.headers(error.headers);
    const mapped = oauthErrors[error.code];
    if (mapped !== undefined) {
      if (mapped.error === 'invalid_client') void reply.header('www-authenticate', 'Basic realm="lanyard", charset="UTF-8"');
      return reply.status(mapped.status).send({ error: mapped.error, error_description: error.message });
    }
  }
  const status = error instanceof AppError ? error.status : (error as FastifyError).statusCode;
  if (hasZodFastifySchemaValidationErrors(error) || (status !== undefined && status >= 400 && status < 500)) {
    return reply.status(status === 413 || status === 415 ? status : 400).send({ error: 'invalid_request' });
  }
  request.log.error({ err: error }, 'unhandled error on an OAuth endpoint');
  return reply.status(500).send({ error: 'server_error' });
}

/**
 * The token service's HTTP face: the two exchange endpoints, introspection, the JWKS and the
 * authorization-server metadata (SPEC §3.6, §4a).
 */
export async function registerTokenRoutes(app: App, deps: { tokens: TokensService; signingKeys: SigningKeysService; issuer: string }): Promise<void> {
  /**
   * A request refused for its input still counts as a failed client authentication (and is audited):
   * RATE_LIMITED once the limit is reached, else the refusal itself.
   */
  const refuse = async (request: FastifyRequest, clientId: unknown, refusal: AppError): Promise<AppError> =>
    (await deps.tokens.refuseInvalidInput(clientId, { ip: request.ip })) ?? refusal;
  const bodyField = (body: unknown, name: string): unknown => (typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined);

  app.post(
    '/authentication/v1/token/access-key',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Exchange an access key for an access token (JSON)',
        body: accessKeyTokenBodySchema,
        response: {
          200: tokenResponseSchema,
          ...errorResponses,
          401: errorBodySchema.describe('ACCESS_KEY_INVALID_CREDENTIALS'),
          429: errorBodySchema.describe('RATE_LIMITED'),
        },
      },
      attachValidation: true,
    },
    async (request, reply) => {
      if (request.validationError !== undefined) throw await refuse(request, bodyField(request.body, 'accessKeyId'), validationFailed(request.validationError));
      const answer = await deps.tokens.issue(request.body.accessKeyId, request.body.accessKeySecret, { ip: request.ip });
      return noStore(reply).send(answer);
    },
  );

  app.get(
    '/.well-known/jwks.json',
    { schema: { tags: ['tokens'], summary: 'The public keys that verify Lanyard access tokens (JWK Set)' } },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(await deps.signingKeys.jwks()),
  );

  const metadata = {
    issuer: deps.issuer,
    token_endpoint: `${deps.issuer}/oauth/token`,
    jwks_uri: `${deps.issuer}/.well-known/jwks.json`,
    introspection_endpoint: `${deps.issuer}/oauth/introspect`,
    grant_types_supported: ['client_credentials'],
    response_types_supported: [],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    service_documentation: `${deps.issuer}/api/docs`,
  };
  app.get(
    '/.well-known/oauth-authorization-server',
    { schema: { tags: ['tokens'], summary: 'OAuth 2.0 authorization server metadata (RFC 8414)' } },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(metadata),
  );

  await app.register(async (scope) => {
    const oauth = scope.withTypeProvider<ZodTypeProvider>();
    oauth.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (request, body, done) => {
      done(null, parseForm(request, body as string));
    });
    oauth.setErrorHandler(async (error: FastifyError | AppError | Error, request, reply) => {
      // Refused by the framework before the route ran (an unsupported media type or charset, a body too
      // large, a form the parser refused): counted like any refused input, so it cannot probe for free.
      // (Errors the routes raise themselves are OAuth answers in `oauthErrors`, counted where they arise.)
      const status = error instanceof AppError ? (oauthErrors[error.code] === undefined ? error.status : undefined) : (error as FastifyError).statusCode;
      if (status !== undefined && status >= 400 && status < 500) {
        const limited = await deps.tokens.refuseInvalidInput(undefined, { ip: request.ip }).catch((refusal: unknown) => {
          if (refusal instanceof AppError) return refusal; // RATE_LIMITED: this network is blocked already
          throw refusal;
        });
        if (limited !== undefined) return sendOauthError(limited, request, reply);
      }
      return sendOauthError(error, request, reply);
    });

    /** The client credentials of a form request whose input passed the edge; anything refused is counted first. */
    const checkedClient = async (
      request: FastifyRequest & { validationError?: Error & { validationContext?: string } },
      body: { client_id?: string | undefined; client_secret?: string | undefined },
    ): Promise<{ clientId: string; clientSecret: string }> => {
      if (request.validationError !== undefined) throw await refuse(request, bodyField(body, 'client_id'), validationFailed(request.validationError));
      if (formProblems.has(request)) throw await refuse(request, body.client_id, new AppError('OAUTH_INVALID_REQUEST'));
      let client: { clientId: string; clientSecret: string };
      try {
        client = clientCredentials(request, body);
      } catch (error) {
        // A malformed Authorization header, credentials given twice or not UTF-8: a failed authentication too.
        if (error instanceof AppError) throw await refuse(request, body.client_id, error);
        throw error;
      }
      // Credentials from the Authorization header pass no schema: the same edge rule applies to them.
      if (refusedCharacter(client.clientId) !== undefined || refusedCharacter(client.clientSecret) !== undefined) {
        throw await refuse(request, client.clientId, new AppError('OAUTH_INVALID_REQUEST'));
      }
      return client;
    };

    oauth.post(
      '/oauth/token',
      {
        schema: {
          tags: ['tokens'],
          summary: 'OAuth 2.0 client credentials grant: an access key (client_secret_basic or client_secret_post) for an access token',
          consumes: ['application/x-www-form-urlencoded'],
          body: tokenFormSchema,
          response: { 200: tokenResponseSchema, 400: oauthErrorSchema, 401: oauthErrorSchema, 429: oauthErrorSchema },
        },
        attachValidation: true,
      },
      async (request, reply) => {
        const client = await checkedClient(request, request.body);
        if (request.body.grant_type !== 'client_credentials') throw new AppError('OAUTH_UNSUPPORTED_GRANT_TYPE');
        const answer = await deps.tokens.issue(client.clientId, client.clientSecret, { ip: request.ip });
        return noStore(reply).send(answer);
      },
    );

    oauth.post(
      '/oauth/introspect',
      {
        schema: {
          tags: ['tokens'],
          summary: 'Token introspection (RFC 7662) for resource servers, which authenticate with an access key',
          consumes: ['application/x-www-form-urlencoded'],
          body: introspectionFormSchema,
          response: { 200: introspectionSchema, 400: oauthErrorSchema, 401: oauthErrorSchema, 429: oauthErrorSchema },
        },
        attachValidation: true,
      },
      async (request, reply) => {
        const client = await checkedClient(request, request.body);
        const answer = await deps.tokens.introspect(client.clientId, client.clientSecret, request.body.token, { ip: request.ip });
        return noStore(reply).send(answer);
      },
    );
  });
}

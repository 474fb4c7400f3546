import { loginBodySchema, loginResponseSchema } from '@lanyard/contracts/api';
import { errorBodySchema } from '@lanyard/contracts/common';
import type { FastifyRequest } from 'fastify';
import type { App } from '../http/fastify-types.ts';
import { clearSessionCookie, readSessionToken, setSessionCookie, type CookieSettings } from '../http/authentication.ts';
import { validationFailed } from '../http/error-handler.ts';
import { errorResponses, noContent } from '../http/openapi.ts';
import { rateLimit, type RateLimitRule } from '../http/rate-limit.ts';
import { behind, type AdmissionGate } from '../http/admission.ts';
import type { RateLimiter } from '../rate-limits/rate-limiter.ts';
import type { RequestMeta, SessionsService } from './sessions-service.ts';
import type { SignInService } from './sign-in-service.ts';

export function requestMeta(request: FastifyRequest): RequestMeta {
  return { ip: request.ip, userAgent: request.headers['user-agent'] };
}

export const rateLimitedResponse = {
  429: errorBodySchema.describe('RATE_LIMITED (with Retry-After)'),
  503: errorBodySchema.describe('SERVICE_OVERLOADED (with Retry-After): shed before any work'),
};

export function registerSessionRoutes(
  app: App,
  deps: {
    sessions: SessionsService;
    signIn: SignInService;
    cookie: CookieSettings;
    rateLimiter: RateLimiter;
    authRateLimit: Omit<RateLimitRule, 'name'>;
    hashing: AdmissionGate;
  },
): void {
  app.post(
    '/api/v1/auth/login',
    {
      onRequest: [rateLimit(deps.rateLimiter, { name: 'login', ...deps.authRateLimit }), deps.hashing.enter],
      ...behind(deps.hashing),
      schema: {
        tags: ['sign-in'],
        summary: 'Sign in with username and password; sets the session cookie',
        body: loginBodySchema,
        response: { 200: loginResponseSchema, ...errorResponses, ...rateLimitedResponse },
      },
      // A body refused at the edge is still a sign-in attempt: counted by the rate limit above (onRequest) and audited here.
      attachValidation: true,
    },
    async (request, reply) => {
      if (request.validationError !== undefined) {
        const body: unknown = request.body;
        const username = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).username : undefined;
        await deps.signIn.recordRefusedInput(username, requestMeta(request));
        throw validationFailed(request.validationError);
      }
      const started = await deps.signIn.login(request.body.username, request.body.password, requestMeta(request));
      setSessionCookie(reply, deps.cookie, started.token);
      return reply.header('cache-control', 'no-store').send({
        mfaRequired: false as const,
        passwordChangeRequired: started.passwordChangeRequired,
        tenant: { id: started.tenant.id, name: started.tenant.name },
      });
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { schema: { tags: ['sign-in'], summary: 'Sign out: ends the session and clears the cookie', response: { 204: noContent, ...errorResponses } } },
    async (request, reply) => {
      const token = readSessionToken(request, deps.cookie);
      if (token !== undefined) await deps.sessions.logout(token);
      clearSessionCookie(reply, deps.cookie);
      return reply.status(204).send(null);
    },
  );
}

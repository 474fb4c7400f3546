import { loginBodySchema, loginResponseSchema } from '@lanyard/contracts/api';
import { behind, type AdmissionGate } from '../http/admission.ts';
import { setSessionCookie, type CookieSettings } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { validationFailed } from '../http/error-handler.ts';
import { errorResponses, rateLimitedResponse } from '../http/openapi.ts';
import { rateLimit, type RateLimitRule } from '../http/rate-limit.ts';
import { requestMeta } from '../http/request-meta.ts';
import type { RateLimiter } from '../rate-limits/rate-limiter.ts';
import type { LoginService } from './login-service.ts';

export function registerLoginRoutes(
  app: App,
  deps: {
    login: LoginService;
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
        summary: 'Sign in with username and password (and, to lift a lockout, the unlock code an administrator read out); sets the session cookie',
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
        await deps.login.recordRefusedInput(username, requestMeta(request));
        throw validationFailed(request.validationError);
      }
      const started = await deps.login.loginWithPassword(request.body.username, request.body.password, requestMeta(request), { unlockCode: request.body.unlockCode });
      setSessionCookie(reply, deps.cookie, started.token);
      return reply.header('cache-control', 'no-store').send({
        mfaRequired: false as const,
        passwordChangeRequired: started.passwordChangeRequired,
        tenant: { id: started.tenant.id, name: started.tenant.name },
      });
    },
  );
}

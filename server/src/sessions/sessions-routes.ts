import { loginBodySchema, loginResponseSchema } from '@lanyard/contracts/api';
import type { FastifyRequest } from 'fastify';
import type { App } from '../http/fastify-types.ts';
import { clearSessionCookie, readSessionToken, setSessionCookie, type CookieSettings } from '../http/authentication.ts';
import { errorResponses, noContent } from '../http/openapi.ts';
import type { RequestMeta, SessionsService } from './sessions-service.ts';

function requestMeta(request: FastifyRequest): RequestMeta {
  return { ip: request.ip, userAgent: request.headers['user-agent'] };
}

export function registerSessionRoutes(app: App, deps: { sessions: SessionsService; cookie: CookieSettings }): void {
  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags: ['sign-in'],
        summary: 'Sign in with username and password; sets the session cookie',
        body: loginBodySchema,
        response: { 200: loginResponseSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const started = await deps.sessions.login(request.body.username, request.body.password, requestMeta(request));
      setSessionCookie(reply, deps.cookie, started.token);
      return reply.header('cache-control', 'no-store').send({
        mfaRequired: false as const,
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

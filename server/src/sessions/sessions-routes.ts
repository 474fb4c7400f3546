import type { App } from '../http/fastify-types.ts';
import { clearSessionCookie, readSessionToken, type CookieSettings } from '../http/authentication.ts';
import { errorResponses, noContent } from '../http/openapi.ts';
import type { SessionsService } from './sessions-service.ts';

export function registerSessionRoutes(
  app: App,
  deps: { sessions: SessionsService; cookie: CookieSettings },
): void {
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

import { errorBodySchema } from '@lanyard/contracts/common';
import { sessionIdParamsSchema, sessionListSchema } from '@lanyard/contracts/mfa';
import type { App } from '../http/fastify-types.ts';
import { clearSessionCookie, principalOf, readSessionToken, type CookieSettings, type Guards } from '../http/authentication.ts';
import { errorResponses, noContent, signedInSecurity } from '../http/openapi.ts';
import { requestMeta } from '../http/request-meta.ts';
import { deviceOf } from './sessions.ts';
import type { SessionsService } from './sessions-service.ts';

export function registerSessionRoutes(
  app: App,
  deps: { sessions: SessionsService; cookie: CookieSettings; guards: Guards },
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

  app.get(
    '/api/v1/me/sessions',
    {
      preHandler: deps.guards.signedIn,
      schema: {
        tags: ['sessions'],
        summary: 'My console sessions, in every tenant, newest first; `current` marks the one asking',
        description: '`id` is the session’s row id, never its cookie value. `device` is the user agent read as "Chrome on Windows".',
        security: signedInSecurity,
        response: { 200: sessionListSchema, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const sessions = await deps.sessions.listUserSessions(principal.userId);
      return {
        items: sessions.map((session) => ({
          id: session.id,
          current: principal.kind === 'session' && principal.sessionId === session.id,
          createdAt: session.createdAt.toISOString(),
          lastSeenAt: session.lastSeenAt.toISOString(),
          ip: session.ip,
          userAgent: session.userAgent,
          device: deviceOf(session.userAgent),
        })),
      };
    },
  );

  app.delete(
    '/api/v1/me/sessions/:id',
    {
      preHandler: deps.guards.signedIn,
      schema: {
        tags: ['sessions'],
        summary: 'Sign out one of my sessions: its next request is refused, on every instance',
        security: signedInSecurity,
        params: sessionIdParamsSchema,
        response: { 204: noContent, ...errorResponses, 404: errorBodySchema.describe('SESSION_NOT_FOUND (also another user’s session)') },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await deps.sessions.endUserSession(principal, request.params.id, requestMeta(request));
      if (principal.kind === 'session' && principal.sessionId === request.params.id) clearSessionCookie(reply, deps.cookie);
      return reply.status(204).send(null);
    },
  );
}

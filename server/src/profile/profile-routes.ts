import { meSchema } from '@lanyard/contracts/api';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses, signedInSecurity } from '../http/openapi.ts';
import type { ProfileService } from './profile-service.ts';

export function registerProfileRoutes(app: App, deps: { profile: ProfileService; guards: Guards }): void {
  app.get(
    '/api/v1/me',
    {
      preHandler: deps.guards.signedIn,
      config: { allowDuringPasswordChange: true },
      schema: {
        tags: ['profile'],
        summary: 'The signed-in user, their role, team, permissions, tenant and system information',
        security: signedInSecurity,
        response: { 200: meSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.header('cache-control', 'no-store').send(await deps.profile.getMe(principalOf(request))),
  );
}

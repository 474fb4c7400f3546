import { roleSchema } from '@lanyard/contracts/api';
import { z } from 'zod';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses, signedInSecurity } from '../http/openapi.ts';
import type { RolesService } from './roles-service.ts';

export function registerRoleRoutes(app: App, deps: { roles: RolesService; guards: Guards }): void {
  app.get(
    '/api/v1/admin/roles',
    {
      preHandler: deps.guards.permission('users.view'),
      schema: {
        tags: ['administration'],
        summary: "The tenant's roles and their permissions",
        security: signedInSecurity,
        response: { 200: z.object({ items: z.array(roleSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const roles = await deps.roles.listRoles(principalOf(request).tenantId);
      return { items: roles.map((role) => ({ id: role.id, name: role.name, builtIn: role.builtIn, permissions: role.permissions })) };
    },
  );
}

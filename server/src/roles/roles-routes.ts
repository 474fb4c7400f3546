import { roleBodySchema, updateRoleBodySchema } from '@lanyard/contracts/admin';
import { roleSchema } from '@lanyard/contracts/api';
import { errorBodySchema, idSchema } from '@lanyard/contracts/common';
import { z } from 'zod';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses, noContent, signedInSecurity } from '../http/openapi.ts';
import { requestMeta } from '../http/request-meta.ts';
import type { Role } from './roles.ts';
import type { RolesService } from './roles-service.ts';

const view = (role: Role) => ({ id: role.id, name: role.name, builtIn: role.builtIn, permissions: role.permissions });
const roleParams = z.object({ roleId: idSchema });
const notGrantable = { 403: errorBodySchema.describe('CSRF_REJECTED, PERMISSION_DENIED, ROLE_NOT_GRANTABLE (details.missing: the permissions the caller lacks)') };
const unknownPermission = { 422: errorBodySchema.describe('PERMISSION_UNKNOWN (details.unknown)') };

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
      return { items: roles.map(view) };
    },
  );

  app.post(
    '/api/v1/admin/roles',
    {
      preHandler: deps.guards.permission('roles.manage'),
      schema: {
        tags: ['administration'],
        summary: 'Create a custom role; it may hold only permissions the caller holds',
        security: signedInSecurity,
        body: roleBodySchema,
        response: { 201: roleSchema, ...errorResponses, ...notGrantable, 409: errorBodySchema.describe('ROLE_NAME_TAKEN'), ...unknownPermission },
      },
    },
    async (request, reply) => {
      const role = await deps.roles.createRole(principalOf(request), request.body, requestMeta(request));
      return reply.status(201).send(view(role));
    },
  );

  app.patch(
    '/api/v1/admin/roles/:roleId',
    {
      preHandler: deps.guards.permission('roles.manage'),
      schema: {
        tags: ['administration'],
        summary: "Rename a role or replace its permissions; takes effect at once for its members' sessions and access tokens",
        security: signedInSecurity,
        params: roleParams,
        body: updateRoleBodySchema,
        response: {
          200: roleSchema,
          ...errorResponses,
          ...notGrantable,
          404: errorBodySchema.describe('ROLE_NOT_FOUND'),
          409: errorBodySchema.describe('ROLE_NAME_TAKEN, ROLE_BUILT_IN (renaming a built-in role), ROLE_ADMINISTRATOR_FIXED'),
          ...unknownPermission,
        },
      },
    },
    async (request) => view(await deps.roles.updateRole(principalOf(request), request.params.roleId, request.body, requestMeta(request))),
  );

  app.delete(
    '/api/v1/admin/roles/:roleId',
    {
      preHandler: deps.guards.permission('roles.manage'),
      schema: {
        tags: ['administration'],
        summary: 'Delete a custom role that no member holds',
        security: signedInSecurity,
        params: roleParams,
        response: {
          204: noContent,
          ...errorResponses,
          ...notGrantable,
          404: errorBodySchema.describe('ROLE_NOT_FOUND'),
          409: errorBodySchema.describe('ROLE_BUILT_IN, ROLE_IN_USE (details.membersCount)'),
        },
      },
    },
    async (request, reply) => {
      await deps.roles.deleteRole(principalOf(request), request.params.roleId, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}

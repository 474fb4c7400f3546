import { adminUpdateUserBodySchema, adminUserDetailSchema, adminUsersPageSchema, adminUsersQuerySchema } from '@lanyard/contracts/admin';
import { errorBodySchema, idSchema } from '@lanyard/contracts/common';
import { z } from 'zod';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { refuseMalformedQuery } from '../http/input-edge.ts';
import { errorResponses, signedInSecurity } from '../http/openapi.ts';
import { requestMeta } from '../http/request-meta.ts';
import type { DirectoryService } from './directory-service.ts';

const userParams = z.object({ userId: idSchema });

/** Administration › Users: the directory, one user's page, and changes to a user (SPEC §4b "Administration"). */
export function registerDirectoryRoutes(app: App, deps: { directory: DirectoryService; guards: Guards }): void {
  app.get(
    '/api/v1/admin/users',
    {
      onRequest: refuseMalformedQuery,
      preHandler: deps.guards.permission('users.view'),
      schema: {
        tags: ['administration'],
        summary:
          "The tenant's users, a page at a time (keyset: pass `nextCursor` back as `cursor`). `q` is a prefix of the username, email, first or last name, case- and accent-insensitive; `roleId`, `teamId` and `status` filter, combinable with `q`",
        security: signedInSecurity,
        querystring: adminUsersQuerySchema,
        response: { 200: adminUsersPageSchema, ...errorResponses, 400: errorBodySchema.describe('VALIDATION_FAILED, MALFORMED_URL, USER_CURSOR_INVALID') },
      },
    },
    async (request) => deps.directory.list(principalOf(request).tenantId, request.query),
  );

  app.get(
    '/api/v1/admin/users/:userId',
    {
      preHandler: deps.guards.permission('users.view'),
      schema: {
        tags: ['administration'],
        summary: 'One user of the tenant: status, membership, MFA state, linked identity providers, live sessions, invitation in force',
        security: signedInSecurity,
        params: userParams,
        response: { 200: adminUserDetailSchema, ...errorResponses, 404: errorBodySchema.describe('USER_NOT_FOUND') },
      },
    },
    async (request) => deps.directory.get(principalOf(request).tenantId, request.params.userId),
  );

  app.patch(
    '/api/v1/admin/users/:userId',
    {
      preHandler: deps.guards.permission('users.edit'),
      schema: {
        tags: ['administration'],
        summary:
          "Change a user's role (same or lower than yours), team, presence reason list, status (disabling ends their sessions and tokens within a second) or password sign-in override; every change is audited, a refusal changes nothing",
        security: signedInSecurity,
        params: userParams,
        body: adminUpdateUserBodySchema,
        response: {
          200: adminUserDetailSchema,
          ...errorResponses,
          403: errorBodySchema.describe('CSRF_REJECTED, PERMISSION_DENIED, ROLE_NOT_GRANTABLE'),
          404: errorBodySchema.describe('USER_NOT_FOUND, ROLE_NOT_FOUND, TEAM_NOT_FOUND, PRESENCE_REASON_LIST_NOT_FOUND'),
          409: errorBodySchema.describe('LAST_ADMINISTRATOR, CANNOT_DISABLE_SELF'),
        },
      },
    },
    async (request) => deps.directory.update(principalOf(request), request.params.userId, request.body, requestMeta(request)),
  );
}

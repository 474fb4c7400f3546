import { adminUpdateUserBodySchema, adminUserDetailSchema, adminUsersPageSchema, adminUsersQuerySchema } from '@lanyard/contracts/admin';
import { errorBodySchema, idSchema } from '@lanyard/contracts/common';
import { z } from 'zod';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { refuseMalformedQuery } from '../http/input-edge.ts';
import { errorResponses, noContent, signedInSecurity } from '../http/openapi.ts';
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
    async (request) => deps.directory.get(principalOf(request), request.params.userId),
  );

  app.patch(
    '/api/v1/admin/users/:userId',
    {
      preHandler: deps.guards.permission('users.edit'),
      schema: {
        tags: ['administration'],
        summary:
          "Change a user's role (same or lower than yours), team, presence reason list, status (disabling ends their sessions and tokens within a second) or password sign-in override; every change is audited, a refusal changes nothing",
        description:
          'Needs every permission the person holds in this tenant (else 403 PERMISSION_DENIED). `status` disables or enables the account when this tenant is its home tenant (`managedHere`), and only the membership in this tenant otherwise: sign-in to, and switching into, this tenant stop, and their sessions and tokens here end; the account and its other memberships are untouched. Tokens issued before a disable never work again, even after the person is enabled.',
        security: signedInSecurity,
        params: userParams,
        body: adminUpdateUserBodySchema,
        response: {
          200: adminUserDetailSchema,
          ...errorResponses,
          403: errorBodySchema.describe('CSRF_REJECTED, PERMISSION_DENIED (the person holds a permission you lack), ROLE_NOT_GRANTABLE'),
          404: errorBodySchema.describe('USER_NOT_FOUND, ROLE_NOT_FOUND, TEAM_NOT_FOUND, PRESENCE_REASON_LIST_NOT_FOUND'),
          409: errorBodySchema.describe('LAST_ADMINISTRATOR, CANNOT_DISABLE_SELF'),
        },
      },
    },
    async (request) => deps.directory.update(principalOf(request), request.params.userId, request.body, requestMeta(request)),
  );

  app.delete(
    '/api/v1/admin/users/:userId',
    {
      preHandler: deps.guards.permission('users.edit'),
      schema: {
        tags: ['administration'],
        summary: 'Remove a person from this tenant: their sessions and access keys here end; the account itself stays',
        description:
          'Needs every permission the person holds in this tenant. The account is never deleted: its default tenant (and its home tenant, when this was it) move to another membership, and an account left with no membership is disabled. Audited in this tenant.',
        security: signedInSecurity,
        params: userParams,
        response: {
          204: noContent,
          ...errorResponses,
          403: errorBodySchema.describe('CSRF_REJECTED, PERMISSION_DENIED (the person holds a permission you lack)'),
          404: errorBodySchema.describe('USER_NOT_FOUND'),
          409: errorBodySchema.describe('LAST_ADMINISTRATOR, CANNOT_REMOVE_SELF'),
        },
      },
    },
    async (request, reply) => {
      await deps.directory.remove(principalOf(request), request.params.userId, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}

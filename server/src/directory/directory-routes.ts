import { adminUpdateUserBodySchema, adminUserDetailSchema, adminUserSessionListSchema, adminUsersPageSchema, adminUsersQuerySchema } from '@lanyard/contracts/admin';
import { errorBodySchema, idSchema } from '@lanyard/contracts/common';
import { z } from 'zod';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { refuseMalformedQuery } from '../http/input-edge.ts';
import { errorResponses, noContent, signedInSecurity } from '../http/openapi.ts';
import { requestMeta } from '../http/request-meta.ts';
import type { DirectoryService } from './directory-service.ts';

const userParams = z.object({ userId: idSchema });
const userSessionParams = z.object({ userId: idSchema, sessionId: idSchema });

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

  app.get(
    '/api/v1/admin/users/:userId/sessions',
    {
      preHandler: deps.guards.permission('users.view'),
      schema: {
        tags: ['administration'],
        summary: "A person's live console sessions in this tenant, newest first (a session they have in another tenant is never listed)",
        description: 'Needs every permission the person holds in this tenant (else 403 PERMISSION_DENIED). `id` is the session’s row id, never its cookie value.',
        security: signedInSecurity,
        params: userParams,
        response: {
          200: adminUserSessionListSchema,
          ...errorResponses,
          403: errorBodySchema.describe('PERMISSION_DENIED (you lack users.view, or the person holds a permission you lack)'),
          404: errorBodySchema.describe('USER_NOT_FOUND'),
        },
      },
    },
    async (request) => deps.directory.listSessions(principalOf(request), request.params.userId),
  );

  app.delete(
    '/api/v1/admin/users/:userId/sessions/:sessionId',
    {
      preHandler: deps.guards.permission('users.edit'),
      schema: {
        tags: ['administration'],
        summary: "End one of a person's sessions in this tenant: its next request is refused, on every instance; audited",
        description: 'Needs every permission the person holds in this tenant. A session of another person, or one the person has in another tenant, is 404 SESSION_NOT_FOUND.',
        security: signedInSecurity,
        params: userSessionParams,
        response: {
          204: noContent,
          ...errorResponses,
          403: errorBodySchema.describe('CSRF_REJECTED, PERMISSION_DENIED (the person holds a permission you lack)'),
          404: errorBodySchema.describe('USER_NOT_FOUND, SESSION_NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      await deps.directory.endSession(principalOf(request), request.params.userId, request.params.sessionId, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/v1/admin/users/:userId/sessions',
    {
      preHandler: deps.guards.permission('users.edit'),
      schema: {
        tags: ['administration'],
        summary: "End every session of a person in this tenant (their sessions in other tenants go on): refused on every instance within a second; each audited",
        description: 'Needs every permission the person holds in this tenant. 204 also when there was none to end.',
        security: signedInSecurity,
        params: userParams,
        response: {
          204: noContent,
          ...errorResponses,
          403: errorBodySchema.describe('CSRF_REJECTED, PERMISSION_DENIED (the person holds a permission you lack)'),
          404: errorBodySchema.describe('USER_NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      await deps.directory.endSessions(principalOf(request), request.params.userId, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}

import {
  accessKeyListSchema,
  accessKeySchema,
  adminAccessKeyListSchema,
  adminUpdateAccessKeyBodySchema,
  createAccessKeyBodySchema,
  createdAccessKeySchema,
  updateAccessKeyBodySchema,
} from '@lanyard/contracts/api';
import { errorBodySchema, idSchema } from '@lanyard/contracts/common';
import { z } from 'zod';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses, noContent, signedInSecurity } from '../http/openapi.ts';
import type { AccessKeysService } from './access-keys-service.ts';

const params = z.object({ id: idSchema });
const notFound = { 404: errorBodySchema.describe('ACCESS_KEY_NOT_FOUND') };

/** My Profile › Access Keys, and the tenant-wide view for administrators with accessKeys.manage. */
export function registerAccessKeyRoutes(app: App, deps: { accessKeys: AccessKeysService; guards: Guards }): void {
  app.post(
    '/api/v1/me/access-keys',
    {
      preHandler: deps.guards.permission('accessKeys.own.create'),
      schema: {
        tags: ['access keys'],
        summary: 'Add an access key. The answer is the only one that ever holds the Secret Access Key',
        security: signedInSecurity,
        body: createAccessKeyBodySchema,
        response: {
          201: createdAccessKeySchema,
          ...errorResponses,
          409: errorBodySchema.describe('ACCESS_KEY_LIMIT_REACHED'),
          422: errorBodySchema.describe('ACCESS_KEY_EXPIRY_INVALID, ACCESS_KEY_EXPIRY_TOO_LATE (later than the tenant\'s maximum key lifetime; details.latest)'),
        },
      },
    },
    async (request, reply) => {
      const { key, secret } = await deps.accessKeys.createKey(principalOf(request), request.body, { ip: request.ip });
      return reply.status(201).header('cache-control', 'no-store').send({ ...key, accessKeySecret: secret });
    },
  );

  app.get(
    '/api/v1/me/access-keys',
    {
      preHandler: deps.guards.signedIn,
      schema: {
        tags: ['access keys'],
        summary: 'Your access keys in this tenant (never their secrets) and how many you may have',
        security: signedInSecurity,
        response: { 200: accessKeyListSchema, ...errorResponses },
      },
    },
    async (request) => deps.accessKeys.listOwnKeys(principalOf(request)),
  );

  app.patch(
    '/api/v1/me/access-keys/:id',
    {
      preHandler: deps.guards.signedIn,
      schema: {
        tags: ['access keys'],
        summary: 'Activate or deactivate one of your keys (State), or change its description',
        security: signedInSecurity,
        params,
        body: updateAccessKeyBodySchema,
        response: { 200: accessKeySchema, ...errorResponses, ...notFound },
      },
    },
    async (request) => deps.accessKeys.updateOwnKey(principalOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/me/access-keys/:id',
    {
      preHandler: deps.guards.signedIn,
      schema: {
        tags: ['access keys'],
        summary: 'Delete one of your keys; tokens issued for it stop working',
        security: signedInSecurity,
        params,
        response: { 204: noContent, ...errorResponses, ...notFound },
      },
    },
    async (request, reply) => {
      await deps.accessKeys.deleteOwnKey(principalOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/admin/access-keys',
    {
      preHandler: deps.guards.permission('accessKeys.manage'),
      schema: {
        tags: ['access keys'],
        summary: "Every access key in the tenant, with its owner (never the secrets)",
        security: signedInSecurity,
        response: { 200: adminAccessKeyListSchema, ...errorResponses },
      },
    },
    async (request) => deps.accessKeys.listTenantKeys(principalOf(request)),
  );

  app.patch(
    '/api/v1/admin/access-keys/:id',
    {
      preHandler: deps.guards.permission('accessKeys.manage'),
      schema: {
        tags: ['access keys'],
        summary: "Activate or deactivate any key in the tenant",
        security: signedInSecurity,
        params,
        body: adminUpdateAccessKeyBodySchema,
        response: { 200: accessKeySchema, ...errorResponses, ...notFound },
      },
    },
    async (request) => deps.accessKeys.updateTenantKey(principalOf(request), request.params.id, request.body.state),
  );

  app.delete(
    '/api/v1/admin/access-keys/:id',
    {
      preHandler: deps.guards.permission('accessKeys.manage'),
      schema: {
        tags: ['access keys'],
        summary: 'Delete any key in the tenant',
        security: signedInSecurity,
        params,
        response: { 204: noContent, ...errorResponses, ...notFound },
      },
    },
    async (request, reply) => {
      await deps.accessKeys.deleteTenantKey(principalOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}

import { unlockCodeSchema } from '@lanyard/contracts/admin';
import { errorBodySchema, idSchema } from '@lanyard/contracts/common';
import { z } from 'zod';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses, noContent } from '../http/openapi.ts';
import { requestMeta } from '../http/request-meta.ts';
import type { LockoutService } from './lockout-service.ts';

/** Administration › Users: lifting a member's lockout, and the unlock code a supervisor reads out. */
export function registerLockoutRoutes(app: App, deps: { lockout: LockoutService; guards: Guards }): void {
  const userParams = z.object({ userId: idSchema });
  app.post(
    '/api/v1/admin/users/:userId/unlock',
    {
      preHandler: deps.guards.permission('users.edit'),
      schema: {
        tags: ['administration'],
        summary: 'Unlock an account locked after repeated failed sign-ins',
        security: [{ session: [] }],
        params: userParams,
        response: { 204: noContent, ...errorResponses, 404: errorBodySchema.describe('USER_NOT_FOUND') },
      },
    },
    async (request, reply) => {
      await deps.lockout.unlock(principalOf(request), request.params.userId, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/admin/users/:userId/unlock-code',
    {
      preHandler: deps.guards.permission('users.edit'),
      schema: {
        tags: ['administration'],
        summary: 'A one-time unlock code (8 characters, 15 minutes) to read out to a locked-out user, who enters it with their password at sign-in; replaces any earlier code',
        security: [{ session: [] }],
        params: userParams,
        response: {
          201: unlockCodeSchema,
          ...errorResponses,
          404: errorBodySchema.describe('USER_NOT_FOUND'),
          409: errorBodySchema.describe('USER_NOT_ACTIVE'),
        },
      },
    },
    async (request, reply) => {
      const { code, expiresAt } = await deps.lockout.issueUnlockCode(principalOf(request), request.params.userId, requestMeta(request));
      return reply.status(201).header('cache-control', 'no-store').send({ code, expiresAt: expiresAt.toISOString() });
    },
  );
}

import { forgotPasswordBodySchema, resetInfoSchema, resetPasswordBodySchema } from '@lanyard/contracts/api';
import { errorBodySchema, idSchema, tokenSchema } from '@lanyard/contracts/common';
import { z } from 'zod';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses, noContent, rateLimitedResponse } from '../http/openapi.ts';
import { rateLimit, type RateLimitRule } from '../http/rate-limit.ts';
import { behind, type AdmissionGate } from '../http/admission.ts';
import type { RateLimiter } from '../rate-limits/rate-limiter.ts';
import { requestMeta } from '../http/request-meta.ts';
import type { RecoveryService } from './recovery-service.ts';

const resetErrors = {
  404: errorBodySchema.describe('RESET_LINK_NOT_FOUND'),
  410: errorBodySchema.describe('RESET_LINK_EXPIRED, RESET_LINK_USED'),
};
const policyViolation = { 422: errorBodySchema.describe('PASSWORD_POLICY_VIOLATED with details.failedRules') };

/** A forgotten password: the reset link asked for (or sent by an administrator), described, and used. */
export function registerRecoveryRoutes(
  app: App,
  deps: {
    recovery: RecoveryService;
    guards: Guards;
    rateLimiter: RateLimiter;
    authRateLimit: Omit<RateLimitRule, 'name'>;
    hashing: AdmissionGate;
  },
): void {
  app.post(
    '/api/v1/auth/password/forgot',
    {
      onRequest: rateLimit(deps.rateLimiter, { name: 'forgot-password', ...deps.authRateLimit }),
      schema: {
        tags: ['passwords'],
        summary: 'Email a reset link (valid 60 minutes); the answer is the same whether or not the account exists',
        body: forgotPasswordBodySchema,
        response: { 202: z.object({ status: z.literal('accepted') }), ...errorResponses, ...rateLimitedResponse },
      },
    },
    async (request, reply) => {
      await deps.recovery.requestReset(request.body.username, requestMeta(request));
      return reply.status(202).send({ status: 'accepted' as const });
    },
  );

  app.get(
    '/api/v1/auth/password/reset/:token',
    {
      onRequest: rateLimit(deps.rateLimiter, { name: 'reset-lookup', ...deps.authRateLimit }),
      schema: {
        tags: ['passwords'],
        summary: 'Describe a reset link (username, password rules, expiry)',
        params: z.object({ token: tokenSchema }),
        response: { 200: resetInfoSchema, ...errorResponses, ...resetErrors, ...rateLimitedResponse },
      },
    },
    async (request, reply) => {
      const { reset, user, passwordPolicy } = await deps.recovery.describeReset(request.params.token);
      return reply.header('cache-control', 'no-store').send({ username: user.username, email: user.email, expiresAt: reset.expiresAt.toISOString(), passwordPolicy });
    },
  );

  app.post(
    '/api/v1/auth/password/reset',
    {
      onRequest: [rateLimit(deps.rateLimiter, { name: 'reset-password', ...deps.authRateLimit }), deps.hashing.enter],
      ...behind(deps.hashing),
      schema: {
        tags: ['passwords'],
        summary: 'Set a new password with a reset link; works while the account is locked, and unlocks it',
        body: resetPasswordBodySchema,
        response: { 204: noContent, ...errorResponses, ...resetErrors, ...policyViolation, ...rateLimitedResponse },
      },
    },
    async (request, reply) => {
      await deps.recovery.resetPassword(request.body.token, request.body.newPassword, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/admin/users/:userId/password-reset',
    {
      preHandler: deps.guards.permission('users.edit'),
      schema: {
        tags: ['administration'],
        summary: 'Email the user a password reset link',
        security: [{ session: [] }],
        params: z.object({ userId: idSchema }),
        response: {
          202: z.object({ expiresAt: z.iso.datetime() }),
          ...errorResponses,
          404: errorBodySchema.describe('USER_NOT_FOUND'),
          409: errorBodySchema.describe('USER_NOT_ACTIVE'),
        },
      },
    },
    async (request, reply) => {
      const { expiresAt } = await deps.recovery.sendResetAsAdministrator(principalOf(request), request.params.userId, requestMeta(request));
      return reply.status(202).send({ expiresAt: expiresAt.toISOString() });
    },
  );
}

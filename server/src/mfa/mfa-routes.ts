import { errorBodySchema, idSchema } from '@lanyard/contracts/common';
import {
  confirmTotpBodySchema,
  currentPasswordBodySchema,
  mfaPolicySchema,
  mfaStatusSchema,
  recoveryCodesSchema,
  startTotpBodySchema,
  totpEnrolmentSchema,
} from '@lanyard/contracts/mfa';
import { z } from 'zod';
import { behind, type AdmissionGate } from '../http/admission.ts';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses, noContent, rateLimitedResponse, signedInSecurity } from '../http/openapi.ts';
import { rateLimit, type RateLimitRule } from '../http/rate-limit.ts';
import { requestMeta } from '../http/request-meta.ts';
import type { RateLimiter } from '../rate-limits/rate-limiter.ts';
import type { MfaService } from './mfa-service.ts';

const passwordRefusals = '403: CURRENT_PASSWORD_INCORRECT, ACCOUNT_LOCKED';

/** My Profile › Security (the second factor) and Administration › Security › MFA policy, MFA reset. */
export function registerMfaRoutes(
  app: App,
  deps: { mfa: MfaService; guards: Guards; rateLimiter: RateLimiter; authRateLimit: Omit<RateLimitRule, 'name'>; hashing: AdmissionGate },
): void {
  // Routes that verify the current password spend argon2 work: behind the same gate and rate limit as changing it.
  const withPassword = {
    preHandler: deps.guards.signedIn,
    onRequest: [rateLimit(deps.rateLimiter, { name: 'mfa-password', ...deps.authRateLimit }), deps.hashing.enter],
    ...behind(deps.hashing),
  };

  app.get(
    '/api/v1/me/mfa',
    {
      preHandler: deps.guards.signedIn,
      schema: { tags: ['mfa'], summary: 'My second factor: whether TOTP is on, its period, recovery codes left, and whether my role requires it', security: signedInSecurity, response: { 200: mfaStatusSchema, ...errorResponses } },
    },
    async (request) => deps.mfa.status(principalOf(request)),
  );

  app.post(
    '/api/v1/me/mfa/totp',
    {
      ...withPassword,
      schema: {
        tags: ['mfa'],
        summary: 'Start setting up TOTP: a generated secret, or the one I typed (Base32, 16, 26 or 32 characters); nothing is active until a code confirms it',
        description: 'The only answer, with the forced enrolment at sign-in, that holds the secret. Needs the current password (counted toward the lockout).',
        security: signedInSecurity,
        body: startTotpBodySchema,
        response: {
          200: totpEnrolmentSchema,
          ...errorResponses,
          403: errorBodySchema.describe(`${passwordRefusals}, MFA_NOT_AVAILABLE (policy off), CSRF_REJECTED`),
          409: errorBodySchema.describe('MFA_ALREADY_ENABLED'),
          422: errorBodySchema.describe('MFA_SECRET_INVALID, MFA_PERIOD_NOT_ALLOWED'),
          ...rateLimitedResponse,
        },
      },
    },
    async (request, reply) => {
      const enrolment = await deps.mfa.startEnrolment(principalOf(request), request.body, requestMeta(request));
      return reply.header('cache-control', 'no-store').send(enrolment);
    },
  );

  app.post(
    '/api/v1/me/mfa/totp/confirm',
    {
      preHandler: deps.guards.signedIn,
      schema: {
        tags: ['mfa'],
        summary: 'Confirm the pending TOTP with a current code: it becomes active, and the ten recovery codes are answered once',
        security: signedInSecurity,
        body: confirmTotpBodySchema,
        response: {
          200: recoveryCodesSchema,
          ...errorResponses,
          409: errorBodySchema.describe('MFA_NOT_ENROLLED (nothing pending), MFA_ALREADY_ENABLED'),
          422: errorBodySchema.describe('MFA_CODE_INVALID'),
        },
      },
    },
    async (request, reply) => {
      const recoveryCodes = await deps.mfa.confirmEnrolment(principalOf(request), request.body.code, requestMeta(request));
      return reply.header('cache-control', 'no-store').send({ recoveryCodes });
    },
  );

  app.delete(
    '/api/v1/me/mfa/totp',
    {
      ...withPassword,
      schema: {
        tags: ['mfa'],
        summary: 'Turn off TOTP (needs the current password); refused when my role must use MFA',
        security: signedInSecurity,
        body: currentPasswordBodySchema,
        response: {
          204: noContent,
          ...errorResponses,
          403: errorBodySchema.describe(`MFA_REQUIRED_BY_POLICY, ${passwordRefusals}, CSRF_REJECTED`),
          409: errorBodySchema.describe('MFA_NOT_ENROLLED'),
          ...rateLimitedResponse,
        },
      },
    },
    async (request, reply) => {
      await deps.mfa.disable(principalOf(request), request.body.currentPassword, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/me/mfa/recovery-codes',
    {
      ...withPassword,
      schema: {
        tags: ['mfa'],
        summary: 'Ten new recovery codes, replacing the old ones (needs the current password)',
        security: signedInSecurity,
        body: currentPasswordBodySchema,
        response: {
          200: recoveryCodesSchema,
          ...errorResponses,
          403: errorBodySchema.describe(`${passwordRefusals}, CSRF_REJECTED`),
          409: errorBodySchema.describe('MFA_NOT_ENROLLED'),
          ...rateLimitedResponse,
        },
      },
    },
    async (request, reply) => {
      const recoveryCodes = await deps.mfa.regenerateRecoveryCodes(principalOf(request), request.body.currentPassword, requestMeta(request));
      return reply.header('cache-control', 'no-store').send({ recoveryCodes });
    },
  );

  // --- Administration ---
  app.get(
    '/api/v1/admin/security/mfa-policy',
    {
      preHandler: deps.guards.permission('security.policies.manage'),
      schema: { tags: ['administration'], summary: "The tenant's MFA policy", security: signedInSecurity, response: { 200: mfaPolicySchema, ...errorResponses } },
    },
    async (request) => deps.mfa.getPolicy(principalOf(request).tenantId),
  );

  app.put(
    '/api/v1/admin/security/mfa-policy',
    {
      preHandler: deps.guards.permission('security.policies.manage'),
      schema: {
        tags: ['administration'],
        summary: "Set the tenant's MFA policy: off, optional, or required for the roles named; the TOTP periods allowed",
        security: signedInSecurity,
        body: mfaPolicySchema,
        response: {
          200: mfaPolicySchema,
          ...errorResponses,
          404: errorBodySchema.describe('ROLE_NOT_FOUND (a role that is not this tenant’s)'),
          422: errorBodySchema.describe('MFA_POLICY_INVALID'),
        },
      },
    },
    async (request) => deps.mfa.setPolicy(principalOf(request), request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/admin/users/:userId/mfa-reset',
    {
      preHandler: deps.guards.permission('users.edit'),
      schema: {
        tags: ['administration'],
        summary: "Reset a user's MFA: their authenticator and recovery codes are removed and they enrol again; they are told by email",
        security: signedInSecurity,
        params: z.object({ userId: idSchema }),
        response: { 204: noContent, ...errorResponses, 404: errorBodySchema.describe('USER_NOT_FOUND (also for another tenant’s user)') },
      },
    },
    async (request, reply) => {
      await deps.mfa.resetByAdministrator(principalOf(request), request.params.userId, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}

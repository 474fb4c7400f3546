import { changePasswordBodySchema, commonPasswordCheckBodySchema, commonPasswordCheckSchema, effectivePasswordPolicySchema } from '@lanyard/contracts/api';
import { errorBodySchema } from '@lanyard/contracts/common';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses, noContent, rateLimitedResponse } from '../http/openapi.ts';
import { rateLimit, type RateLimitRule } from '../http/rate-limit.ts';
import { behind, type AdmissionGate } from '../http/admission.ts';
import { consoleOriginOnly } from '../http/csrf.ts';
import type { RateLimiter } from '../rate-limits/rate-limiter.ts';
import { requestMeta } from '../http/request-meta.ts';
import type { PasswordsService } from './passwords-service.ts';

const policyViolation = { 422: errorBodySchema.describe('PASSWORD_POLICY_VIOLATED with details.failedRules') };

/** My password: the rules that apply to me, changing it, and the live common-password check. */
export function registerPasswordRoutes(
  app: App,
  deps: {
    passwords: PasswordsService;
    guards: Guards;
    rateLimiter: RateLimiter;
    authRateLimit: Omit<RateLimitRule, 'name'>;
    checkRateLimit: Omit<RateLimitRule, 'name'>;
    hashing: AdmissionGate;
    consoleOrigin: string;
  },
): void {
  // --- The signed-in user ---
  app.get(
    '/api/v1/me/password-policy',
    {
      preHandler: deps.guards.signedIn,
      config: { allowDuringPasswordChange: true },
      schema: {
        tags: ['passwords'],
        summary: 'The password rules that apply to me (my role’s, else my tenant’s), and when my password expires under them',
        security: [{ session: [] }],
        response: { 200: effectivePasswordPolicySchema, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const mine = await deps.passwords.myPolicy(principal.tenantId, principal.userId);
      return { passwordPolicy: mine.passwordPolicy, passwordExpiresAt: mine.passwordExpiresAt?.toISOString() ?? null };
    },
  );

  app.post(
    '/api/v1/me/password',
    {
      preHandler: deps.guards.signedIn,
      onRequest: [rateLimit(deps.rateLimiter, { name: 'change-password', ...deps.authRateLimit }), deps.hashing.enter],
      ...behind(deps.hashing),
      config: { allowDuringPasswordChange: true },
      schema: {
        tags: ['passwords'],
        summary: 'Change my password; my other sessions are signed out and an email confirms it',
        security: [{ session: [] }],
        body: changePasswordBodySchema,
        response: { 204: noContent, ...errorResponses, ...policyViolation, ...rateLimitedResponse },
      },
    },
    async (request, reply) => {
      await deps.passwords.changePassword(principalOf(request), request.body.currentPassword, request.body.newPassword, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  // --- The live checklist (signed in or not: first access and reset use it too) ---
  app.post(
    '/api/v1/passwords/common-check',
    {
      onRequest: [consoleOriginOnly(deps.consoleOrigin), rateLimit(deps.rateLimiter, { name: 'common-password-check', ...deps.checkRateLimit })],
      schema: {
        tags: ['passwords'],
        summary: 'Whether a password is on the list of common and breached passwords (the console’s live checklist; same origin only)',
        body: commonPasswordCheckBodySchema,
        response: { 200: commonPasswordCheckSchema, ...errorResponses, 403: errorBodySchema.describe('CSRF_REJECTED: not from the console’s origin'), ...rateLimitedResponse },
      },
    },
    async (request, reply) => {
      const common = await deps.passwords.isCommonPassword(request.body.password);
      return reply.header('cache-control', 'no-store').send({ common });
    },
  );
}

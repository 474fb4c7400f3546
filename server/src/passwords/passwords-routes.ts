import {
  changePasswordBodySchema,
  commonPasswordCheckBodySchema,
  commonPasswordCheckSchema,
  effectivePasswordPolicySchema,
  forgotPasswordBodySchema,
  passwordPolicySettingsSchema,
  resetInfoSchema,
  resetPasswordBodySchema,
  updateRolePasswordPolicyBodySchema,
  updateTenantPasswordPolicyBodySchema,
} from '@lanyard/contracts/api';
import { unlockCodeSchema } from '@lanyard/contracts/admin';
import { errorBodySchema, idSchema, tokenSchema } from '@lanyard/contracts/common';
import { z } from 'zod';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses, noContent, rateLimitedResponse } from '../http/openapi.ts';
import { rateLimit, type RateLimitRule } from '../http/rate-limit.ts';
import { behind, type AdmissionGate } from '../http/admission.ts';
import { consoleOriginOnly } from '../http/csrf.ts';
import type { RateLimiter } from '../rate-limits/rate-limiter.ts';
import { requestMeta } from '../http/request-meta.ts';
import type { PasswordsService } from './passwords-service.ts';

const resetErrors = {
  404: errorBodySchema.describe('RESET_LINK_NOT_FOUND'),
  410: errorBodySchema.describe('RESET_LINK_EXPIRED, RESET_LINK_USED'),
};
const policyViolation = { 422: errorBodySchema.describe('PASSWORD_POLICY_VIOLATED with details.failedRules') };

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

  // --- Forgotten password ---
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
      await deps.passwords.requestReset(request.body.username, requestMeta(request));
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
      const { reset, user, passwordPolicy } = await deps.passwords.describeReset(request.params.token);
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
      await deps.passwords.resetPassword(request.body.token, request.body.newPassword, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  // --- Administration ---
  const userParams = z.object({ userId: idSchema });
  app.post(
    '/api/v1/admin/users/:userId/password-reset',
    {
      preHandler: deps.guards.permission('users.edit'),
      schema: {
        tags: ['administration'],
        summary: 'Email the user a password reset link',
        security: [{ session: [] }],
        params: userParams,
        response: {
          202: z.object({ expiresAt: z.iso.datetime() }),
          ...errorResponses,
          404: errorBodySchema.describe('USER_NOT_FOUND'),
          409: errorBodySchema.describe('USER_NOT_ACTIVE'),
        },
      },
    },
    async (request, reply) => {
      const { expiresAt } = await deps.passwords.sendResetAsAdministrator(principalOf(request), request.params.userId, requestMeta(request));
      return reply.status(202).send({ expiresAt: expiresAt.toISOString() });
    },
  );

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
      await deps.passwords.unlock(principalOf(request), request.params.userId, requestMeta(request));
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
      const { code, expiresAt } = await deps.passwords.issueUnlockCode(principalOf(request), request.params.userId, requestMeta(request));
      return reply.status(201).header('cache-control', 'no-store').send({ code, expiresAt: expiresAt.toISOString() });
    },
  );

  app.get(
    '/api/v1/admin/security/password-policy',
    {
      preHandler: deps.guards.permission('security.policies.manage'),
      schema: {
        tags: ['administration'],
        summary: "The tenant's password policy, each role's override, and the presets",
        security: [{ session: [] }],
        response: { 200: passwordPolicySettingsSchema, ...errorResponses },
      },
    },
    async (request) => deps.passwords.getPolicySettings(principalOf(request).tenantId),
  );

  app.put(
    '/api/v1/admin/security/password-policy',
    {
      preHandler: deps.guards.permission('security.policies.manage'),
      schema: {
        tags: ['administration'],
        summary: "Replace the tenant's password policy (members who no longer comply change at next sign-in)",
        security: [{ session: [] }],
        body: updateTenantPasswordPolicyBodySchema,
        response: { 204: noContent, ...errorResponses, 422: errorBodySchema.describe('PASSWORD_POLICY_INVALID') },
      },
    },
    async (request, reply) => {
      await deps.passwords.setTenantPolicy(principalOf(request), request.body.passwordPolicy, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/v1/admin/roles/:roleId/password-policy',
    {
      preHandler: deps.guards.permission('security.policies.manage'),
      schema: {
        tags: ['administration'],
        summary: "Set a role's password policy override, or null to follow the tenant's",
        security: [{ session: [] }],
        params: z.object({ roleId: idSchema }),
        body: updateRolePasswordPolicyBodySchema,
        response: { 204: noContent, ...errorResponses, 404: errorBodySchema.describe('ROLE_NOT_FOUND'), 422: errorBodySchema.describe('PASSWORD_POLICY_INVALID') },
      },
    },
    async (request, reply) => {
      await deps.passwords.setRolePolicy(principalOf(request), request.params.roleId, request.body.passwordPolicy, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}

import {
  accountPatchSchema,
  accountSchema,
  emailChangeAcceptedSchema,
  emailChangeBodySchema,
  emailConfirmBodySchema,
  preferencesBodySchema,
  preferencesSchema,
} from '@lanyard/contracts/account';
import { errorBodySchema } from '@lanyard/contracts/common';
import { behind, type AdmissionGate } from '../http/admission.ts';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses, noContent, rateLimitedResponse, signedInSecurity } from '../http/openapi.ts';
import { rateLimit, type RateLimitRule } from '../http/rate-limit.ts';
import { requestMeta } from '../http/request-meta.ts';
import type { RateLimiter } from '../rate-limits/rate-limiter.ts';
import type { AccountService } from './account-service.ts';

/** My Profile › Account (details, email change) and › Accessibility (preferences). */
export function registerAccountRoutes(
  app: App,
  deps: { account: AccountService; guards: Guards; rateLimiter: RateLimiter; authRateLimit: Omit<RateLimitRule, 'name'>; hashing: AdmissionGate },
): void {
  app.get(
    '/api/v1/me/account',
    {
      preHandler: deps.guards.signedIn,
      schema: {
        tags: ['profile'],
        summary: 'My account details: names, email (and the address waiting for confirmation), location, time zone, language, dialing pattern, WFM notifications, and what I may edit',
        description: '`wfmNotifications` is null without the permission profile.wfmNotifications.',
        security: signedInSecurity,
        response: { 200: accountSchema, ...errorResponses },
      },
    },
    async (request) => deps.account.getAccount(principalOf(request)),
  );

  app.patch(
    '/api/v1/me/account',
    {
      preHandler: deps.guards.signedIn,
      schema: {
        tags: ['profile'],
        summary: 'Change my account details (any of the fields)',
        description: [
          'Names, location, time zone and language need profile.edit; defaultDialingPattern needs profile.edit and',
          'profile.dialingPattern.edit; wfmNotifications needs profile.wfmNotifications. If any field needs a permission',
          'the caller lacks, the answer is 403 PERMISSION_DENIED (details.missing) and nothing changes. The time zone must be',
          'an IANA name (TIME_ZONE_INVALID), the language a BCP 47 tag (LANGUAGE_INVALID, stored in canonical form), the',
          'interval 1–120 minutes (WFM_INTERVAL_INVALID). The email changes through POST /api/v1/me/email.',
        ].join(' '),
        security: signedInSecurity,
        body: accountPatchSchema,
        response: { 200: accountSchema, ...errorResponses, 422: errorBodySchema.describe('TIME_ZONE_INVALID, LANGUAGE_INVALID, WFM_INTERVAL_INVALID') },
      },
    },
    async (request) => deps.account.updateAccount(principalOf(request), request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/me/email',
    {
      preHandler: deps.guards.signedIn,
      onRequest: [rateLimit(deps.rateLimiter, { name: 'email-change', ...deps.authRateLimit }), deps.hashing.enter],
      ...behind(deps.hashing),
      schema: {
        tags: ['profile'],
        summary: 'Change my email address: a confirmation link (single use, 24 hours) goes to the new address and a notice to the old one',
        description: 'Needs the current password (counted toward the lockout). The address changes only when the link is followed (POST /api/v1/me/email/confirm); a newer request replaces the older link.',
        security: signedInSecurity,
        body: emailChangeBodySchema,
        response: {
          202: emailChangeAcceptedSchema,
          ...errorResponses,
          403: errorBodySchema.describe('CURRENT_PASSWORD_INCORRECT, ACCOUNT_LOCKED, CSRF_REJECTED'),
          422: errorBodySchema.describe('EMAIL_UNCHANGED'),
          ...rateLimitedResponse,
        },
      },
    },
    async (request, reply) => {
      const accepted = await deps.account.requestEmailChange(principalOf(request), request.body, requestMeta(request));
      return reply.status(202).send({ pendingEmail: accepted.pendingEmail, expiresAt: accepted.expiresAt.toISOString() });
    },
  );

  app.post(
    '/api/v1/me/email/confirm',
    {
      onRequest: rateLimit(deps.rateLimiter, { name: 'email-confirm', ...deps.authRateLimit }),
      schema: {
        tags: ['profile'],
        summary: 'Follow an email confirmation link: the account takes the new address',
        description: 'The token is the last segment of the emailed /confirm-email/{token} link; no sign-in is needed (the link may be opened in another browser).',
        body: emailConfirmBodySchema,
        response: {
          204: noContent,
          ...errorResponses,
          404: errorBodySchema.describe('EMAIL_CHANGE_LINK_NOT_FOUND'),
          410: errorBodySchema.describe('EMAIL_CHANGE_LINK_EXPIRED, EMAIL_CHANGE_LINK_USED'),
          ...rateLimitedResponse,
        },
      },
    },
    async (request, reply) => {
      await deps.account.confirmEmailChange(request.body.token, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/me/preferences',
    {
      preHandler: deps.guards.signedIn,
      config: { allowDuringPasswordChange: true },
      schema: {
        tags: ['profile'],
        summary: 'My console preferences: toast message duration, reduced motion, high contrast, text size',
        security: signedInSecurity,
        response: { 200: preferencesSchema, ...errorResponses },
      },
    },
    async (request) => deps.account.getPreferences(principalOf(request).userId),
  );

  app.put(
    '/api/v1/me/preferences',
    {
      preHandler: deps.guards.signedIn,
      schema: {
        tags: ['profile'],
        summary: 'Store my console preferences (they follow me to any browser)',
        description: 'toastDurationSeconds must be a whole number from 1 to 10 (PREFERENCES_INVALID).',
        security: signedInSecurity,
        body: preferencesBodySchema,
        response: { 200: preferencesSchema, ...errorResponses, 422: errorBodySchema.describe('PREFERENCES_INVALID') },
      },
    },
    async (request) => deps.account.putPreferences(principalOf(request).userId, request.body),
  );
}

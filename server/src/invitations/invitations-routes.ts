import { acceptInvitationBodySchema, invitationInfoSchema } from '@lanyard/contracts/api';
import { errorBodySchema, tokenSchema } from '@lanyard/contracts/common';
import { z } from 'zod';
import type { App } from '../http/fastify-types.ts';
import { behind, type AdmissionGate } from '../http/admission.ts';
import { errorResponses, noContent, rateLimitedResponse } from '../http/openapi.ts';
import { rateLimit, type RateLimitRule } from '../http/rate-limit.ts';
import type { RateLimiter } from '../rate-limits/rate-limiter.ts';
import type { InvitationsService } from './invitations-service.ts';

const params = z.object({ token: tokenSchema });
const invitationErrors = {
  ...errorResponses,
  404: errorBodySchema.describe('INVITATION_NOT_FOUND'),
  410: errorBodySchema.describe('INVITATION_EXPIRED, INVITATION_USED, INVITATION_REVOKED'),
};

/** First access: a person follows the link in their invitation email and sets their first password. */
export function registerInvitationRoutes(
  app: App,
  deps: { invitations: InvitationsService; hashing: AdmissionGate; rateLimiter: RateLimiter; authRateLimit: Omit<RateLimitRule, 'name'> },
): void {
  app.get(
    '/api/v1/invitations/:token',
    {
      onRequest: rateLimit(deps.rateLimiter, { name: 'invitation-lookup', ...deps.authRateLimit }),
      schema: {
        tags: ['invitations'],
        summary: 'Describe a pending invitation (username, tenant, password rules, expiry)',
        params,
        response: { 200: invitationInfoSchema, ...invitationErrors, ...rateLimitedResponse },
      },
    },
    async (request, reply) => {
      const { user, tenant, invitation, passwordPolicy } = await deps.invitations.describeInvitation(request.params.token);
      return reply.header('cache-control', 'no-store').send({
        username: user.username,
        email: user.email,
        firstName: user.firstName,
        lastName: user.lastName,
        tenant: { id: tenant.id, name: tenant.name },
        expiresAt: invitation.expiresAt.toISOString(),
        passwordPolicy,
      });
    },
  );

  app.post(
    '/api/v1/invitations/:token/accept',
    {
      onRequest: [rateLimit(deps.rateLimiter, { name: 'invitation-accept', ...deps.authRateLimit }), deps.hashing.enter],
      ...behind(deps.hashing),
      schema: {
        tags: ['invitations'],
        summary: 'Accept an invitation by setting the first password',
        params,
        body: acceptInvitationBodySchema,
        response: { 204: noContent, ...invitationErrors, 422: errorBodySchema.describe('PASSWORD_POLICY_VIOLATED with details.failedRules'), ...rateLimitedResponse },
      },
    },
    async (request, reply) => {
      await deps.invitations.acceptInvitation(request.params.token, request.body.password);
      return reply.status(204).send(null);
    },
  );
}

import { inviteUserBodySchema, inviteUserResponseSchema, invitationSummarySchema } from '@lanyard/contracts/api';
import { errorBodySchema, idSchema } from '@lanyard/contracts/common';
import { z } from 'zod';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses, signedInSecurity } from '../http/openapi.ts';
import type { InvitationsService, IssuedInvitation } from './invitations-service.ts';

function summary(issued: IssuedInvitation) {
  return {
    user: { id: issued.user.id, username: issued.user.username, email: issued.user.email, status: issued.user.status },
    invitation: { id: issued.invitation.id, userId: issued.user.id, expiresAt: issued.invitation.expiresAt.toISOString() },
  };
}

/** Inviting users into the administrator's own tenant, and resending invitations. The link goes out by email only. */
export function registerUserAdminRoutes(app: App, deps: { invitations: InvitationsService; guards: Guards }): void {
  app.post(
    '/api/v1/admin/users',
    {
      preHandler: deps.guards.permission('users.invite'),
      schema: {
        tags: ['administration'],
        summary: 'Invite a user: creates the account and emails a first-access link; with `ssoOnly` the account signs in through single sign-on only (no password, no link; the email says so)',
        security: signedInSecurity,
        body: inviteUserBodySchema,
        response: {
          201: inviteUserResponseSchema,
          ...errorResponses,
          404: errorBodySchema.describe('ROLE_NOT_FOUND, TEAM_NOT_FOUND'),
          409: errorBodySchema.describe('USERNAME_TAKEN'),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (request.body.ssoOnly === true) {
        const { user } = await deps.invitations.createSsoOnlyUser(principal.tenantId, request.body, principal);
        return reply.status(201).send({ user: { id: user.id, username: user.username, email: user.email, status: 'sso_only' }, invitation: null });
      }
      const issued = await deps.invitations.inviteUser(principal.tenantId, request.body, principal);
      return reply.status(201).send(summary(issued));
    },
  );

  app.post(
    '/api/v1/admin/users/:userId/invitation',
    {
      preHandler: deps.guards.permission('users.invite'),
      schema: {
        tags: ['administration'],
        summary: 'Resend the invitation: a new link is emailed and every older link stops working',
        security: signedInSecurity,
        params: z.object({ userId: idSchema }),
        response: {
          201: invitationSummarySchema,
          ...errorResponses,
          404: errorBodySchema.describe('USER_NOT_FOUND'),
          409: errorBodySchema.describe('INVITATION_NOT_PENDING'),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const issued = await deps.invitations.resendInvitation(principal.tenantId, request.params.userId, principal);
      return reply.status(201).send(summary(issued).invitation);
    },
  );
}

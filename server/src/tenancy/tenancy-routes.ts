import { errorBodySchema } from '@lanyard/contracts/common';
import {
  addExistingUserBodySchema,
  membershipInvitationParamsSchema,
  membershipInvitationSchema,
  membershipInvitationSentSchema,
  myTenantSchema,
  switchedTenantSchema,
  tenantChoiceBodySchema,
} from '@lanyard/contracts/tenancy';
import { z } from 'zod';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses, noContent, signedInSecurity } from '../http/openapi.ts';
import { requestMeta } from '../http/request-meta.ts';
import type { TenancyService } from './tenancy-service.ts';

const otherRegion = { 421: errorBodySchema.describe('TENANT_IN_OTHER_REGION (details: region, consoleUrl)') };

export function registerTenancyRoutes(app: App, deps: { tenancy: TenancyService; guards: Guards }): void {
  app.get(
    '/api/v1/me/tenants',
    {
      preHandler: deps.guards.signedIn,
      schema: {
        tags: ['profile'],
        summary: 'The tenants I belong to, my role in each, the one I land in at sign-in (isDefault) and the one this session acts in (current)',
        security: signedInSecurity,
        response: { 200: z.object({ items: z.array(myTenantSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ items: await deps.tenancy.myTenants(principalOf(request)) }),
  );

  app.post(
    '/api/v1/me/tenant',
    {
      preHandler: deps.guards.signedIn,
      schema: {
        tags: ['profile'],
        summary: "Switch this console session to another of my tenants: from the next request on, that membership's role, permissions and policies apply",
        description:
          'Tokens stay scoped to the tenant they were issued in: a bearer token gets PERMISSION_DENIED. The presence reason list check of the sign-in applies, and so does its MFA rule: where the MFA policy requires a factor of my role there and I have none, the answer is `403 MFA_ENROLLMENT_REQUIRED` and the session stays where it is; `error.details` holds a single-use forced-enrolment `challenge` (5 minutes) and the tenant\'s `allowedPeriods`, for `/api/v1/auth/login/mfa/enrolment` and `/api/v1/auth/login/mfa`, whose completion opens a session in that tenant and ends this one. Where I have a factor but this session was opened without it (single sign-on, or signed in before enrolling), the answer is `403 MFA_CODE_REQUIRED` with a code `challenge` for `/api/v1/auth/login/mfa`, completed the same way.',
        security: signedInSecurity,
        body: tenantChoiceBodySchema,
        response: {
          200: switchedTenantSchema,
          ...errorResponses,
          403: errorBodySchema.describe('TENANT_MEMBERSHIP_REQUIRED, PRESENCE_REASON_LIST_REQUIRED, MFA_ENROLLMENT_REQUIRED (details: challenge, allowedPeriods), MFA_CODE_REQUIRED (details: challenge), PERMISSION_DENIED (a bearer token), CSRF_REJECTED'),
          ...otherRegion,
        },
      },
    },
    async (request) => deps.tenancy.switchTenant(principalOf(request), request.body.tenantId, requestMeta(request)),
  );

  app.put(
    '/api/v1/me/default-tenant',
    {
      preHandler: deps.guards.signedIn,
      schema: {
        tags: ['profile'],
        summary: 'Choose the tenant my sign-ins land in',
        security: signedInSecurity,
        body: tenantChoiceBodySchema,
        response: { 204: noContent, ...errorResponses, 403: errorBodySchema.describe('TENANT_MEMBERSHIP_REQUIRED, CSRF_REJECTED'), ...otherRegion },
      },
    },
    async (request, reply) => {
      await deps.tenancy.setDefaultTenant(principalOf(request), request.body.tenantId, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/admin/users/memberships',
    {
      preHandler: deps.guards.permission('users.invite'),
      schema: {
        tags: ['administration'],
        summary: 'Invite an existing account (by username, or an email only one account has) to join this tenant with a role; it joins only when the person accepts',
        description:
          'The answer is `202 {}` whether or not such an account exists, is already a member, or was invited before (SPEC §3.12). An account that exists and is not a member gets a pending invitation (open 7 days; a new one replaces it) and an email linking to My Profile, where the person accepts or declines it, signed in. The role must be one the caller could grant (`ROLE_NOT_GRANTABLE`); the role and team must be this tenant\'s.',
        security: signedInSecurity,
        body: addExistingUserBodySchema,
        response: {
          202: membershipInvitationSentSchema.describe('Sent, if there is someone to send it to'),
          ...errorResponses,
          403: errorBodySchema.describe('ROLE_NOT_GRANTABLE, PERMISSION_DENIED, CSRF_REJECTED'),
          404: errorBodySchema.describe('ROLE_NOT_FOUND, TEAM_NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      await deps.tenancy.inviteExistingUser(principalOf(request), request.body, requestMeta(request));
      return reply.status(202).send({});
    },
  );

  app.get(
    '/api/v1/me/membership-invitations',
    {
      preHandler: deps.guards.signedIn,
      schema: {
        tags: ['profile'],
        summary: 'My pending invitations to join another tenant (not yet accepted, declined or expired), newest first',
        security: signedInSecurity,
        response: { 200: z.object({ items: z.array(membershipInvitationSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ items: await deps.tenancy.myInvitations(principalOf(request)) }),
  );

  for (const [path, answer, summary] of [
    ['accept', 'accepted', 'Accept an invitation to join a tenant: the membership is active at once, with the role (and team) it names'],
    ['decline', 'declined', 'Decline an invitation to join a tenant: nothing changes, and the invitation is closed'],
  ] as const) {
    app.post(
      `/api/v1/me/membership-invitations/:invitationId/${path}`,
      {
        preHandler: deps.guards.signedIn,
        schema: {
          tags: ['profile'],
          summary,
          description: 'From a console session only: a bearer token may list invitations but not answer them (`PERMISSION_DENIED`). An invitation answers once; another person\'s, an expired, accepted or declined one is `404 MEMBERSHIP_INVITATION_NOT_FOUND`.',
          security: signedInSecurity,
          params: membershipInvitationParamsSchema,
          response: {
            204: noContent,
            ...errorResponses,
            403: errorBodySchema.describe('PERMISSION_DENIED (a bearer token), CSRF_REJECTED'),
            404: errorBodySchema.describe('MEMBERSHIP_INVITATION_NOT_FOUND'),
            ...(answer === 'accepted' ? { 409: errorBodySchema.describe('USER_ALREADY_MEMBER') } : {}),
          },
        },
      },
      async (request, reply) => {
        await deps.tenancy.answerInvitation(principalOf(request), request.params.invitationId, answer, requestMeta(request));
        return reply.status(204).send(null);
      },
    );
  }
}

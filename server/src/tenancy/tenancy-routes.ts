import { errorBodySchema } from '@lanyard/contracts/common';
import { addedMemberSchema, addExistingUserBodySchema, myTenantSchema, switchedTenantSchema, tenantChoiceBodySchema } from '@lanyard/contracts/tenancy';
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
        summary: 'Give an existing user (by username, or an email only one user has) access to this tenant with a role; no second account, and they are told by email',
        security: signedInSecurity,
        body: addExistingUserBodySchema,
        response: {
          201: addedMemberSchema,
          ...errorResponses,
          403: errorBodySchema.describe('ROLE_NOT_GRANTABLE, PERMISSION_DENIED, CSRF_REJECTED'),
          404: errorBodySchema.describe('USER_NOT_FOUND, ROLE_NOT_FOUND, TEAM_NOT_FOUND'),
          409: errorBodySchema.describe('USER_ALREADY_MEMBER'),
        },
      },
    },
    async (request, reply) => reply.status(201).send(await deps.tenancy.addExistingUser(principalOf(request), request.body, requestMeta(request))),
  );
}

import { accessKeyPolicySchema, invitationPolicySchema, lockoutPolicySchema, loginMethodsSchema, sessionPolicySchema } from '@lanyard/contracts/admin';
import { passwordPolicySettingsSchema, updateRolePasswordPolicyBodySchema, updateTenantPasswordPolicyBodySchema } from '@lanyard/contracts/api';
import { errorBodySchema, idSchema } from '@lanyard/contracts/common';
import { z } from 'zod';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses, noContent, signedInSecurity } from '../http/openapi.ts';
import { requestMeta } from '../http/request-meta.ts';
import type { SecurityPoliciesService } from './security-policies-service.ts';

const base = '/api/v1/admin/security';

/** The OpenAPI description of one policy's GET and PUT. */
function describe<S>(schema: S, what: string, effect: string) {
  return {
    get: { tags: ['administration'], summary: `The tenant's ${what}`, security: signedInSecurity, response: { 200: schema, ...errorResponses } },
    put: {
      tags: ['administration'],
      summary: `Replace the tenant's ${what} (takes effect for ${effect})`,
      security: signedInSecurity,
      body: schema,
      response: { 204: noContent, ...errorResponses, 422: errorBodySchema.describe('SECURITY_POLICY_INVALID') },
    },
  };
}

/** The session, access-key, invitation, lockout and password policies (the tenant's, and each role's override). */
export function registerSecurityPolicyRoutes(app: App, deps: { policies: SecurityPoliciesService; guards: Guards }): void {
  const preHandler = deps.guards.permission('security.policies.manage');
  const { policies } = deps;

  const session = describe(sessionPolicySchema, 'session policy (idle timeout, absolute lifetime)', 'new sessions; a shorter limit also shortens open sessions');
  app.get(`${base}/session-policy`, { preHandler, schema: session.get }, async (request) => policies.session.get(principalOf(request).tenantId));
  app.put(`${base}/session-policy`, { preHandler, schema: session.put }, async (request, reply) => {
    await policies.session.set(principalOf(request), request.body, requestMeta(request));
    return reply.status(204).send(null);
  });

  const accessKeys = describe(accessKeyPolicySchema, 'access-key policy (keys per user, maximum key lifetime, token lifetime)', 'the next key created and the next token issued');
  app.get(`${base}/access-key-policy`, { preHandler, schema: accessKeys.get }, async (request) => policies.accessKeys.get(principalOf(request).tenantId));
  app.put(`${base}/access-key-policy`, { preHandler, schema: accessKeys.put }, async (request, reply) => {
    await policies.accessKeys.set(principalOf(request), request.body, requestMeta(request));
    return reply.status(204).send(null);
  });

  const invitation = describe(invitationPolicySchema, 'invitation lifetime', 'invitations sent or resent from now on');
  app.get(`${base}/invitation-policy`, { preHandler, schema: invitation.get }, async (request) => policies.invitation.get(principalOf(request).tenantId));
  app.put(`${base}/invitation-policy`, { preHandler, schema: invitation.put }, async (request, reply) => {
    await policies.invitation.set(principalOf(request), request.body, requestMeta(request));
    return reply.status(204).send(null);
  });

  const lockout = describe(lockoutPolicySchema, 'lockout policy (failures before a lock, lock duration)', 'the next password attempt');
  app.get(`${base}/lockout-policy`, { preHandler, schema: lockout.get }, async (request) => policies.lockout.get(principalOf(request).tenantId));
  app.put(`${base}/lockout-policy`, { preHandler, schema: lockout.put }, async (request, reply) => {
    await policies.lockout.set(principalOf(request), request.body, requestMeta(request));
    return reply.status(204).send(null);
  });

  const loginMethods = describe(loginMethodsSchema, 'login methods (password sign-in enabled, or disabled: SSO only)', 'the next password sign-in; a member\'s `passwordLogin` override wins');
  app.get(`${base}/login-methods`, { preHandler, schema: loginMethods.get }, async (request) => policies.loginMethods.get(principalOf(request).tenantId));
  app.put(`${base}/login-methods`, { preHandler, schema: loginMethods.put }, async (request, reply) => {
    await policies.loginMethods.set(principalOf(request), request.body, requestMeta(request));
    return reply.status(204).send(null);
  });

  registerPasswordPolicyRoutes(app, deps);
}

/** Security › Password policy: the tenant's policy, the roles' overrides, the presets. */
function registerPasswordPolicyRoutes(app: App, deps: { policies: SecurityPoliciesService; guards: Guards }): void {
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
    async (request) => deps.policies.getPolicySettings(principalOf(request).tenantId),
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
      await deps.policies.setTenantPolicy(principalOf(request), request.body.passwordPolicy, requestMeta(request));
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
      await deps.policies.setRolePolicy(principalOf(request), request.params.roleId, request.body.passwordPolicy, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}

import { accessKeyPolicySchema, invitationPolicySchema, lockoutPolicySchema, loginMethodsSchema, sessionPolicySchema } from '@lanyard/contracts/admin';
import { errorBodySchema } from '@lanyard/contracts/common';
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

/** The session, access-key, invitation and lockout policies, beside /api/v1/admin/security/password-policy. */
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
}

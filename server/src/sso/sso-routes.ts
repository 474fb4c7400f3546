import { errorBodySchema, idSchema } from '@lanyard/contracts/common';
import {
  authorizationUrlSchema,
  connectionTestSchema,
  createIdentityProviderBodySchema,
  deleteIdentityLinkBodySchema,
  identityLinksSchema,
  identityProviderSchema,
  linkableIdentityProvidersSchema,
  ssoStartBodySchema,
  ssoStartQuerySchema,
  startIdentityLinkBodySchema,
  updateIdentityProviderBodySchema,
} from '@lanyard/contracts/sso';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { principalOf, type CookieSettings, type Guards } from '../http/authentication.ts';
import { refuseMalformedQuery } from '../http/input-edge.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses, noContent, rateLimitedResponse, signedInSecurity } from '../http/openapi.ts';
import { rateLimit, type RateLimitRule } from '../http/rate-limit.ts';
import { requestMeta } from '../http/request-meta.ts';
import type { RateLimiter } from '../rate-limits/rate-limiter.ts';
import type { IdentityProvidersService } from './identity-providers-service.ts';
import type { SsoService } from './sso-service.ts';
import { flowLifetimeMs } from './sso-service.ts';
import { flowCookieName, redirectUriOf, ssoCallbackPath, type IdentityProvider } from './sso.ts';

const providerParams = z.object({ id: idSchema });
const notFound = { 404: errorBodySchema.describe('IDENTITY_PROVIDER_NOT_FOUND') };
const invalid = {
  409: errorBodySchema.describe('EMAIL_DOMAIN_CLAIMED (an email domain another tenant of this deployment claims)'),
  422: errorBodySchema.describe('IDENTITY_PROVIDER_INVALID (an email domain another provider of the tenant claims)'),
};

export function registerSsoRoutes(
  app: App,
  deps: { sso: SsoService; providers: IdentityProvidersService; guards: Guards; cookie: CookieSettings; publicUrl: URL; rateLimiter: RateLimiter; authRateLimit: Omit<RateLimitRule, 'name'> },
): void {
  const manage = deps.guards.permission('identityProviders.manage');
  const redirectUri = redirectUriOf(deps.publicUrl);
  const flowCookie = flowCookieName(deps.cookie.secure);
  const view = (provider: IdentityProvider) => ({
    id: provider.id,
    name: provider.name,
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecretSet: true,
    scopes: provider.scopes,
    emailDomains: provider.emailDomains,
    buttonLabel: provider.buttonLabel,
    isDefault: provider.isDefault,
    autoLinkVerifiedEmail: provider.autoLinkVerifiedEmail,
    mfaAssurance: provider.mfaAssurance,
    redirectUri,
    createdAt: provider.createdAt.toISOString(),
    updatedAt: provider.updatedAt.toISOString(),
  });

  const setFlowCookie = (reply: FastifyReply, reference: string) => {
    void reply.setCookie(flowCookie, reference, { httpOnly: true, sameSite: 'lax', secure: deps.cookie.secure, path: ssoCallbackPath, maxAge: Math.floor(flowLifetimeMs / 1000) });
  };

  // --- Administration › Identity providers ---
  app.get(
    '/api/v1/admin/identity-providers',
    { preHandler: manage, schema: { tags: ['administration'], summary: "The tenant's OpenID Connect identity providers (never their client secrets)", security: signedInSecurity, response: { 200: z.object({ items: z.array(identityProviderSchema) }), ...errorResponses } } },
    async (request) => ({ items: (await deps.providers.list(principalOf(request).tenantId)).map(view) }),
  );

  app.post(
    '/api/v1/admin/identity-providers',
    {
      preHandler: manage,
      schema: {
        tags: ['administration'],
        summary: 'Add an OpenID Connect identity provider (the client secret is stored encrypted and never answered)',
        security: signedInSecurity,
        body: createIdentityProviderBodySchema,
        response: { 201: identityProviderSchema, ...errorResponses, ...invalid },
      },
    },
    async (request, reply) => reply.status(201).send(view(await deps.providers.create(principalOf(request), request.body, requestMeta(request)))),
  );

  app.patch(
    '/api/v1/admin/identity-providers/:id',
    {
      preHandler: manage,
      schema: {
        tags: ['administration'],
        summary: 'Change an identity provider (a new clientSecret replaces the stored one)',
        security: signedInSecurity,
        params: providerParams,
        body: updateIdentityProviderBodySchema,
        response: { 200: identityProviderSchema, ...errorResponses, ...notFound, ...invalid },
      },
    },
    async (request) => view(await deps.providers.update(principalOf(request), request.params.id, request.body, requestMeta(request))),
  );

  app.delete(
    '/api/v1/admin/identity-providers/:id',
    {
      preHandler: manage,
      schema: { tags: ['administration'], summary: 'Remove an identity provider (its links go with it)', security: signedInSecurity, params: providerParams, response: { 204: noContent, ...errorResponses, ...notFound } },
    },
    async (request, reply) => {
      await deps.providers.remove(principalOf(request), request.params.id, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/admin/identity-providers/:id/test',
    {
      preHandler: manage,
      schema: {
        tags: ['administration'],
        summary: "Test connection: fetch the provider's discovery document and report each check (issuer match, endpoints, code flow, PKCE S256, signing algorithms) as a coded result",
        security: signedInSecurity,
        params: providerParams,
        response: { 200: connectionTestSchema, ...errorResponses, ...notFound },
      },
    },
    async (request) => deps.providers.test(principalOf(request), request.params.id, requestMeta(request)),
  );

  // --- Sign-in with SSO ---
  const startLimit = rateLimit(deps.rateLimiter, { name: 'sso-start', ...deps.authRateLimit });
  app.post(
    '/api/v1/auth/sso/start',
    {
      onRequest: [startLimit],
      schema: {
        tags: ['sign-in'],
        summary: "Start a single sign-on with a username or an email: the provider's authorization URL (code flow, PKCE S256, state, nonce) for the console's pop-up; sets the flow cookie",
        description:
          'Answers alike whether or not the account exists: where no provider serves the name, the URL leads to Lanyard\'s own callback, which then answers 401 SSO_FAILED (the reason, `no-provider`, in the audit log). 401 SSO_FAILED here only when a provider that serves the name cannot be reached.',
        body: ssoStartBodySchema,
        response: { 200: authorizationUrlSchema, ...errorResponses, 401: errorBodySchema.describe("SSO_FAILED (the provider's discovery failed)"), ...rateLimitedResponse },
      },
    },
    async (request, reply) => {
      const started = await deps.sso.start(request.body.username, request.body.returnTo, requestMeta(request));
      setFlowCookie(reply, started.reference);
      return reply.header('cache-control', 'no-store').send({ authorizationUrl: started.authorizationUrl });
    },
  );

  app.get(
    '/api/v1/auth/sso/start',
    {
      // The name is free text: a query whose percent-encoding is not UTF-8 is refused (400 MALFORMED_URL), not redirected.
      onRequest: [refuseMalformedQuery, startLimit],
      schema: {
        tags: ['sign-in'],
        summary: 'Start a single sign-on as a full-page redirect (where pop-ups are blocked): 303 to the provider (or, for a name no provider serves, to the callback, which fails); sets the flow cookie',
        querystring: ssoStartQuerySchema,
        response: { 303: z.null().describe('Redirect to the provider'), ...errorResponses, 400: errorBodySchema.describe('VALIDATION_FAILED, MALFORMED_URL'), 401: errorBodySchema.describe("SSO_FAILED (the provider's discovery failed)"), ...rateLimitedResponse },
      },
    },
    async (request, reply) => {
      const started = await deps.sso.start(request.query.username, request.query.returnTo, requestMeta(request));
      setFlowCookie(reply, started.reference);
      return reply.header('cache-control', 'no-store').redirect(started.authorizationUrl, 303);
    },
  );

  // The callback every provider returns to signs a person in: it is login/'s (login/sso-callback-routes.ts).

  // --- My Account: linked identity providers ---
  app.get(
    '/api/v1/me/identity-providers',
    {
      preHandler: deps.guards.permission('users.edit'),
      schema: {
        tags: ['me'],
        summary: "The tenant's identity providers I may link my account to (needs Users Edit): name and button label only",
        security: signedInSecurity,
        response: { 200: linkableIdentityProvidersSchema, ...errorResponses },
      },
    },
    async (request) => ({
      items: (await deps.providers.list(principalOf(request).tenantId)).map((provider) => ({ id: provider.id, name: provider.name, buttonLabel: provider.buttonLabel })),
    }),
  );

  app.get(
    '/api/v1/me/identity-links',
    { preHandler: deps.guards.signedIn, schema: { tags: ['me'], summary: 'The identity providers linked to my account', security: signedInSecurity, response: { 200: identityLinksSchema, ...errorResponses } } },
    async (request) => {
      const principal = principalOf(request);
      const [links, currentPasswordRequired] = await Promise.all([deps.sso.listLinks(principal), deps.sso.unlinkNeedsPassword(principal)]);
      return {
        items: links.map((link) => ({
          id: link.id,
          providerId: link.providerId,
          providerName: link.providerName,
          subject: link.subject,
          email: link.email,
          linkedAt: link.linkedAt.toISOString(),
        })),
        currentPasswordRequired,
      };
    },
  );

  app.post(
    '/api/v1/me/identity-links',
    {
      preHandler: deps.guards.permission('users.edit'),
      schema: {
        tags: ['me'],
        summary: "Link my account to an identity provider of my tenant: the provider's authorization URL; its callback binds (issuer, subject) to me",
        security: signedInSecurity,
        body: startIdentityLinkBodySchema,
        response: { 200: authorizationUrlSchema, ...errorResponses, ...notFound },
      },
    },
    async (request, reply) => {
      const started = await deps.sso.startLink(principalOf(request), request.body.providerId, request.body.returnTo, requestMeta(request));
      setFlowCookie(reply, started.reference);
      return reply.header('cache-control', 'no-store').send({ authorizationUrl: started.authorizationUrl });
    },
  );

  app.delete(
    '/api/v1/me/identity-links/:id',
    {
      preHandler: deps.guards.signedIn,
      schema: {
        tags: ['me'],
        summary: 'Unlink an identity provider (the current password, for a user who has one)',
        security: signedInSecurity,
        params: providerParams,
        body: deleteIdentityLinkBodySchema.optional(),
        response: {
          204: noContent,
          ...errorResponses,
          403: errorBodySchema.describe('CURRENT_PASSWORD_INCORRECT, ACCOUNT_LOCKED'),
          404: errorBodySchema.describe('IDENTITY_LINK_NOT_FOUND'),
          409: errorBodySchema.describe('IDENTITY_LINK_LAST'),
        },
      },
    },
    async (request: FastifyRequest<{ Params: { id: string }; Body: { currentPassword?: string } | undefined }>, reply) => {
      await deps.sso.unlink(principalOf(request), request.params.id, request.body?.currentPassword, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}

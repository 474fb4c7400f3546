import { randomUUID } from 'node:crypto';
import { registerAccessKeyRoutes } from './access-keys/access-keys-routes.ts';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type RouteHandlerMethod } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import type { Deps } from './deps.ts';
import { createGuards, runGuardsFirst, sessionCookieSettings } from './http/authentication.ts';
import { registerConsole } from './http/console.ts';
import { createCsrfCheck } from './http/csrf.ts';
import { clientErrorHandler, frameworkErrorHandler, registerErrorHandling } from './http/error-handler.ts';
import type { App } from './http/fastify-types.ts';
import { registerHealthRoutes } from './http/health-routes.ts';
import { trackInFlightHandlers } from './http/in-flight.ts';
import { edgeValidatorCompiler, refuseForeignCharsets, registerStrictJsonParser } from './http/input-edge.ts';
import { securityHeaders } from './http/security-headers.ts';
import { createAdmissionGate } from './http/admission.ts';
import { registerMetrics } from './http/metrics.ts';
import { registerOpenApi } from './http/openapi.ts';
import { responseSerializerCompiler } from './http/serialization.ts';
import { registerAuditRoutes } from './audit/audit-routes.ts';
import { registerLoginRoutes } from './login/login-routes.ts';
import { registerSsoCallbackRoutes } from './login/sso-callback-routes.ts';
import { registerMfaRoutes } from './mfa/mfa-routes.ts';
import { registerInvitationRoutes } from './invitations/invitations-routes.ts';
import { registerPasswordRoutes } from './passwords/passwords-routes.ts';
import { registerLockoutRoutes } from './lockout/lockout-routes.ts';
import { registerRecoveryRoutes } from './recovery/recovery-routes.ts';
import { registerProfileRoutes } from './profile/profile-routes.ts';
import { registerRoleRoutes } from './roles/roles-routes.ts';
import { registerSecurityPolicyRoutes } from './security-policies/security-policies-routes.ts';
import { registerSessionRoutes } from './sessions/sessions-routes.ts';
import { registerTeamRoutes } from './teams/teams-routes.ts';
import { registerSsoRoutes } from './sso/sso-routes.ts';
import { registerTokenRoutes } from './tokens/tokens-routes.ts';
import { registerUserAdminRoutes } from './invitations/invitations-admin-routes.ts';
import { registerUserImportRoutes } from './user-imports/user-imports-routes.ts';
import { registerDirectoryRoutes } from './directory/directory-routes.ts';
import { registerPresenceRoutes } from './presence/presence-routes.ts';
import { registerRegionGuard, registerRegionRoutes } from './regions/regions-routes.ts';
import { registerTenancyRoutes } from './tenancy/tenancy-routes.ts';
import { withinRequestScope } from './storage/database-faults.ts';
import { registerAccountRoutes } from './account/account-routes.ts';
import { registerAccessibilityFeedbackRoutes } from './accessibility-feedback/accessibility-feedback-routes.ts';
import { registerDownloadRoutes } from './downloads/downloads-routes.ts';

export interface BuildOptions {
  /** Directory of the built console; tests that do not need it pass undefined to skip static serving. */
  consoleDir?: string;
  /** The registry the metrics are kept in, for the listener of LANYARD_METRICS_PORT (main.ts); a new one otherwise. */
  metricsRegistry?: Registry;
}

/** Builds the HTTP application without listening, so tests drive it with inject(). */
export async function buildApp(deps: Deps, options: BuildOptions = {}): Promise<App> {
  const { config } = deps;
  const logger: FastifyBaseLogger = deps.logger;
  const https = config.publicUrl.protocol === 'https:';
  const app = Fastify({
    loggerInstance: logger,
    genReqId: () => randomUUID(),
    bodyLimit: 64 * 1024,
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: frameworkErrorHandler({ https }),
    clientErrorHandler: clientErrorHandler({ https, logger }),
  }).withTypeProvider<ZodTypeProvider>();

  trackInFlightHandlers(app);
  app.setValidatorCompiler(edgeValidatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  app.removeContentTypeParser('text/plain');
  registerStrictJsonParser(app);
  app.decorateRequest('principal', undefined);
  registerErrorHandling(app);
  // Every route handler runs in a scope of its own (see storage/database-faults.ts). Must be registered before any route.
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function scoped(this: ThisParameterType<RouteHandlerMethod>, request, reply) {
      return withinRequestScope(() => handler.call(this, request, reply));
    };
  });
  // Authentication and permissions before the body is read or validated (see runGuardsFirst). Before any route.
  app.addHook('onRoute', runGuardsFirst);

  await app.register(fastifyCookie);
  const cookie = sessionCookieSettings(config.secureCookies);
  const guards = createGuards({
    authenticator: { session: (token) => deps.sessions.authenticate(token), bearer: (token) => deps.tokens.authenticate(token) },
    cookie,
  });

  app.addHook('onRequest', createCsrfCheck(config.publicUrl.origin, cookie.name));
  app.addHook('preParsing', refuseForeignCharsets);
  const headers = securityHeaders({ https });
  app.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    void reply.headers(headers);
    if (request.url.startsWith('/api/v1/') && !reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    done(null, payload);
  });

  await registerOpenApi(app, config.version);
  // Before every route: a request naming a tenant of another region is answered 421 before it does anything.
  const peerQuestions = { rateLimiter: deps.rateLimiter, perMinute: config.discoveryRateLimitPerMinute };
  registerRegionGuard(app, { regions: deps.regions, peerQuestions });
  // One gate for every route that spends argon2 work: excess is shed before any of it is done.
  const hashing = createAdmissionGate(deps.hashingCapacity);
  registerMetrics(app, { mailStats: () => deps.mail.stats(), hashing: () => ({ admitted: hashing.inFlight(), ...deps.hasherStats() }) }, {
    token: config.metricsToken,
    registry: options.metricsRegistry,
    separate: config.metricsPort !== undefined,
  });
  registerHealthRoutes(app, deps);
  const authRateLimit = { limit: config.authRateLimitPerMinute, windowMs: 60_000 };
  registerInvitationRoutes(app, { invitations: deps.invitations, hashing, rateLimiter: deps.rateLimiter, authRateLimit });
  registerLoginRoutes(app, { password: deps.login.password, totp: deps.login.totp, cookie, rateLimiter: deps.rateLimiter, authRateLimit, hashing });
  registerSessionRoutes(app, { sessions: deps.sessions, cookie, guards });
  const checkRateLimit = { limit: config.passwordCheckRateLimitPerMinute, windowMs: 60_000 };
  registerPasswordRoutes(app, { passwords: deps.passwords, guards, rateLimiter: deps.rateLimiter, authRateLimit, checkRateLimit, hashing, consoleOrigin: config.publicUrl.origin });
  registerRecoveryRoutes(app, { recovery: deps.recovery, guards, rateLimiter: deps.rateLimiter, authRateLimit, hashing });
  registerLockoutRoutes(app, { lockout: deps.lockout, guards });
  registerProfileRoutes(app, { profile: deps.profile, guards });
  registerMfaRoutes(app, { mfa: deps.mfa, guards, rateLimiter: deps.rateLimiter, authRateLimit, hashing });
  registerUserAdminRoutes(app, { invitations: deps.invitations, guards });
  registerUserImportRoutes(app, { userImports: deps.userImports, guards });
  registerDirectoryRoutes(app, { directory: deps.directory, guards });
  registerRoleRoutes(app, { roles: deps.roles, guards });
  registerTeamRoutes(app, { teams: deps.teams, guards });
  registerSecurityPolicyRoutes(app, { policies: deps.securityPolicies, guards });
  registerAccessKeyRoutes(app, { accessKeys: deps.accessKeys, guards });
  await registerTokenRoutes(app, { tokens: deps.tokens, signingKeys: deps.signingKeys, issuer: deps.issuer });
  registerAuditRoutes(app, { audit: deps.audit, guards });
  registerPresenceRoutes(app, { presence: deps.presence, guards });
  registerTenancyRoutes(app, { tenancy: deps.tenancy, guards });
  registerRegionRoutes(app, { regions: deps.regions, peerQuestions });
  registerAccountRoutes(app, { account: deps.account, guards, rateLimiter: deps.rateLimiter, authRateLimit, hashing });
  registerAccessibilityFeedbackRoutes(app, { feedback: deps.accessibilityFeedback, guards, rateLimiter: deps.rateLimiter, sessionCookieName: cookie.name });
  registerDownloadRoutes(app, { downloads: deps.downloads, guards });
  registerSsoRoutes(app, { sso: deps.sso, providers: deps.identityProviders, guards, cookie, publicUrl: config.publicUrl, rateLimiter: deps.rateLimiter, authRateLimit });
  registerSsoCallbackRoutes(app, { oidc: deps.login.oidc, cookie, publicUrl: config.publicUrl, rateLimiter: deps.rateLimiter, authRateLimit });
  await registerConsole(app, options.consoleDir);

  await app.ready();
  return app;
}

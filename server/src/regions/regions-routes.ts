import { errorBodySchema, idSchema } from '@lanyard/contracts/common';
import { lanyardConfigurationQuerySchema, lanyardConfigurationSchema } from '@lanyard/contracts/regions';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.ts';
import type { App } from '../http/fastify-types.ts';
import { rateLimit } from '../http/rate-limit.ts';
import { clientNetwork, type RateLimiter } from '../rate-limits/rate-limiter.ts';
import type { BeforeAskingPeers, RegionsService } from './regions-service.ts';

/** What a request that makes this deployment ask its peers counts against: one limit per client network (LANYARD_DISCOVERY_RATE_LIMIT a minute). */
export interface PeerQuestionLimit {
  rateLimiter: RateLimiter;
  perMinute: number;
}

function limitPeerQuestions(limit: PeerQuestionLimit, request: FastifyRequest): BeforeAskingPeers {
  // One count per client network, whichever route made the question.
  const check = rateLimit(limit.rateLimiter, { name: 'region-peer-questions', limit: limit.perMinute, windowMs: 60_000, key: (each) => clientNetwork(each.ip) });
  return () => check(request);
}

const configurationPath = '/.well-known/lanyard-configuration';

/** The tenant id a request names (`tenantId`) in the given parts of it (its query, its JSON body), if it is a UUID. */
function namedTenant(sources: unknown[]): string | undefined {
  for (const source of sources) {
    if (typeof source !== 'object' || source === null) continue;
    const value = (source as Record<string, unknown>).tenantId;
    if (typeof value === 'string' && idSchema.safeParse(value).success) return value;
  }
  return undefined;
}

/**
 * Any /api/v1 request naming a tenant (`tenantId` in its query or body) homed in another region is refused with 421
 * TENANT_IN_OTHER_REGION `{region, consoleUrl}` before it does anything. Registered before the routes. The query
 * is judged in onRequest, before a route's authentication (which runs there too, http/authentication.ts), so a
 * client signed in or not learns where the tenant lives; a JSON body, once it is read (pre-handler).
 */
export function registerRegionGuard(app: App, deps: { regions: RegionsService; peerQuestions: PeerQuestionLimit }): void {
  const check = async (request: FastifyRequest, sources: unknown[]): Promise<void> => {
    if (!request.url.startsWith('/api/v1/')) return;
    const tenantId = namedTenant(sources);
    if (tenantId !== undefined) await deps.regions.assertServedHere(tenantId, limitPeerQuestions(deps.peerQuestions, request));
  };
  app.addHook('onRequest', async (request) => check(request, [request.query]));
  app.addHook('preHandler', async (request) => check(request, [request.body]));
}

export function registerRegionRoutes(app: App, deps: { regions: RegionsService; peerQuestions: PeerQuestionLimit }): void {
  app.get(
    configurationPath,
    {
      schema: {
        tags: ['regions'],
        summary: "Where a tenant is served: its region and the URLs of that region's console, API and token endpoints",
        description:
          'Answers for the tenants of this deployment and, by asking the peer regions (`LANYARD_PEER_REGIONS`; answers cached 5 minutes, unknown tenants 30 seconds), for the others. `scope=local` answers for this deployment only (how peers ask each other). A peer that does not answer within 1.5 s gives 503 REGION_UNAVAILABLE unless another region holds the tenant. Questions that make this deployment ask its peers (a tenant neither held here nor cached) are limited per client network (`LANYARD_DISCOVERY_RATE_LIMIT` a minute): 429 RATE_LIMITED past it.',
        querystring: lanyardConfigurationQuerySchema,
        response: {
          200: lanyardConfigurationSchema,
          400: errorBodySchema.describe('VALIDATION_FAILED'),
          404: errorBodySchema.describe('TENANT_NOT_FOUND'),
          429: errorBodySchema.describe('RATE_LIMITED (too many questions the peers had to answer, from this client network)'),
          503: errorBodySchema.describe('REGION_UNAVAILABLE (a peer region did not answer, and no other holds the tenant)'),
        },
      },
    },
    async (request, reply) => {
      const { tenantId, scope } = request.query;
      const configuration = scope === 'local' ? await deps.regions.localConfiguration(tenantId) : await deps.regions.locate(tenantId, limitPeerQuestions(deps.peerQuestions, request));
      if (configuration === undefined) throw new AppError('TENANT_NOT_FOUND', { details: { tenantId } });
      return reply.header('cache-control', 'public, max-age=60').send(configuration);
    },
  );
}

import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.ts';
import { clientNetwork, type RateLimiter } from '../rate-limits/rate-limiter.ts';

export interface RateLimitRule {
  /** Names the limit in keys and logs. */
  name: string;
  limit: number;
  windowMs: number;
  /** What is counted; default: the canonical route path and the client's network (IPv4, or IPv6 /64). */
  key?: (request: FastifyRequest) => string;
}

/** The client address Fastify resolved (forwarded headers are believed only from configured proxies). */
export function clientIpKey(request: FastifyRequest): string {
  return `${request.routeOptions.url ?? request.url}|${clientNetwork(request.ip)}`;
}

/** A pre-handler that answers RATE_LIMITED (429 + Retry-After) once a key exceeds its limit. */
export function rateLimit(limiter: RateLimiter, rule: RateLimitRule) {
  return async (request: FastifyRequest): Promise<void> => {
    const key = `${rule.name}|${(rule.key ?? clientIpKey)(request)}`;
    const decision = await limiter.hit(key, rule.limit, rule.windowMs);
    if (!decision.allowed) {
      throw new AppError('RATE_LIMITED', { headers: { 'retry-after': String(decision.retryAfterSeconds) } });
    }
  };
}

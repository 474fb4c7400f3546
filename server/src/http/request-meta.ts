import type { FastifyRequest } from 'fastify';
import type { RequestMeta } from '../kernel/request-meta.ts';

/** The client address Fastify resolved (forwarded headers only from trusted proxies) and the user agent. */
export function requestMeta(request: FastifyRequest): RequestMeta {
  return { ip: request.ip, userAgent: request.headers['user-agent'] };
}

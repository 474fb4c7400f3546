import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { errorCodes, type ErrorCode } from '@lanyard/contracts/error-codes';
import type { FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { AppError } from '../errors/app-error.ts';
import { bearerScheme } from './authentication.ts';
import type { App } from './fastify-types.ts';

/** Prometheus metrics at /metrics: process defaults, request counts and latencies by route, email outcomes. */
export interface HashingStats {
  /** Requests holding an admission slot (running, queued, or doing their database work). */
  admitted: number;
  /** Hashes waiting for a worker. */
  queued: number;
  hashes: number;
  verifications: number;
  rejected: number;
}

/** Email outcomes counted by this instance's delivery worker. */
export interface MailStats {
  sent: number;
  retried: number;
  failed: number;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * With LANYARD_METRICS_TOKEN set, /metrics answers only `Authorization: Bearer <token>`; anything else is
 * 401 AUTH_REQUIRED. The comparison is of SHA-256 digests in constant time, so neither the token's length
 * nor its content leaks through timing.
 */
function presentsToken(authorization: string | undefined, expected: Buffer): boolean {
  const presented = authorization !== undefined && bearerScheme.test(authorization) ? authorization.slice(7).trim() : '';
  return timingSafeEqual(digest(presented), expected);
}

const metricsChallenge = { 'www-authenticate': 'Bearer realm="metrics"' };

export function metricsTokenCheck(token: string): (request: FastifyRequest) => Promise<void> {
  const expected = digest(token);
  return async (request) => {
    if (!presentsToken(request.headers.authorization, expected)) throw new AppError('AUTH_REQUIRED', { headers: metricsChallenge });
  };
}

/** A registry for buildApp to fill and a metrics listener to serve. */
export function newMetricsRegistry(): Registry {
  return new Registry();
}

export interface MetricsOptions {
  /** LANYARD_METRICS_TOKEN: the bearer token /metrics requires, if any. */
  token?: string | undefined;
  /** The registry to fill (the one a separate metrics listener serves); a new one otherwise. */
  registry?: Registry | undefined;
  /** True when a listener of its own serves /metrics (LANYARD_METRICS_PORT): the API's port then does not. */
  separate?: boolean;
}

/**
 * The listener of LANYARD_METRICS_PORT: `GET /metrics` (with the token when one is set) and nothing else,
 * answered with the catalogue's error bodies. Listened on by main.ts only.
 */
export function createMetricsServer(registry: Registry, options: { token?: string | undefined } = {}): Server {
  const expected = options.token === undefined ? undefined : digest(options.token);
  const refuse = (response: ServerResponse, code: ErrorCode, headers: Record<string, string> = {}) => {
    const requestId = randomUUID();
    response.writeHead(errorCodes[code].status, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, ...headers });
    response.end(JSON.stringify({ error: { code, message: errorCodes[code].message, requestId } }));
  };
  return createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) return refuse(response, 'ROUTE_NOT_FOUND');
    if (expected !== undefined && !presentsToken(request.headers.authorization, expected)) return refuse(response, 'AUTH_REQUIRED', metricsChallenge);
    registry
      .metrics()
      .then((body) => {
        response.writeHead(200, { 'content-type': registry.contentType });
        response.end(request.method === 'HEAD' ? undefined : body);
      })
      .catch(() => refuse(response, 'INTERNAL'));
  });
}

export function registerMetrics(app: App, sources: { mailStats: () => MailStats; hashing: () => HashingStats }, options: MetricsOptions = {}): Registry {
  const registry = options.registry ?? new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lanyard_' });
  const duration = new Histogram({
    name: 'lanyard_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'lanyard_http_errors_total',
    help: 'HTTP responses with status >= 400, by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  new Counter({
    name: 'lanyard_emails_total',
    help: 'Email delivery outcomes in this instance: sent, retried (failed, will be tried again), failed (given up)',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      const stats = sources.mailStats();
      this.reset();
      for (const outcome of ['sent', 'retried', 'failed'] as const) this.inc({ outcome }, stats[outcome]);
    },
  });
  // Label sets are few (routes × methods × statuses): each one's series is looked up once, not hashed per request.
  const series = new Map<string, { duration: { observe(value: number): void }; errors: { inc(): void } | undefined }>();
  new Gauge({
    name: 'lanyard_password_requests_admitted',
    help: 'Requests that spend argon2 work and hold an admission slot now (the rest are shed with 503)',
    registers: [registry],
    collect() {
      this.set(sources.hashing().admitted);
    },
  });
  new Gauge({
    name: 'lanyard_password_hashes_queued',
    help: 'argon2 hashes and verifications waiting for a worker now',
    registers: [registry],
    collect() {
      this.set(sources.hashing().queued);
    },
  });
  new Counter({
    name: 'lanyard_password_hashes_total',
    help: 'argon2 work done by this instance: hash (new passwords), verify (sign-ins and checks)',
    labelNames: ['operation'] as const,
    registers: [registry],
    collect() {
      const stats = sources.hashing();
      this.reset();
      this.inc({ operation: 'hash' }, stats.hashes);
      this.inc({ operation: 'verify' }, stats.verifications);
    },
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let entry = series.get(key);
    if (entry === undefined) {
      const labels = { method: request.method, route, status: String(reply.statusCode) };
      entry = { duration: duration.labels(labels), errors: reply.statusCode >= 400 ? errors.labels(labels) : undefined };
      series.set(key, entry);
    }
    entry.duration.observe(reply.elapsedTime / 1000);
    entry.errors?.inc();
    done();
  });
  if (options.separate === true) return registry;
  const onRequest = options.token === undefined ? [] : [metricsTokenCheck(options.token)];
  app.get('/metrics', { schema: { hide: true }, onRequest }, async (_request, reply) => {
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
  return registry;
}

import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MailStats } from '../mail/mail-service.ts';
import type { App } from './fastify-types.ts';

/** Prometheus metrics at /metrics: process defaults, request counts and latencies by route, email outcomes. */
export function registerMetrics(app: App, sources: { mailStats: () => MailStats }): Registry {
  const registry = new Registry();
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
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
  return registry;
}

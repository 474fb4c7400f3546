import { z } from 'zod';
import type { Db } from '../storage/db.ts';
import { isDatabaseReachable } from '../storage/db.ts';
import { pendingMigrations } from '../storage/migrate.ts';
import type { App } from './fastify-types.ts';

/** Liveness (the process answers) and readiness (database reachable, migrations applied). */
export function registerHealthRoutes(app: App, deps: { db: Db }): void {
  app.get(
    '/healthz',
    { schema: { tags: ['operations'], summary: 'Liveness', response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: database reachable and every migration applied',
        response: {
          200: z.object({ status: z.literal('ready') }),
          503: z.object({ status: z.literal('not-ready'), reason: z.string() }),
        },
      },
    },
    async (_request, reply) => {
      if (!(await isDatabaseReachable(deps.db))) return reply.status(503).send({ status: 'not-ready', reason: 'database unreachable' });
      const pending = await pendingMigrations(deps.db).catch(() => ['unknown']);
      if (pending.length > 0) return reply.status(503).send({ status: 'not-ready', reason: `pending migrations: ${pending.join(', ')}` });
      return { status: 'ready' as const };
    },
  );
}

import { Readable } from 'node:stream';
import { auditExportQuerySchema, auditPageSchema, auditQuerySchema } from '@lanyard/contracts/api';
import { errorBodySchema } from '@lanyard/contracts/common';
import { z } from 'zod';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses } from '../http/openapi.ts';
import { csvLine } from '../kernel/csv.ts';
import type { AuditEvent } from './audit.ts';
import type { AuditService } from './audit-service.ts';

function eventView(event: AuditEvent) {
  return {
    id: event.id,
    actorUserId: event.actorUserId,
    action: event.action,
    result: event.result,
    targetType: event.targetType,
    targetId: event.targetId,
    ip: event.ip,
    details: event.details,
    occurredAt: event.occurredAt.toISOString(),
  };
}

const csvColumns = ['id', 'occurredAt', 'action', 'result', 'actorUserId', 'targetType', 'targetId', 'ip', 'details'] as const;

function csvRecord(event: AuditEvent): string {
  const view = eventView(event);
  return csvLine([view.id, view.occurredAt, view.action, view.result, view.actorUserId, view.targetType, view.targetId, view.ip, JSON.stringify(view.details)]);
}

/** The list's filters, as the repository takes them. */
function filtersOf(query: { userId?: string | undefined; action?: string | undefined; from?: string | undefined; to?: string | undefined; result?: 'success' | 'failure' | undefined }) {
  return {
    userId: query.userId,
    action: query.action,
    from: query.from === undefined ? undefined : new Date(query.from),
    to: query.to === undefined ? undefined : new Date(query.to),
    result: query.result,
  };
}

export function registerAuditRoutes(app: App, deps: { audit: AuditService; guards: Guards }): void {
  app.get(
    '/api/v1/admin/audit-events',
    {
      preHandler: deps.guards.permission('audit.view'),
      schema: {
        tags: ['administration'],
        summary: "The tenant's security events, newest first; filter by user, action, result and time; page with `before`",
        description:
          '`actor` and `target` name the person and the object as they are now (ids as recorded), and only from this tenant: a person who is no member of this tenant any more, or an object deleted since, keeps its id with a null name.',
        security: [{ session: [] }],
        querystring: auditQuerySchema,
        response: { 200: auditPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const query = request.query;
      const events = await deps.audit.listNamed(principalOf(request).tenantId, { ...filtersOf(query), before: query.before, limit: query.limit + 1 });
      const page = events.slice(0, query.limit);
      return {
        items: page.map((event) => ({ ...eventView(event), actor: event.actor, target: event.target })),
        nextCursor: events.length > query.limit ? (page.at(-1)?.id ?? null) : null,
      };
    },
  );

  app.get(
    '/api/v1/admin/audit-events/export',
    {
      preHandler: deps.guards.permission('audit.view'),
      schema: {
        tags: ['administration'],
        summary: 'Every event matching the filters, newest first, streamed as a download: CSV (with a header line) or NDJSON (one event per line)',
        description:
          'Read in keyset batches as the client takes the answer, so any number of events is exported in constant memory. CSV cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) are prefixed with a single quote; `details` is a JSON cell. The export itself is recorded as an `audit.exported` event.',
        security: [{ session: [] }],
        querystring: auditExportQuerySchema,
        produces: ['text/csv', 'application/x-ndjson'],
        response: { 200: z.string().describe('CSV or NDJSON'), ...errorResponses, 404: errorBodySchema.describe('ROUTE_NOT_FOUND') },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { format, ...query } = request.query;
      const { startedAt, batches } = await deps.audit.startExport(principal.tenantId, filtersOf(query), { actorUserId: principal.userId, format, ip: request.ip });
      async function* chunks(): AsyncGenerator<string> {
        if (format === 'csv') yield csvLine(csvColumns);
        for await (const events of batches) {
          yield format === 'csv' ? events.map(csvRecord).join('') : events.map((event) => `${JSON.stringify(eventView(event))}\n`).join('');
        }
      }
      const stamp = startedAt.toISOString().slice(0, 19).replaceAll(':', '-');
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-events-${stamp}.${format === 'csv' ? 'csv' : 'ndjson'}"`)
        .send(Readable.from(chunks()) as never);
    },
  );
}

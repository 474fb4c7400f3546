import { auditPageSchema, auditQuerySchema } from '@lanyard/contracts/api';
import { principalOf, type Guards } from '../http/authentication.ts';
import type { App } from '../http/fastify-types.ts';
import { errorResponses } from '../http/openapi.ts';
import type { AuditService } from './audit-service.ts';

export function registerAuditRoutes(app: App, deps: { audit: AuditService; guards: Guards }): void {
  app.get(
    '/api/v1/admin/audit-events',
    {
      preHandler: deps.guards.permission('audit.view'),
      schema: {
        tags: ['administration'],
        summary: "The tenant's security events, newest first; filter by user, action and time; page with `before`",
        security: [{ session: [] }],
        querystring: auditQuerySchema,
        response: { 200: auditPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const query = request.query;
      const events = await deps.audit.list(principalOf(request).tenantId, {
        userId: query.userId,
        action: query.action,
        from: query.from === undefined ? undefined : new Date(query.from),
        to: query.to === undefined ? undefined : new Date(query.to),
        before: query.before,
        limit: query.limit + 1,
      });
      const page = events.slice(0, query.limit);
      return {
        items: page.map((event) => ({
          id: event.id,
          actorUserId: event.actorUserId,
          action: event.action,
          result: event.result,
          targetType: event.targetType,
          targetId: event.targetId,
          ip: event.ip,
          details: event.details,
          occurredAt: event.occurredAt.toISOString(),
        })),
        nextCursor: events.length > query.limit ? (page.at(-1)?.id ?? null) : null,
      };
    },
  );
}

import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import type { Db, Executor } from '../storage/db.ts';
import type { AuditEvent, AuditEventInput } from './audit.ts';
import { insertAuditEvent, listAuditEvents, type AuditQuery } from './audit-repo.ts';

export type AuditService = ReturnType<typeof createAuditService>;

export function createAuditService(deps: { db: Db; clock: Clock }) {
  return {
    /**
     * Appends an event. Pass the transaction of the change it describes, so the event exists if and only
     * if the change committed. Failures (which change nothing) are recorded on the database directly.
     */
    async record(executor: Executor, input: AuditEventInput): Promise<void> {
      const occurredAt = deps.clock.now();
      await insertAuditEvent(executor, {
        id: newId(occurredAt.getTime()),
        tenantId: input.tenantId,
        actorUserId: input.actorUserId,
        action: input.action,
        result: input.result,
        targetType: input.targetType ?? null,
        targetId: input.targetId ?? null,
        ip: input.ip ?? null,
        details: input.details ?? {},
        occurredAt,
      });
    },

    list(tenantId: string, query: AuditQuery): Promise<AuditEvent[]> {
      return listAuditEvents(deps.db, tenantId, query);
    },
  };
}

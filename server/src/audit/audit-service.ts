import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import type { Db, Executor } from '../storage/db.ts';
import { auditEventOf, type AuditEvent, type AuditEventInput } from './audit.ts';
import { insertAuditEvent, listAuditEvents, type AuditQuery } from './audit-repo.ts';

/** The append-only log of security events. */
export interface AuditService {
  /**
   * Appends an event. Pass the transaction of the change it describes, so the event exists if and only
   * if the change committed. Failures (which change nothing) are recorded on the database directly.
   */
  record(executor: Executor, input: AuditEventInput): Promise<void>;
  /** A page of the tenant's events matching the query, newest first. */
  list(tenantId: string, query: AuditQuery): Promise<AuditEvent[]>;
}

export function createAuditService(deps: { db: Db; clock: Clock }): AuditService {
  return {
    async record(executor, input) {
      const occurredAt = deps.clock.now();
      await insertAuditEvent(executor, auditEventOf(input, newId(occurredAt.getTime()), occurredAt));
    },

    list(tenantId, query) {
      return listAuditEvents(deps.db, tenantId, query);
    },
  };
}

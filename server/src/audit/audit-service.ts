import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import type { Db, Executor } from '../storage/db.ts';
import { auditEventOf, type AuditEvent, type AuditEventInput } from './audit.ts';
import { listNamedAuditEvents, type NamedAuditEvent } from './audit-read.ts';
import { insertAuditEvent, lastFailedSignInAt, listAuditEvents, type AuditQuery } from './audit-repo.ts';

/** The append-only log of security events. */
export interface AuditService {
  /**
   * Appends an event. Pass the transaction of the change it describes, so the event exists if and only
   * if the change committed. Failures (which change nothing) are recorded on the database directly.
   */
  record(executor: Executor, input: AuditEventInput): Promise<void>;
  /** When the person's last sign-in failed, in whichever tenant (the attempt counter is the account's too); undefined when none is recorded. */
  lastFailedSignInAt(userId: string): Promise<Date | undefined>;
  /** A page of the tenant's events matching the query, newest first. */
  list(tenantId: string, query: AuditQuery): Promise<AuditEvent[]>;
  /** The same page with the actor and the target named as they are now, by this tenant only (one statement; audit-read.ts). */
  listNamed(tenantId: string, query: AuditQuery): Promise<NamedAuditEvent[]>;
  /**
   * Every event matching the filters, newest first, read in keyset batches of `batchSize` (one statement
   * each) only as the consumer asks for the next one, so an export of any size holds one batch in memory.
   * Events recorded after the first batch was read are newer than it and not part of the export.
   */
  exportBatches(tenantId: string, filters: Omit<AuditQuery, 'before' | 'limit'>, batchSize?: number): AsyncIterable<AuditEvent[]>;
  /** Records that `actorUserId` exports the tenant's events (`audit.exported`, with the format and filters), then answers exportBatches and when the export began. */
  startExport(
    tenantId: string,
    filters: Omit<AuditQuery, 'before' | 'limit'>,
    meta: { actorUserId: string; format: 'csv' | 'ndjson'; ip?: string | undefined },
  ): Promise<{ startedAt: Date; batches: AsyncIterable<AuditEvent[]> }>;
}

export function createAuditService(deps: { db: Db; clock: Clock }): AuditService {
  const record: AuditService['record'] = async (executor, input) => {
    const occurredAt = deps.clock.now();
    await insertAuditEvent(executor, auditEventOf(input, newId(occurredAt.getTime()), occurredAt));
  };

  async function* exportBatches(tenantId: string, filters: Omit<AuditQuery, 'before' | 'limit'>, batchSize = 1000): AsyncGenerator<AuditEvent[]> {
    let before: string | undefined;
    for (;;) {
      const events = await listAuditEvents(deps.db, tenantId, { ...filters, before, limit: batchSize });
      if (events.length > 0) yield events;
      if (events.length < batchSize) return;
      before = (events.at(-1) as AuditEvent).id;
    }
  }

  return {
    record,
    exportBatches,

    async startExport(tenantId, filters, meta) {
      const startedAt = deps.clock.now();
      const shown = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined));
      await record(deps.db, { tenantId, actorUserId: meta.actorUserId, action: 'audit.exported', result: 'success', ip: meta.ip, details: { format: meta.format, filters: shown } });
      return { startedAt, batches: exportBatches(tenantId, filters) };
    },

    list(tenantId, query) {
      return listAuditEvents(deps.db, tenantId, query);
    },

    listNamed(tenantId, query) {
      return listNamedAuditEvents(deps.db, tenantId, query);
    },

    lastFailedSignInAt(userId) {
      return lastFailedSignInAt(deps.db, userId);
    },

  };
}

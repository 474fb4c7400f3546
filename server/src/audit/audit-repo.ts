import type { Executor } from '../storage/db.ts';
import type { AuditEventRow } from '../storage/database.ts';
import type { AuditEvent } from './audit.ts';

function toEvent(row: AuditEventRow): AuditEvent {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    actorUserId: row.actor_user_id,
    action: row.action,
    result: row.result,
    targetType: row.target_type,
    targetId: row.target_id,
    ip: row.ip,
    details: row.details,
    occurredAt: row.occurred_at,
  };
}

export async function insertAuditEvent(db: Executor, event: AuditEvent): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      id: event.id,
      tenant_id: event.tenantId,
      actor_user_id: event.actorUserId,
      action: event.action,
      result: event.result,
      target_type: event.targetType,
      target_id: event.targetId,
      ip: event.ip,
      details: JSON.stringify(event.details),
      occurred_at: event.occurredAt,
    })
    .execute();
}

export interface AuditQuery {
  userId?: string | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Keyset cursor: the id of the last event of the previous page (ids are time-ordered UUIDv7). */
  before?: string | undefined;
  limit: number;
}

/** Newest first. An event concerns a user when they performed it or it targeted them. */
export async function listAuditEvents(db: Executor, tenantId: string, query: AuditQuery): Promise<AuditEvent[]> {
  let select = db.selectFrom('audit_events').selectAll().where('tenant_id', '=', tenantId);
  if (query.userId !== undefined) {
    const userId = query.userId;
    select = select.where((eb) =>
      eb.or([eb('actor_user_id', '=', userId), eb.and([eb('target_type', '=', 'user'), eb('target_id', '=', userId)])]),
    );
  }
  if (query.action !== undefined) select = select.where('action', '=', query.action);
  if (query.from !== undefined) select = select.where('occurred_at', '>=', query.from);
  if (query.to !== undefined) select = select.where('occurred_at', '<', query.to);
  if (query.before !== undefined) select = select.where('id', '<', query.before);
  const rows = await select.orderBy('id', 'desc').limit(query.limit).execute();
  return rows.map(toEvent);
}

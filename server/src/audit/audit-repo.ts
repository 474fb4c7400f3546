import type { Executor } from '../storage/db.ts';
import type { AuditEventRow } from '../storage/database.ts';
import type { AuditEvent, AuditResult } from './audit.ts';

export function toEvent(row: AuditEventRow): AuditEvent {
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

/** Longest string kept in an audit row; longer ones are cut (the trail records what happened, not payloads). */
const maxStoredString = 1024;
/** Largest details object kept, as JSON; a larger one is replaced by a note saying so. */
const maxDetailsJson = 16 * 1024;
const maxDepth = 8;

/**
 * A string PostgreSQL accepts in text and jsonb: NUL and lone surrogates (which it refuses) become U+FFFD,
 * and it is cut to `maxStoredString` UTF-16 units without splitting a surrogate pair.
 */
export function storableText(value: string): string {
  // eslint-disable-next-line no-control-regex -- NUL is what PostgreSQL refuses
  let text = value.replaceAll(/[\u0000\ud800-\udfff]/gu, '\ufffd');
  if (text.length > maxStoredString) {
    let end = maxStoredString;
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end -= 1;
    text = `${text.slice(0, end)}…`;
  }
  return text;
}

function storableValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return storableText(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value !== 'object') return null;
  if (depth >= maxDepth) return '[too deep]';
  if (Array.isArray(value)) return value.slice(0, 100).map((item) => storableValue(item, depth + 1));
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value).slice(0, 100)) {
    if (item !== undefined) result[storableText(key)] = storableValue(item, depth + 1);
  }
  return result;
}

/**
 * The details as JSON PostgreSQL will store: whatever a caller hands the audit trail (text from a refused
 * request, huge or odd values), writing it never fails because of what it contains.
 */
export function storableDetails(details: Record<string, unknown>): string {
  try {
    const json = JSON.stringify(storableValue(details, 0));
    return json.length <= maxDetailsJson ? json : JSON.stringify({ truncated: true, bytes: json.length });
  } catch {
    return JSON.stringify({ unserialisable: true });
  }
}

const storableOrNull = (value: string | null): string | null => (value === null ? null : storableText(value));

export async function insertAuditEvent(db: Executor, event: AuditEvent): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      id: event.id,
      tenant_id: event.tenantId,
      actor_user_id: event.actorUserId,
      action: storableText(event.action),
      result: event.result,
      target_type: storableOrNull(event.targetType),
      target_id: storableOrNull(event.targetId),
      ip: storableOrNull(event.ip),
      details: storableDetails(event.details),
      occurred_at: event.occurredAt,
    })
    .execute();
}

export interface AuditQuery {
  userId?: string | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  result?: AuditResult | undefined;
  /** Keyset cursor: the id of the last event of the previous page (ids are time-ordered UUIDv7). */
  before?: string | undefined;
  limit: number;
}

/** Newest first. An event concerns a user when they performed it or it targeted them. */
export async function listAuditEvents(db: Executor, tenantId: string, query: AuditQuery): Promise<AuditEvent[]> {
  const rows = await auditPageQuery(db, tenantId, query).execute();
  return rows.map(toEvent);
}

/** The statement of one page of the tenant's events matching the query, newest first (audit-read.ts names its people and objects). */
export function auditPageQuery(db: Executor, tenantId: string, query: AuditQuery) {
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
  if (query.result !== undefined) select = select.where('result', '=', query.result);
  if (query.before !== undefined) select = select.where('id', '<', query.before);
  return select.orderBy('id', 'desc').limit(query.limit);
}

/** When the person's last sign-in failed (the latest `auth.login.failed` row naming them), read through its partial index (migration 0021). */
export async function lastFailedSignInAt(db: Executor, userId: string): Promise<Date | undefined> {
  const row = await db
    .selectFrom('audit_events')
    .select('occurred_at')
    .where('action', '=', 'auth.login.failed')
    .where('target_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.occurred_at;
}

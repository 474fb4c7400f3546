import { sql, type ExpressionBuilder } from 'kysely';
import type { Executor } from '../storage/db.ts';
import type { Database, SessionRow } from '../storage/database.ts';
import type { SessionRecord } from './sessions.ts';

export function toSession(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    tenantId: row.tenant_id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    absoluteExpiresAt: row.absolute_expires_at,
    idleTimeoutSeconds: row.idle_timeout_seconds,
    ip: row.ip,
    userAgent: row.user_agent,
    passwordChangeRequired: row.password_change_required,
    secondFactor: row.second_factor,
  };
}

export async function insertSession(db: Executor, session: SessionRecord, tokenHash: Buffer): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      token_hash: tokenHash,
      user_id: session.userId,
      tenant_id: session.tenantId,
      created_at: session.createdAt,
      last_seen_at: session.lastSeenAt,
      absolute_expires_at: session.absoluteExpiresAt,
      idle_timeout_seconds: session.idleTimeoutSeconds,
      ip: session.ip,
      user_agent: session.userAgent,
      password_change_required: session.passwordChangeRequired,
      second_factor: session.secondFactor,
    })
    .execute();
}

export async function touchSession(db: Executor, id: string, at: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
}

export async function deleteSession(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteSessionByTokenHash(db: Executor, tokenHash: Buffer): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

/** Ends every session of a user, in every tenant, except one (the session that made the change). */
export async function deleteUserSessions(db: Executor, userId: string, exceptSessionId: string | undefined): Promise<number> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptSessionId !== undefined) query = query.where('id', '!=', exceptSessionId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes the user's sessions in one tenant; returns how many there were. */
export async function deleteUserSessionsInTenant(db: Executor, userId: string, tenantId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).where('tenant_id', '=', tenantId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function clearPasswordChangeRequired(db: Executor, sessionId: string): Promise<void> {
  await db.updateTable('sessions').set({ password_change_required: false }).where('id', '=', sessionId).execute();
}

/**
 * A tightened session policy reaches the tenant's open sessions: each keeps the shorter of its own idle
 * timeout and absolute expiry and the new ones (counted from its sign-in). Returns how many changed.
 */
export async function tightenTenantSessions(db: Executor, tenantId: string, idleTimeoutSeconds: number, absoluteHours: number): Promise<number> {
  const absoluteLimit = sql<Date>`created_at + ${absoluteHours} * interval '1 hour'`;
  const result = await db
    .updateTable('sessions')
    .set({
      idle_timeout_seconds: sql<number>`least(idle_timeout_seconds, ${idleTimeoutSeconds})`,
      absolute_expires_at: sql<Date>`least(absolute_expires_at, ${absoluteLimit})`,
    })
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('idle_timeout_seconds', '>', idleTimeoutSeconds), eb('absolute_expires_at', '>', absoluteLimit)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Every session of a user, in every tenant, newest first. */
export async function listUserSessions(db: Executor, userId: string): Promise<SessionRecord[]> {
  const rows = await db.selectFrom('sessions').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map(toSession);
}

/** Every session of a user in one tenant, newest first. */
export async function listUserSessionsInTenant(db: Executor, userId: string, tenantId: string): Promise<SessionRecord[]> {
  const rows = await db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toSession);
}

/** Ends one session of a user in one tenant; false when the user has no session with this id there. */
export async function deleteUserSessionInTenant(db: Executor, userId: string, tenantId: string, sessionId: string): Promise<boolean> {
  const result = await db.deleteFrom('sessions').where('id', '=', sessionId).where('user_id', '=', userId).where('tenant_id', '=', tenantId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Deletes the user's sessions in one tenant; returns the ids of those that were there. */
export async function deleteUserSessionsInTenantReturning(db: Executor, userId: string, tenantId: string): Promise<string[]> {
  const rows = await db.deleteFrom('sessions').where('user_id', '=', userId).where('tenant_id', '=', tenantId).returning('id').execute();
  return rows.map((row) => row.id);
}

/** Ends one session of a user; false when the user has no session with this id. */
export async function deleteUserSession(db: Executor, userId: string, sessionId: string): Promise<boolean> {
  const result = await db.deleteFrom('sessions').where('id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** One session of the user, still alive at `now` (neither timeout passed). */
const liveUserSession = (userId: string, sessionId: string, now: Date) => (eb: ExpressionBuilder<Database, 'sessions'>) =>
  eb.and([
    eb('id', '=', sessionId),
    eb('user_id', '=', userId),
    eb('absolute_expires_at', '>', now),
    eb(sql<Date>`last_seen_at + idle_timeout_seconds * interval '1 second'`, '>', now),
  ]);

/** Whether a session of the user is still alive at `now` (neither timeout passed). */
export async function isLiveUserSession(db: Executor, userId: string, sessionId: string, now: Date): Promise<boolean> {
  const row = await db.selectFrom('sessions').select('id').where(liveUserSession(userId, sessionId, now)).executeTakeFirst();
  return row !== undefined;
}

/** Ends one session of a user if it is still alive at `now` (neither timeout passed); false when it is gone or timed out. */
export async function deleteLiveUserSession(db: Executor, userId: string, sessionId: string, now: Date): Promise<boolean> {
  const result = await db.deleteFrom('sessions').where(liveUserSession(userId, sessionId, now)).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The user's sessions in a tenant that are still alive at `now` (neither timeout passed). */
export async function countLiveSessions(db: Executor, userId: string, tenantId: string, now: Date): Promise<number> {
  const row = await db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('user_id', '=', userId)
    .where('tenant_id', '=', tenantId)
    .where('absolute_expires_at', '>', now)
    .where(sql<boolean>`last_seen_at + idle_timeout_seconds * interval '1 second' > ${now}`)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Moves a session to another tenant of its user (switching tenants): its timeouts become the shorter of its own and the new tenant's. */
export async function moveSessionToTenant(db: Executor, sessionId: string, tenantId: string, idleTimeoutSeconds: number, absoluteHours: number): Promise<boolean> {
  const absoluteLimit = sql<Date>`created_at + ${absoluteHours} * interval '1 hour'`;
  const result = await db
    .updateTable('sessions')
    .set({
      tenant_id: tenantId,
      idle_timeout_seconds: sql<number>`least(idle_timeout_seconds, ${idleTimeoutSeconds})`,
      absolute_expires_at: sql<Date>`least(absolute_expires_at, ${absoluteLimit})`,
    })
    .where('id', '=', sessionId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

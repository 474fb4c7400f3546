import type { Executor } from '../storage/db.ts';
import type { AccessibilityFeedbackRecord } from './accessibility-feedback.ts';

export async function insertFeedback(db: Executor, record: Omit<AccessibilityFeedbackRecord, 'username'>): Promise<void> {
  await db
    .insertInto('accessibility_feedback')
    .values({
      id: record.id,
      tenant_id: record.tenantId,
      user_id: record.userId,
      message: record.message,
      page: record.page,
      contact_email: record.contactEmail,
      created_at: record.createdAt,
    })
    .execute();
}

/**
 * One page of the tenant's feedback, newest first, after the cursor (an id) when given; with `unassigned`,
 * the feedback stored for no tenant too (sent signed out before every feedback had a tenant).
 */
export async function listFeedback(db: Executor, tenantId: string, limit: number, cursor: string | undefined, unassigned = false): Promise<AccessibilityFeedbackRecord[]> {
  let query = db
    .selectFrom('accessibility_feedback as f')
    .leftJoin('users as u', 'u.id', 'f.user_id')
    .select(['f.id', 'f.tenant_id', 'f.user_id', 'u.username', 'f.message', 'f.page', 'f.contact_email', 'f.created_at'])
    .where((eb) => (unassigned ? eb.or([eb('f.tenant_id', '=', tenantId), eb('f.tenant_id', 'is', null)]) : eb('f.tenant_id', '=', tenantId)))
    .orderBy('f.id', 'desc')
    .limit(limit);
  if (cursor !== undefined) query = query.where('f.id', '<', cursor);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    username: row.username,
    message: row.message,
    page: row.page,
    contactEmail: row.contact_email,
    createdAt: row.created_at,
  }));
}

import type { MicrophoneOutcome } from '@lanyard/contracts/presence';
import type { Executor } from '../storage/db.ts';
import type { MicrophoneRecord, PresenceReasonList } from './presence.ts';

const columns = ['id', 'tenant_id', 'name', 'reasons', 'is_default', 'created_at'] as const;

function toList(row: { id: string; tenant_id: string; name: string; reasons: { label: string }[]; is_default: boolean; created_at: Date }): PresenceReasonList {
  return { id: row.id, tenantId: row.tenant_id, name: row.name, reasons: row.reasons.map((reason) => ({ label: reason.label })), isDefault: row.is_default, createdAt: row.created_at };
}

export async function insertList(db: Executor, list: PresenceReasonList & { nameCanonical: string }): Promise<void> {
  await db
    .insertInto('presence_reason_lists')
    .values({
      id: list.id,
      tenant_id: list.tenantId,
      name: list.name,
      name_canonical: list.nameCanonical,
      reasons: JSON.stringify(list.reasons),
      is_default: list.isDefault,
      created_at: list.createdAt,
    })
    .execute();
}

export async function listLists(db: Executor, tenantId: string): Promise<PresenceReasonList[]> {
  const rows = await db.selectFrom('presence_reason_lists').select(columns).where('tenant_id', '=', tenantId).orderBy('name_canonical').orderBy('id').execute();
  return rows.map(toList);
}

export async function findList(db: Executor, tenantId: string, listId: string, lock?: 'update' | 'share'): Promise<PresenceReasonList | undefined> {
  let query = db.selectFrom('presence_reason_lists').select(columns).where('tenant_id', '=', tenantId).where('id', '=', listId);
  if (lock === 'update') query = query.forUpdate();
  if (lock === 'share') query = query.forShare();
  const row = await query.executeTakeFirst();
  return row === undefined ? undefined : toList(row);
}

export async function findDefaultList(db: Executor, tenantId: string): Promise<PresenceReasonList | undefined> {
  const row = await db.selectFrom('presence_reason_lists').select(columns).where('tenant_id', '=', tenantId).where('is_default', '=', true).executeTakeFirst();
  return row === undefined ? undefined : toList(row);
}

export async function updateList(db: Executor, tenantId: string, listId: string, change: { name?: string; nameCanonical?: string; reasons?: { label: string }[] }): Promise<void> {
  await db
    .updateTable('presence_reason_lists')
    .set({
      ...(change.name === undefined ? {} : { name: change.name }),
      ...(change.nameCanonical === undefined ? {} : { name_canonical: change.nameCanonical }),
      ...(change.reasons === undefined ? {} : { reasons: JSON.stringify(change.reasons) }),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', listId)
    .execute();
}

export async function deleteList(db: Executor, tenantId: string, listId: string): Promise<void> {
  await db.deleteFrom('presence_reason_lists').where('tenant_id', '=', tenantId).where('id', '=', listId).execute();
}

/** Makes `listId` the tenant's one default (null: none). Clears first, so the partial unique index never sees two. */
export async function setDefaultList(db: Executor, tenantId: string, listId: string | null): Promise<void> {
  await db.updateTable('presence_reason_lists').set({ is_default: false }).where('tenant_id', '=', tenantId).where('is_default', '=', true).execute();
  if (listId !== null) await db.updateTable('presence_reason_lists').set({ is_default: true }).where('tenant_id', '=', tenantId).where('id', '=', listId).execute();
}

/** How many members of the tenant are assigned each list of their own. */
export async function countAssignedPerList(db: Executor, tenantId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('memberships')
    .select((eb) => ['presence_reason_list_id', eb.fn.countAll<string>().as('n')])
    .where('tenant_id', '=', tenantId)
    .where('presence_reason_list_id', 'is not', null)
    .groupBy('presence_reason_list_id')
    .execute();
  return new Map(rows.flatMap((row) => (row.presence_reason_list_id === null ? [] : [[row.presence_reason_list_id, Number(row.n)] as const])));
}

export async function countAssigned(db: Executor, tenantId: string, listId: string): Promise<number> {
  const row = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('presence_reason_list_id', '=', listId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The member's own list id (null: none), or undefined when there is no such membership. */
export async function findAssignedListId(db: Executor, tenantId: string, userId: string): Promise<string | null | undefined> {
  const row = await db.selectFrom('memberships').select('presence_reason_list_id').where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst();
  return row === undefined ? undefined : row.presence_reason_list_id;
}

/** The member's own list (if any) and the tenant default (if any). */
export async function findListsOfMember(db: Executor, tenantId: string, userId: string): Promise<{ own: PresenceReasonList | undefined; tenantDefault: PresenceReasonList | undefined }> {
  const ownId = await findAssignedListId(db, tenantId, userId);
  const rows = await db
    .selectFrom('presence_reason_lists')
    .select(columns)
    .where('tenant_id', '=', tenantId)
    .where((eb) => (ownId === null || ownId === undefined ? eb('is_default', '=', true) : eb.or([eb('is_default', '=', true), eb('id', '=', ownId)])))
    .execute();
  const lists = rows.map(toList);
  return { own: lists.find((list) => list.id === ownId), tenantDefault: lists.find((list) => list.isDefault) };
}

export async function assignList(db: Executor, tenantId: string, userId: string, listId: string | null): Promise<void> {
  await db.updateTable('memberships').set({ presence_reason_list_id: listId }).where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
}

export async function findMicrophone(db: Executor, userId: string): Promise<MicrophoneRecord | undefined> {
  const row = await db.selectFrom('presence_microphone').select(['outcome', 'recorded_at']).where('user_id', '=', userId).executeTakeFirst();
  return row === undefined ? undefined : { outcome: row.outcome, recordedAt: row.recorded_at };
}

export async function upsertMicrophone(db: Executor, userId: string, outcome: MicrophoneOutcome, at: Date): Promise<void> {
  await db
    .insertInto('presence_microphone')
    .values({ user_id: userId, outcome, recorded_at: at })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ outcome, recorded_at: at }))
    .execute();
}

import { sql } from 'kysely';
import type { Executor } from '../storage/db.ts';
import type { AccessKeyRow } from '../storage/database.ts';
import type { AccessKeyRecord } from './access-keys.ts';

export function toRecord(row: Omit<AccessKeyRow, 'secret_hash' | 'token_version'>): AccessKeyRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    accessKeyId: row.access_key_id,
    description: row.description,
    state: row.state,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    lastUsedIp: row.last_used_ip,
  };
}

/** Every column but the secret hash: nothing that lists or shows keys can leak it. */
export const publicColumns = [
  'id',
  'tenant_id',
  'user_id',
  'access_key_id',
  'description',
  'state',
  'created_at',
  'expires_at',
  'last_used_at',
  'last_used_ip',
] as const;

export async function countKeys(db: Executor, tenantId: string, userId: string): Promise<number> {
  const row = await db
    .selectFrom('access_keys')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function insertKey(db: Executor, record: AccessKeyRecord, secretHash: Buffer): Promise<void> {
  await db
    .insertInto('access_keys')
    .values({
      id: record.id,
      tenant_id: record.tenantId,
      user_id: record.userId,
      access_key_id: record.accessKeyId,
      secret_hash: secretHash,
      description: record.description,
      state: record.state,
      created_at: record.createdAt,
      expires_at: record.expiresAt,
      last_used_at: null,
      last_used_ip: null,
    })
    .execute();
}

export async function listKeysOfUser(db: Executor, tenantId: string, userId: string): Promise<AccessKeyRecord[]> {
  const rows = await db
    .selectFrom('access_keys')
    .select(publicColumns)
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
  return rows.map(toRecord);
}

/** A key of the tenant (and of the user, when given); another tenant's key is simply not found. */
export async function findKey(db: Executor, tenantId: string, id: string, userId?: string): Promise<AccessKeyRecord | undefined> {
  let query = db.selectFrom('access_keys').select(publicColumns).where('tenant_id', '=', tenantId).where('id', '=', id);
  if (userId !== undefined) query = query.where('user_id', '=', userId);
  const row = await query.executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

export async function updateKey(
  db: Executor,
  tenantId: string,
  id: string,
  changes: { state?: AccessKeyRecord['state']; description?: string | null },
  userId?: string,
): Promise<AccessKeyRecord | undefined> {
  // Deactivating moves the token version on: tokens issued until now never work again, even once the key
  // is active again.
  const set = changes.state === 'inactive' ? { ...changes, token_version: sql<number>`token_version + 1` } : changes;
  let query = db.updateTable('access_keys').set(set).where('tenant_id', '=', tenantId).where('id', '=', id);
  if (userId !== undefined) query = query.where('user_id', '=', userId);
  const row = await query.returning(publicColumns).executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

/** Moves the token version of every key of the user (in one tenant, or all) on: tokens issued until now never work again. */
export async function bumpTokenVersionsOfUser(db: Executor, userId: string, tenantId: string | undefined): Promise<number> {
  let query = db.updateTable('access_keys').set({ token_version: sql<number>`token_version + 1` }).where('user_id', '=', userId);
  if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function deleteKey(db: Executor, tenantId: string, id: string, userId?: string): Promise<AccessKeyRecord | undefined> {
  let query = db.deleteFrom('access_keys').where('tenant_id', '=', tenantId).where('id', '=', id);
  if (userId !== undefined) query = query.where('user_id', '=', userId);
  const row = await query.returning(publicColumns).executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

export async function touchLastUsed(db: Executor, id: string, at: Date, ip: string | null): Promise<void> {
  await db
    .updateTable('access_keys')
    .set({ last_used_at: at, last_used_ip: ip })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
    .execute();
}

import { sql } from 'kysely';
import type { Executor } from '../storage/db.ts';
import type { AccessKeyRow } from '../storage/database.ts';
import type { AccessKeyRecord, Credential } from './access-keys.ts';

function toRecord(row: Omit<AccessKeyRow, 'secret_hash' | 'token_version'>): AccessKeyRecord {
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
const publicColumns = [
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

/**
 * Locks the membership row until the transaction ends, so concurrent creates for one user are serialised
 * and the count that follows is exact. False when there is no such membership.
 */
export async function lockMembership(trx: Executor, tenantId: string, userId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('memberships')
    .select('user_id')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

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

export async function listKeysOfTenant(db: Executor, tenantId: string): Promise<(AccessKeyRecord & { username: string })[]> {
  const rows = await db
    .selectFrom('access_keys as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .select(publicColumns.map((column) => `k.${column}` as const))
    .select('u.username')
    .where('k.tenant_id', '=', tenantId)
    .orderBy('k.id')
    .execute();
  return rows.map((row) => ({ ...toRecord(row), username: row.username }));
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

export async function deleteKey(db: Executor, tenantId: string, id: string, userId?: string): Promise<AccessKeyRecord | undefined> {
  let query = db.deleteFrom('access_keys').where('tenant_id', '=', tenantId).where('id', '=', id);
  if (userId !== undefined) query = query.where('user_id', '=', userId);
  const row = await query.returning(publicColumns).executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

/** The key with its owner's status, role permissions and tenant's token lifetime, in one round trip. */
export async function findCredential(db: Executor, accessKeyId: string): Promise<(Omit<Credential, 'tokenLifetimeMinutes'> & { tenantSettings: unknown }) | undefined> {
  const row = await db
    .selectFrom('access_keys as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .innerJoin('memberships as m', (join) => join.onRef('m.tenant_id', '=', 'k.tenant_id').onRef('m.user_id', '=', 'k.user_id'))
    .innerJoin('roles as r', (join) => join.onRef('r.tenant_id', '=', 'm.tenant_id').onRef('r.id', '=', 'm.role_id'))
    .innerJoin('tenants as t', 't.id', 'k.tenant_id')
    .select([
      'k.id',
      'k.access_key_id',
      'k.tenant_id',
      'k.user_id',
      'k.secret_hash',
      'k.state',
      'k.expires_at',
      'k.last_used_at',
      'k.token_version',
      'u.status as user_status',
      'r.permissions',
      't.settings',
    ])
    .where('k.access_key_id', '=', accessKeyId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    id: row.id,
    accessKeyId: row.access_key_id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    secretHash: row.secret_hash,
    state: row.state,
    expiresAt: row.expires_at,
    tokenVersion: row.token_version,
    lastUsedAt: row.last_used_at,
    userStatus: row.user_status,
    rolePermissions: row.permissions,
    tenantSettings: row.settings,
  };
}

export async function touchLastUsed(db: Executor, id: string, at: Date, ip: string | null): Promise<void> {
  await db
    .updateTable('access_keys')
    .set({ last_used_at: at, last_used_ip: ip })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
    .execute();
}

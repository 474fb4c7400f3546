import type { Executor } from '../storage/db.ts';
import type { AccessKeyRecord, Credential } from './access-keys.ts';
import { publicColumns, toRecord } from './access-keys-repo.ts';

/**
 * Select-only read models of access keys joined with what other domains own (users, memberships, roles,
 * tenants). They write nothing: every write to those tables stays in its owner's repository. See
 * docs/adr/0007-records-and-read-models.md.
 */

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
      'm.disabled as membership_disabled',
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
    // A membership its tenant disabled stops the keys there as a disabled account would.
    userStatus: row.membership_disabled ? 'disabled' : row.user_status,
    rolePermissions: row.permissions,
    tenantSettings: row.settings,
  };
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

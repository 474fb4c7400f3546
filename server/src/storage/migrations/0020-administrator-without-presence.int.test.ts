import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseMigratedUpTo } from '../../testing/test-database.ts';
import type { Db } from '../db.ts';
import { migrateToLatest } from '../migrate.ts';

let db: Db;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ db, close } = await databaseMigratedUpTo('0019-password-attempts-in-flight'));
});

afterAll(async () => close());

describe('migration 0020: the built-in Administrator holds no agent capability', () => {
  it('removes presence.use from every tenant’s built-in Administrator role only; custom and other built-in roles keep it', async () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const tenant = (id: string, name: string) =>
      sql`insert into tenants (id, name, name_canonical, home_region, settings, created_at) values (${id}, ${name}, ${name.toLowerCase()}, 'local', '{}', ${at})`.execute(db);
    await tenant('00000000-0000-7000-8000-000000000001', 'Avonlea');
    await tenant('00000000-0000-7000-8000-000000000002', 'Carmody');
    const role = (id: string, tenantId: string, name: string, builtIn: boolean, permissions: string[]) =>
      sql`insert into roles (id, tenant_id, name, name_canonical, built_in, permissions, created_at)
        values (${id}, ${tenantId}, ${name}, ${name.toLowerCase()}, ${builtIn}, ${permissions}, ${at})`.execute(db);
    await role('00000000-0000-7000-8000-0000000000a1', '00000000-0000-7000-8000-000000000001', 'Administrator', true, ['users.view', 'presence.use', 'audit.view']);
    await role('00000000-0000-7000-8000-0000000000a2', '00000000-0000-7000-8000-000000000001', 'Agent', true, ['profile.edit', 'presence.use']);
    await role('00000000-0000-7000-8000-0000000000a3', '00000000-0000-7000-8000-000000000001', 'Administrators Who Talk', false, ['users.view', 'presence.use']);
    await role('00000000-0000-7000-8000-0000000000a4', '00000000-0000-7000-8000-000000000002', 'Administrator', true, ['presence.use', 'users.edit']);
    await role('00000000-0000-7000-8000-0000000000a5', '00000000-0000-7000-8000-000000000002', 'Supervisor', true, ['presence.use']);

    await migrateToLatest(db);

    const roles = await db.selectFrom('roles').select(['id', 'permissions']).orderBy('id').execute();
    expect(roles).toEqual([
      { id: '00000000-0000-7000-8000-0000000000a1', permissions: ['users.view', 'audit.view'] },
      { id: '00000000-0000-7000-8000-0000000000a2', permissions: ['profile.edit', 'presence.use'] },
      { id: '00000000-0000-7000-8000-0000000000a3', permissions: ['users.view', 'presence.use'] },
      { id: '00000000-0000-7000-8000-0000000000a4', permissions: ['users.edit'] },
      { id: '00000000-0000-7000-8000-0000000000a5', permissions: ['presence.use'] },
    ]);
  });
});

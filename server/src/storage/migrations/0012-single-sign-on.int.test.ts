import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseMigratedUpTo } from '../../testing/test-database.ts';
import type { Db } from '../db.ts';
import { migrateUpTo } from '../migrate.ts';

let db: Db;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ db, close } = await databaseMigratedUpTo('0011-mfa'));
});

afterAll(async () => close());

describe('migration 0012: the password credential moves to password_credentials', () => {
  it('copies every password, change time, must-change flag and lock, and leaves users without a password out', async () => {
    const lockedUntil = new Date('2026-03-01T10:30:00Z');
    const changedAt = new Date('2026-02-01T08:00:00Z');
    const createdAt = new Date('2026-01-01T00:00:00Z');
    await sql`insert into tenants (id, name, name_canonical, home_region, settings, created_at)
      values ('00000000-0000-7000-8000-000000000001', 'Avonlea', 'avonlea', 'local', '{}', ${createdAt})`.execute(db);
    const user = (id: string, username: string, hash: string | null, failures: number, locked: Date | null, mustChange: boolean) =>
      sql`insert into users (id, username, username_canonical, email, first_name, last_name, status, password_hash, password_changed_at, default_tenant_id,
          failed_login_count, locked_until, password_must_change, created_at, updated_at)
        values (${id}, ${username}, ${username}, ${`${username}@example.test`}, 'A', 'B', 'active', ${hash}, ${hash === null ? null : changedAt},
          '00000000-0000-7000-8000-000000000001', ${failures}, ${locked}, ${mustChange}, ${createdAt}, ${createdAt})`.execute(db);
    await user('00000000-0000-7000-8000-00000000000a', 'anne', '$argon2id$v=19$m=19456,t=2,p=1$a$b', 3, lockedUntil, true);
    await user('00000000-0000-7000-8000-00000000000b', 'gilbert', '$argon2id$v=19$m=19456,t=2,p=1$c$d', 0, null, false);
    await user('00000000-0000-7000-8000-00000000000c', 'diana', null, 0, null, false);

    // Up to this migration only: later ones add columns of their own to password_credentials.
    await migrateUpTo(db, '0012-single-sign-on');

    const rows = await db.selectFrom('password_credentials').selectAll().orderBy('user_id').execute();
    expect(rows).toEqual([
      { user_id: '00000000-0000-7000-8000-00000000000a', password_hash: '$argon2id$v=19$m=19456,t=2,p=1$a$b', password_changed_at: changedAt, password_must_change: true, failed_login_count: 3, locked_until: lockedUntil },
      { user_id: '00000000-0000-7000-8000-00000000000b', password_hash: '$argon2id$v=19$m=19456,t=2,p=1$c$d', password_changed_at: changedAt, password_must_change: false, failed_login_count: 0, locked_until: null },
    ]);
    const columns = await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = 'users'`.execute(db);
    expect(columns.rows.map((row) => row.column_name)).not.toEqual(expect.arrayContaining(['password_hash']));
    expect(columns.rows.map((row) => row.column_name).filter((name) => /password|failed_login|locked/.test(name))).toEqual([]);
  });
});

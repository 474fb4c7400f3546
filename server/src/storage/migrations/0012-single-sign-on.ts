import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/**
 * Single sign-on (issue 13).
 *
 * 1. The password credential leaves `users` for its own table, owned by the passwords domain (ADR 0007,
 *    point 4): a user signing in through SSO only has no row here. Existing passwords, change times,
 *    must-change flags and lockout counters are copied; a user without a password but with a lock still
 *    keeps it (the row has a null hash then).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table password_credentials (
      user_id uuid primary key references users (id) on delete cascade,
      password_hash text,
      password_changed_at timestamptz,
      password_must_change boolean not null default false,
      failed_login_count integer not null default 0,
      locked_until timestamptz
    );

    insert into password_credentials (user_id, password_hash, password_changed_at, password_must_change, failed_login_count, locked_until)
      select id, password_hash, password_changed_at, password_must_change, failed_login_count, locked_until from users
      where password_hash is not null or failed_login_count <> 0 or locked_until is not null or password_must_change;

    alter table users drop column password_hash;
    alter table users drop column password_changed_at;
    alter table users drop column password_must_change;
    alter table users drop column failed_login_count;
    alter table users drop column locked_until;
  `);
}

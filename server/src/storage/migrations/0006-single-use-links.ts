import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/**
 * One table for every emailed single-use link (invitations, password resets; email change and MFA
 * challenges next), read and consumed by one mechanism (links/). The two tables it replaces are copied
 * across and dropped: instances of an older release must be stopped before this migration runs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table single_use_links (
      id uuid primary key,
      purpose text not null,
      tenant_id uuid not null references tenants (id) on delete cascade,
      user_id uuid not null references users (id) on delete cascade,
      token_hash bytea not null unique,
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz,
      replaced_at timestamptz
    );
    create index single_use_links_user_idx on single_use_links (user_id, purpose, created_at);

    insert into single_use_links (id, purpose, tenant_id, user_id, token_hash, created_by, created_at, expires_at, used_at, replaced_at)
      select id, 'invitation', tenant_id, user_id, token_hash, invited_by, created_at, expires_at, accepted_at, revoked_at from invitations;
    insert into single_use_links (id, purpose, tenant_id, user_id, token_hash, created_by, created_at, expires_at, used_at, replaced_at)
      select id, 'password-reset', tenant_id, user_id, token_hash, requested_by, created_at, expires_at, used_at, null from password_resets;
    drop table invitations;
    drop table password_resets;
  `);
}

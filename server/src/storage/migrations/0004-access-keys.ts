import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/** Access keys (per membership) and the token signing keys. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    -- A key belongs to a membership: removing the user from the tenant removes their keys.
    create table access_keys (
      id uuid primary key,
      tenant_id uuid not null,
      user_id uuid not null,
      access_key_id text not null unique,
      secret_hash bytea not null,
      description text,
      state text not null check (state in ('active', 'inactive')),
      created_at timestamptz not null,
      expires_at timestamptz,
      last_used_at timestamptz,
      last_used_ip text,
      foreign key (tenant_id, user_id) references memberships (tenant_id, user_id) on delete cascade
    );
    create index access_keys_membership_idx on access_keys (tenant_id, user_id);

    create table signing_keys (
      id text primary key,
      algorithm text not null,
      public_jwk jsonb not null,
      private_key_encrypted bytea not null,
      created_at timestamptz not null,
      retired_at timestamptz,
      publish_until timestamptz
    );
  `);
}

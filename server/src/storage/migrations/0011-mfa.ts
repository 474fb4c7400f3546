import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/**
 * The second factor (issue 12): one TOTP per user, its seed sealed with AES-256-GCM under a key derived
 * from the master key (bound to the user by the associated data), pending until a code confirms it, and
 * the last time step a code was accepted for, so a code is accepted once. Recovery codes are stored as
 * keyed hashes only. Sign-in challenges are single-use links (links/) that carry a little state.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table mfa_totp (
      user_id uuid primary key references users (id) on delete cascade,
      secret_sealed bytea not null,
      period integer not null check (period in (30, 60)),
      created_at timestamptz not null,
      confirmed_at timestamptz,
      last_used_step integer not null default -1
    );

    create table mfa_recovery_codes (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      code_hash bytea not null,
      created_at timestamptz not null,
      used_at timestamptz,
      unique (user_id, code_hash)
    );

    -- What a single-use link carries for its kind: an MFA sign-in challenge keeps whether the password
    -- it followed must be changed, so the session it ends in knows.
    alter table single_use_links add column details jsonb not null default '{}'::jsonb;
  `);
}

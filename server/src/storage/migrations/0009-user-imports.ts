import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/**
 * Bulk invitations from CSV (user-imports/): one row per job and one per line of its file. A line's
 * state moves from pending to invited or failed in the same transaction as the invitation it makes, so
 * a job resumed after a restart never invites a line twice. `lease_*` says which instance is working
 * through a running job (and until when, if it stops renewing).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table user_import_jobs (
      id uuid primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      created_by uuid references users (id) on delete set null,
      state text not null check (state in ('uploading', 'running', 'done')),
      total integer not null default 0,
      processed integer not null default 0,
      succeeded integer not null default 0,
      failed integer not null default 0,
      lease_id uuid,
      lease_until timestamptz,
      created_at timestamptz not null,
      finished_at timestamptz
    );
    create index user_import_jobs_tenant_idx on user_import_jobs (tenant_id, id);
    create index user_import_jobs_unfinished_idx on user_import_jobs (created_at) where state <> 'done';

    create table user_import_rows (
      job_id uuid not null references user_import_jobs (id) on delete cascade,
      line integer not null,
      username text not null,
      email text,
      first_name text,
      last_name text,
      role_id uuid,
      team_id uuid,
      state text not null check (state in ('pending', 'invited', 'failed')),
      error_code text,
      error_field text,
      user_id uuid,
      primary key (job_id, line)
    );
    create index user_import_rows_pending_idx on user_import_rows (job_id, line) where state = 'pending';
  `);
}

import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/** Audit trail, password history and resets, lockout state, per-role password policies. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table audit_events (
      id uuid primary key,
      tenant_id uuid,
      actor_user_id uuid,
      action text not null,
      result text not null check (result in ('success', 'failure')),
      target_type text,
      target_id text,
      ip text,
      details jsonb not null default '{}'::jsonb,
      occurred_at timestamptz not null
    );
    create index audit_events_tenant_idx on audit_events (tenant_id, id desc);
    create index audit_events_actor_idx on audit_events (tenant_id, actor_user_id, id desc);

    -- The audit trail is append-only: rows can be added, never changed or removed.
    create function audit_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_events is append-only';
    end;
    $$;
    create trigger audit_events_no_update before update or delete on audit_events
      for each row execute function audit_events_append_only();

    create table password_history (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      password_hash text not null,
      created_at timestamptz not null
    );
    create index password_history_user_idx on password_history (user_id, id desc);

    create table password_resets (
      id uuid primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      user_id uuid not null references users (id) on delete cascade,
      token_hash bytea not null unique,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz,
      requested_by uuid references users (id) on delete set null
    );
    create index password_resets_user_idx on password_resets (user_id);

    alter table users
      add column failed_login_count integer not null default 0,
      add column locked_until timestamptz,
      add column password_must_change boolean not null default false;

    alter table roles add column password_policy jsonb;

    alter table sessions add column password_change_required boolean not null default false;
  `);
}

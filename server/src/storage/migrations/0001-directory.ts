import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/** The directory (tenants, roles, teams, users, memberships), invitations, sessions and the mail outbox. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table tenants (
      id uuid primary key,
      name text not null,
      name_canonical text not null unique,
      home_region text not null,
      settings jsonb not null default '{}'::jsonb,
      created_at timestamptz not null
    );

    create table roles (
      id uuid primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      name text not null,
      name_canonical text not null,
      built_in boolean not null default false,
      permissions text[] not null,
      created_at timestamptz not null,
      unique (tenant_id, name_canonical),
      unique (tenant_id, id)
    );

    create table teams (
      id uuid primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      name text not null,
      name_canonical text not null,
      created_at timestamptz not null,
      unique (tenant_id, name_canonical),
      unique (tenant_id, id)
    );

    create table users (
      id uuid primary key,
      username text not null,
      username_canonical text not null unique,
      email text not null,
      first_name text not null,
      last_name text not null,
      status text not null check (status in ('invited', 'active', 'disabled')),
      password_hash text,
      password_changed_at timestamptz,
      default_tenant_id uuid not null references tenants (id),
      created_at timestamptz not null,
      updated_at timestamptz not null
    );

    -- The composite foreign keys make it impossible for a membership to point at another tenant's role or team.
    create table memberships (
      tenant_id uuid not null references tenants (id) on delete cascade,
      user_id uuid not null references users (id) on delete cascade,
      role_id uuid not null,
      team_id uuid,
      created_at timestamptz not null,
      primary key (tenant_id, user_id),
      foreign key (tenant_id, role_id) references roles (tenant_id, id),
      foreign key (tenant_id, team_id) references teams (tenant_id, id)
    );
    create index memberships_user_idx on memberships (user_id);

    create table invitations (
      id uuid primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      user_id uuid not null references users (id) on delete cascade,
      token_hash bytea not null unique,
      invited_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      accepted_at timestamptz,
      revoked_at timestamptz
    );
    create index invitations_user_idx on invitations (tenant_id, user_id);

    create table sessions (
      id uuid primary key,
      token_hash bytea not null unique,
      user_id uuid not null references users (id) on delete cascade,
      tenant_id uuid not null references tenants (id) on delete cascade,
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      absolute_expires_at timestamptz not null,
      idle_timeout_seconds integer not null,
      ip text,
      user_agent text
    );
    create index sessions_user_idx on sessions (user_id);

    create table outbox_messages (
      id uuid primary key,
      tenant_id uuid references tenants (id) on delete cascade,
      template text not null,
      recipient text not null,
      subject text not null,
      text_body text not null,
      html_body text not null,
      created_at timestamptz not null,
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      sent_at timestamptz,
      last_error text
    );
    create index outbox_pending_idx on outbox_messages (next_attempt_at) where sent_at is null;
  `);
}

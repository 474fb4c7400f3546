import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/**
 * Single sign-on (issue 13).
 *
 * 1. The password credential leaves `users` for its own table, owned by the passwords domain (ADR 0007,
 *    point 4): a user signing in through SSO only has no row here. Existing passwords, change times,
 *    must-change flags and lockout counters are copied; a user without a password but with a lock still
 *    keeps it (the row has a null hash then).
 * 2. Identity providers per tenant (client secret sealed with AES-256-GCM under a key derived from the
 *    master key, bound to the provider id), the links of users to provider identities — (issuer, subject),
 *    unique per provider — and the sign-in flows in progress: the browser's cookie holds only a reference,
 *    stored here as a keyed hash, consumed once by a conditional update.
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

    create table identity_providers (
      id uuid primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      name text not null,
      issuer text not null,
      client_id text not null,
      client_secret_sealed bytea not null,
      scopes text[] not null,
      email_domains text[] not null default '{}',
      button_label text,
      is_default boolean not null default false,
      auto_link_verified_email boolean not null default false,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index identity_providers_tenant_idx on identity_providers (tenant_id, created_at);
    create unique index identity_providers_one_default on identity_providers (tenant_id) where is_default;
    create index identity_providers_domains_idx on identity_providers using gin (email_domains);

    create table identity_links (
      id uuid primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      user_id uuid not null references users (id) on delete cascade,
      provider_id uuid not null references identity_providers (id) on delete cascade,
      issuer text not null,
      subject text not null,
      email text,
      linked_at timestamptz not null,
      unique (provider_id, subject),
      unique (provider_id, user_id)
    );
    create index identity_links_user_idx on identity_links (user_id);

    create table sso_flows (
      id uuid primary key,
      reference_hash bytea not null unique,
      purpose text not null check (purpose in ('sign-in', 'link')),
      tenant_id uuid not null references tenants (id) on delete cascade,
      provider_id uuid not null references identity_providers (id) on delete cascade,
      user_id uuid references users (id) on delete cascade,
      state text not null,
      nonce text not null,
      code_verifier text not null,
      return_to text,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz
    );
    create index sso_flows_expiry_idx on sso_flows (expires_at);
  `);
}

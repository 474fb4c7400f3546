import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/**
 * My Profile › Account and › Accessibility, the accessibility statement's feedback, and Support and
 * Downloads (issue 14). A user's account settings and console preferences follow the person (one row per
 * user, whatever the tenant); the pending email change names the address its confirmation link (a
 * single-use link, purpose `email-change`) will set. Feedback and the downloads catalogue are per tenant;
 * a download's file lives in the downloads directory under its id, never under a name a person chose.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table account_settings (
      user_id uuid primary key references users (id) on delete cascade,
      location text not null default '',
      time_zone text,
      language text,
      default_dialing_pattern text not null default '',
      wfm_enabled boolean not null default false,
      wfm_interval_minutes integer not null default 15 check (wfm_interval_minutes between 1 and 120),
      toast_duration_seconds integer not null default 3 check (toast_duration_seconds between 1 and 10),
      reduced_motion boolean not null default false,
      high_contrast boolean not null default false,
      text_size text not null default 'default' check (text_size in ('default', 'large', 'larger')),
      pending_email text,
      pending_email_expires_at timestamptz,
      updated_at timestamptz not null
    );

    create table accessibility_feedback (
      id uuid primary key,
      tenant_id uuid references tenants (id) on delete cascade,
      user_id uuid references users (id) on delete set null,
      message text not null,
      page text,
      contact_email text,
      created_at timestamptz not null
    );
    create index accessibility_feedback_tenant_idx on accessibility_feedback (tenant_id, id desc);

    create table downloads (
      id uuid primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      name text not null,
      version text not null,
      platform text not null,
      file_name text not null,
      instructions_url text,
      size_bytes bigint,
      sha256 text,
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index downloads_tenant_idx on downloads (tenant_id, name, id);
  `);
}

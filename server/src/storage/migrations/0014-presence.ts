import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/**
 * Contact-center sign-in (issue 15): a tenant's presence reason lists (the reasons in order, as JSON),
 * at most one of them the tenant default, a list per membership (a column of `memberships` the presence
 * domain owns), and the microphone outcome the console recorded per user. Every tenant that exists
 * gets a default list, as new tenants do, so agents who signed in before keep signing in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    create table presence_reason_lists (
      id uuid primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      name text not null,
      name_canonical text not null,
      reasons jsonb not null default '[]'::jsonb,
      is_default boolean not null default false,
      created_at timestamptz not null,
      unique (tenant_id, name_canonical),
      unique (tenant_id, id)
    );
    create unique index presence_reason_lists_default_idx on presence_reason_lists (tenant_id) where is_default;

    alter table memberships add column presence_reason_list_id uuid;
    alter table memberships add constraint memberships_presence_reason_list_fk
      foreign key (tenant_id, presence_reason_list_id) references presence_reason_lists (tenant_id, id);
    create index memberships_presence_reason_list_idx on memberships (tenant_id, presence_reason_list_id) where presence_reason_list_id is not null;

    create table presence_microphone (
      user_id uuid primary key references users (id) on delete cascade,
      outcome text not null check (outcome in ('allowed', 'blocked', 'no-device')),
      recorded_at timestamptz not null
    );

    insert into presence_reason_lists (id, tenant_id, name, name_canonical, reasons, is_default, created_at)
      select gen_random_uuid(), id, 'Default', 'default',
             '[{"label":"Break"},{"label":"Lunch"},{"label":"Training"},{"label":"Meeting"}]'::jsonb, true, now()
      from tenants;
  `);
}

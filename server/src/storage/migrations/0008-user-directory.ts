import { sql, type Kysely } from 'kysely';
import { searchKey } from '@lanyard/contracts/search-key';
import { runStatements } from '../migration-helpers.ts';

/**
 * The user directory (SPEC §4b "Administration"): what its list filters, searches and sorts on is
 * denormalised onto the membership row, so every query is one range of one index on `memberships` in the
 * tenant (docs/architecture.md, "The user directory"). The search keys are folded in TypeScript (the
 * embedded database has no `unaccent`); `status_base` mirrors the user's status; `invitation_expires_at`
 * is the expiry of the invitation in force (null: none issued yet). Also: SSO-only users, and the per-user
 * password sign-in override.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    alter table users add column sso_only boolean not null default false;

    alter table memberships add column username_key text collate "C" not null default '';
    alter table memberships add column email_key text collate "C" not null default '';
    alter table memberships add column first_name_key text collate "C" not null default '';
    alter table memberships add column last_name_key text collate "C" not null default '';
    alter table memberships add column status_base text not null default 'invited' check (status_base in ('invited', 'enabled', 'disabled', 'sso_only'));
    alter table memberships add column invitation_expires_at timestamptz;
    alter table memberships add column password_login text not null default 'tenant' check (password_login in ('tenant', 'enabled', 'disabled'));
  `);

  // Existing rows: keys folded here, the status mirrored, the open invitation's expiry copied.
  const rows = await sql<{ tenant_id: string; user_id: string; username: string; email: string; first_name: string; last_name: string }>`
    select m.tenant_id, m.user_id, u.username, u.email, u.first_name, u.last_name from memberships m join users u on u.id = m.user_id
  `.execute(db);
  for (const row of rows.rows) {
    await sql`
      update memberships set username_key = ${searchKey(row.username)}, email_key = ${searchKey(row.email)},
        first_name_key = ${searchKey(row.first_name)}, last_name_key = ${searchKey(row.last_name)}
      where tenant_id = ${row.tenant_id} and user_id = ${row.user_id}
    `.execute(db);
  }

  await runStatements(db, `
    update memberships m set status_base = case u.status when 'active' then 'enabled' else u.status end from users u where u.id = m.user_id;
    update memberships m set invitation_expires_at = (
      select max(l.expires_at) from single_use_links l
      where l.purpose = 'invitation' and l.tenant_id = m.tenant_id and l.user_id = m.user_id and l.used_at is null and l.replaced_at is null
    ) where m.status_base = 'invited';

    create index memberships_directory_username_idx on memberships (tenant_id, username_key, user_id);
    create index memberships_directory_email_idx on memberships (tenant_id, email_key, user_id);
    create index memberships_directory_first_name_idx on memberships (tenant_id, first_name_key, user_id);
    create index memberships_directory_last_name_idx on memberships (tenant_id, last_name_key, user_id);
    create index memberships_directory_role_idx on memberships (tenant_id, role_id, username_key, user_id);
    create index memberships_directory_team_idx on memberships (tenant_id, team_id, username_key, user_id);
    create index memberships_directory_status_idx on memberships (tenant_id, status_base, username_key, user_id, invitation_expires_at);
  `);
}

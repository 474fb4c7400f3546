import type { Kysely } from 'kysely';
import { runStatements } from '../migration-helpers.ts';

/**
 * Tenant boundaries (SPEC §3.12, issue 20):
 * - every account has a **home tenant**, the one whose administrators manage it as a whole (password reset, MFA reset, unlock codes,
 *   identity links, email, disabling the account). Existing accounts are homed in the tenant of their earliest membership (the one
 *   that created them); an account with none left keeps its default tenant;
 * - a membership can be disabled on its own (`disabled`): another tenant's administrator stops sign-in to, and switching into, their
 *   tenant only. The directory's `status_base` of such a row is `disabled`;
 * - joining another tenant needs the person's consent: an administrator's **membership invitation** waits for the person to accept
 *   it, signed in. At most one pending invitation per person and tenant.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    alter table users add column home_tenant_id uuid references tenants (id);
    update users u set home_tenant_id = coalesce(
      (select m.tenant_id from memberships m where m.user_id = u.id order by m.created_at, m.tenant_id limit 1),
      u.default_tenant_id);
    alter table users alter column home_tenant_id set not null;
    create index users_home_tenant_idx on users (home_tenant_id);

    alter table memberships add column disabled boolean not null default false;

    create table membership_invitations (
      id uuid primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      user_id uuid not null references users (id) on delete cascade,
      role_id uuid not null,
      team_id uuid,
      invited_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      accepted_at timestamptz,
      declined_at timestamptz,
      foreign key (tenant_id, role_id) references roles (tenant_id, id) on delete cascade,
      foreign key (tenant_id, team_id) references teams (tenant_id, id) on delete set null (team_id)
    );
    create unique index membership_invitations_pending_idx on membership_invitations (tenant_id, user_id)
      where accepted_at is null and declined_at is null;
    create index membership_invitations_user_idx on membership_invitations (user_id, created_at);
  `);
}

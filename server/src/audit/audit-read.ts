import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../storage/db.ts';
import type { AuditEvent } from './audit.ts';
import { auditPageQuery, toEvent, type AuditQuery } from './audit-repo.ts';

/** Who did it and to what, named as they are now, for people of this tenant only (docs/tenants.md, "The audit log"). */
export interface NamedAuditEvent extends AuditEvent {
  /** null: no person acted (the system, an unknown username); names null when the actor is no member of this tenant now. */
  actor: { id: string; username: string | null; name: string | null } | null;
  /** null: the event has no target; name null when the target is not this tenant's to name (gone, another tenant's, or unnamed). */
  target: { type: string; id: string; name: string | null } | null;
}

const uuidPattern = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** The event's target id as a uuid when its type is `type` (and the id is one), else null: CASE evaluates the cast only then. */
function targetOf(type: string): RawBuilder<string | null> {
  return sql<string | null>`case when e.target_type = ${type} and e.target_id ~ ${uuidPattern} then e.target_id::uuid end`;
}

/**
 * Select-only read across the tables of users, memberships, roles, teams, access keys, presence reason lists, identity providers,
 * downloads and tenants (ADR 0007): one page of the tenant's events with the actor's and the target's current names, in one
 * statement (each join is a primary-key probe per row of the page). Every join is bound to the asking tenant, so a name from another
 * tenant is never read: a person is named only while they are a member here.
 */
export async function listNamedAuditEvents(db: Executor, tenantId: string, query: AuditQuery): Promise<NamedAuditEvent[]> {
  const rows = await db
    .selectFrom(auditPageQuery(db, tenantId, query).as('e'))
    .leftJoin('memberships as am', (join) => join.onRef('am.user_id', '=', 'e.actor_user_id').on('am.tenant_id', '=', tenantId))
    .leftJoin('users as au', 'au.id', 'am.user_id')
    .leftJoin('memberships as tm', (join) => join.on('tm.tenant_id', '=', tenantId).on('tm.user_id', '=', targetOf('user')))
    .leftJoin('users as tu', 'tu.id', 'tm.user_id')
    .leftJoin('roles as r', (join) => join.on('r.tenant_id', '=', tenantId).on('r.id', '=', targetOf('role')))
    .leftJoin('teams as tt', (join) => join.on('tt.tenant_id', '=', tenantId).on('tt.id', '=', targetOf('team')))
    .leftJoin('access_keys as k', (join) => join.on('k.tenant_id', '=', tenantId).on('k.id', '=', targetOf('accessKey')))
    .leftJoin('presence_reason_lists as pl', (join) => join.on('pl.tenant_id', '=', tenantId).on('pl.id', '=', targetOf('presenceReasonList')))
    .leftJoin('identity_providers as ip', (join) => join.on('ip.tenant_id', '=', tenantId).on('ip.id', '=', targetOf('identityProvider')))
    .leftJoin('downloads as d', (join) => join.on('d.tenant_id', '=', tenantId).on('d.id', '=', targetOf('download')))
    .leftJoin('tenants as tn', (join) => join.on('tn.id', '=', tenantId).on('tn.id', '=', targetOf('tenant')))
    .selectAll('e')
    .select([
      'au.username as actor_username',
      'au.first_name as actor_first_name',
      'au.last_name as actor_last_name',
      'tu.first_name as target_first_name',
      'tu.last_name as target_last_name',
      sql<string | null>`coalesce(r.name, tt.name, k.description, k.access_key_id, pl.name, ip.name, d.name, tn.name)`.as('target_object_name'),
    ])
    .orderBy('e.id', 'desc')
    .execute();
  return rows.map((row) => ({
    ...toEvent(row),
    actor:
      row.actor_user_id === null
        ? null
        : { id: row.actor_user_id, username: row.actor_username, name: row.actor_first_name === null ? null : personName(row.actor_first_name, row.actor_last_name ?? '') },
    target:
      row.target_type === null || row.target_id === null
        ? null
        : {
            type: row.target_type,
            id: row.target_id,
            name: row.target_first_name !== null ? personName(row.target_first_name, row.target_last_name ?? '') : row.target_object_name,
          },
  }));
}

/** "First Last", as the console shows a person. */
function personName(firstName: string, lastName: string): string {
  return `${firstName} ${lastName}`.trim();
}

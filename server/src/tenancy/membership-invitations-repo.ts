import type { Executor } from '../storage/db.ts';

/**
 * `membership_invitations` (owned by tenancy): an administrator's invitation to an existing account to join their tenant, waiting
 * for the person's consent (SPEC §3.12). At most one pending row (neither accepted nor declined) per tenant and person: the unique
 * partial index `membership_invitations_pending_idx` keeps it so, and a new invitation replaces the pending one.
 */

export interface PendingMembershipInvitation {
  id: string;
  tenantId: string;
  userId: string;
  roleId: string;
  teamId: string | null;
  invitedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
}

export type InvitationAnswer = 'accepted' | 'declined';

const columns = ['id', 'tenant_id', 'user_id', 'role_id', 'team_id', 'invited_by', 'created_at', 'expires_at'] as const;

function invitationOf(row: { id: string; tenant_id: string; user_id: string; role_id: string; team_id: string | null; invited_by: string | null; created_at: Date; expires_at: Date }): PendingMembershipInvitation {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    roleId: row.role_id,
    teamId: row.team_id,
    invitedBy: row.invited_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/**
 * Stores the tenant's pending invitation of the person, in one statement: a pending one already there (expired or not) is
 * replaced, new id included, so an id the person saw before the new invitation no longer answers.
 */
export async function putPendingInvitation(db: Executor, tenantId: string, invitation: Omit<PendingMembershipInvitation, 'tenantId'>): Promise<void> {
  const values = {
    id: invitation.id,
    role_id: invitation.roleId,
    team_id: invitation.teamId,
    invited_by: invitation.invitedBy,
    created_at: invitation.createdAt,
    expires_at: invitation.expiresAt,
  };
  await db
    .insertInto('membership_invitations')
    .values({ ...values, tenant_id: tenantId, user_id: invitation.userId })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'user_id']).where('accepted_at', 'is', null).where('declined_at', 'is', null).doUpdateSet(values))
    .execute();
}

/**
 * Answers the person's pending, unexpired invitation `id` (whatever its tenant), in one conditional UPDATE: of concurrent answers
 * exactly one gets the row back; another person's id, an expired, accepted or declined one gets undefined.
 */
export async function answerPendingInvitation(db: Executor, userId: string, id: string, answer: InvitationAnswer, now: Date): Promise<PendingMembershipInvitation | undefined> {
  const row = await db
    .updateTable('membership_invitations')
    .set(answer === 'accepted' ? { accepted_at: now } : { declined_at: now })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('accepted_at', 'is', null)
    .where('declined_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(columns)
    .executeTakeFirst();
  return row === undefined ? undefined : invitationOf(row);
}

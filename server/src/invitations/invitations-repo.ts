import type { Executor } from '../storage/db.ts';
import type { InvitationRow } from '../storage/database.ts';

export async function insertInvitation(
  db: Executor,
  invitation: { id: string; tenantId: string; userId: string; tokenHash: Buffer; invitedBy: string | null; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('invitations')
    .values({
      id: invitation.id,
      tenant_id: invitation.tenantId,
      user_id: invitation.userId,
      token_hash: invitation.tokenHash,
      invited_by: invitation.invitedBy,
      created_at: invitation.createdAt,
      expires_at: invitation.expiresAt,
      accepted_at: null,
      revoked_at: null,
    })
    .execute();
}

export async function findInvitationByTokenHash(db: Executor, tokenHash: Buffer): Promise<InvitationRow | undefined> {
  return db.selectFrom('invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Revokes every open invitation of a user in a tenant (a resend kills the old link). */
export async function revokeOpenInvitations(db: Executor, tenantId: string, userId: string, at: Date): Promise<void> {
  await db
    .updateTable('invitations')
    .set({ revoked_at: at })
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
}

/**
 * Consumes an invitation if, and only if, it is still pending at `now`. One conditional UPDATE: of any
 * number of concurrent attempts, exactly one gets the row back.
 */
export async function consumeInvitation(db: Executor, id: string, now: Date): Promise<InvitationRow | undefined> {
  return db
    .updateTable('invitations')
    .set({ accepted_at: now })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
}

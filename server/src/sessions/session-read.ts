import type { Executor } from '../storage/db.ts';
import { toSession } from './sessions-repo.ts';
import type { SessionRecord } from './sessions.ts';

/** What a request's session cookie stands for: the session, whether its user is active, and their role in the session's tenant. */
export interface SessionForRequest {
  session: SessionRecord;
  userActive: boolean;
  /** Null when the user is no longer a member of the session's tenant, or that membership is disabled. */
  role: { id: string; permissions: string[] } | null;
}

/**
 * Every signed-in request's one read (like the sign-in's, ADR 0007 point 4): the session by its token hash, its user's status,
 * and the role of their membership in the session's tenant, in one indexed query (`sessions.token_hash`, then primary keys),
 * instead of three round trips. Select-only: the sessions, users and memberships rows are written by their owners' repositories.
 */
export async function findSessionForRequest(db: Executor, tokenHash: Buffer): Promise<SessionForRequest | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .leftJoin('memberships as m', (join) => join.onRef('m.user_id', '=', 's.user_id').onRef('m.tenant_id', '=', 's.tenant_id').on('m.disabled', '=', false))
    .leftJoin('roles as r', (join) => join.onRef('r.id', '=', 'm.role_id').onRef('r.tenant_id', '=', 'm.tenant_id'))
    .selectAll('s')
    .select(['u.status as user_status', 'r.id as role_id', 'r.permissions as role_permissions'])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const { user_status: userStatus, role_id: roleId, role_permissions: permissions, ...session } = row;
  return {
    session: toSession(session),
    userActive: userStatus === 'active',
    role: roleId === null || permissions === null ? null : { id: roleId, permissions },
  };
}

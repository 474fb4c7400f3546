/** A console session, as the sessions domain reads it (the cookie value itself is never stored). */
export interface SessionRecord {
  id: string;
  userId: string;
  tenantId: string;
  createdAt: Date;
  lastSeenAt: Date;
  absoluteExpiresAt: Date;
  idleTimeoutSeconds: number;
  ip: string | null;
  userAgent: string | null;
  passwordChangeRequired: boolean;
}

export type SessionState = 'active' | 'idle-expired' | 'absolute-expired';

/** A session ends after `idleTimeoutSeconds` without use, or at its absolute expiry, whichever is first. */
export function sessionState(session: Pick<SessionRecord, 'lastSeenAt' | 'absoluteExpiresAt' | 'idleTimeoutSeconds'>, now: Date): SessionState {
  if (now.getTime() >= session.absoluteExpiresAt.getTime()) return 'absolute-expired';
  if (now.getTime() - session.lastSeenAt.getTime() >= session.idleTimeoutSeconds * 1000) return 'idle-expired';
  return 'active';
}

/** lastSeenAt is written at most this often, so a busy console does not write on every request. */
export const touchIntervalMs = 60_000;

import type { SessionRow } from '../storage/database.ts';

export type SessionState = 'active' | 'idle-expired' | 'absolute-expired';

/** A session ends after `idle_timeout_seconds` without use, or at its absolute expiry, whichever is first. */
export function sessionState(session: Pick<SessionRow, 'last_seen_at' | 'absolute_expires_at' | 'idle_timeout_seconds'>, now: Date): SessionState {
  if (now.getTime() >= session.absolute_expires_at.getTime()) return 'absolute-expired';
  if (now.getTime() - session.last_seen_at.getTime() >= session.idle_timeout_seconds * 1000) return 'idle-expired';
  return 'active';
}

/** last_seen_at is written at most this often, so a busy console does not write on every request. */
export const touchIntervalMs = 60_000;

import type { AdminUserStatus, AdminUserSummary } from '@lanyard/contracts/admin';
import { AppError } from '../errors/app-error.ts';
import { prefixUpperBound, searchKey } from '@lanyard/contracts/search-key';
import { directoryStatus, type StatusBase } from '../users/users.ts';

/**
 * The user directory of a tenant (SPEC §4b "Administration"): a keyset-paged list, searched by prefix of the
 * username, email, first or last name (case- and accent-insensitive), filtered by role, team and status.
 *
 * Order. Without a search, by the username's search key, then user id. With a search, each user is found
 * through the first of their fields (username, email, first name, last name) whose key starts with the
 * prefix, and the list is ordered by that key, then the field, then the user id, so each user appears
 * exactly once (its other places are read and skipped). The cursor is the sort key of the last row a page
 * covers, opaque to the client.
 */

/** The searchable fields, in the order that decides through which one a user is found. */
export const searchFields = ['username_key', 'email_key', 'first_name_key', 'last_name_key'] as const;
export type SearchField = 0 | 1 | 2 | 3;

export type DirectoryCursor = { mode: 'list'; key: string; userId: string } | { mode: 'search'; key: string; field: SearchField; userId: string };

/** A prefix as one range of keys: `lower <= key < upper` (no upper bound when none exists). */
export interface KeyRange {
  lower: string;
  upper: string | undefined;
}

/** The folded range of a typed prefix; undefined when nothing is left to search for (an empty or all-accent prefix). */
export function searchRange(q: string | undefined): KeyRange | undefined {
  if (q === undefined) return undefined;
  const lower = searchKey(q.trim());
  if (lower === '') return undefined;
  return { lower, upper: prefixUpperBound(lower) };
}

export function encodeCursor(cursor: DirectoryCursor): string {
  const value = cursor.mode === 'list' ? ['l', cursor.key, cursor.userId] : ['s', cursor.key, cursor.field, cursor.userId];
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads a cursor back; one from a search used without one (or the other way round), or anything else, is refused with USER_CURSOR_INVALID. */
export function decodeCursor(text: string, searching: boolean): DirectoryCursor {
  const refuse = () => new AppError('USER_CURSOR_INVALID', { details: { cursor: 'invalid' } });
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(value)) throw refuse();
  const [mode, key, third, fourth] = value as unknown[];
  if (typeof key !== 'string' || key.length > 1500 || key.includes('\u0000')) throw refuse();
  if (mode === 'l' && !searching && value.length === 3 && typeof third === 'string' && uuid.test(third)) return { mode: 'list', key, userId: third };
  if (
    mode === 's' &&
    searching &&
    value.length === 4 &&
    (third === 0 || third === 1 || third === 2 || third === 3) &&
    typeof fourth === 'string' &&
    uuid.test(fourth)
  ) {
    return { mode: 'search', key, field: third, userId: fourth };
  }
  throw refuse();
}

/** A row of the directory as the read model answers it. */
export interface DirectoryEntry {
  userId: string;
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  role: { id: string; name: string };
  team: { id: string; name: string } | null;
  statusBase: StatusBase;
  invitationExpiresAt: Date | null;
  lockedUntil: Date | null;
  /** The sort key the row was found by, and its field (0 without a search). */
  sortKey: string;
  field: SearchField;
  /** This row is the user's first place in the merged order (always, without a search); only such rows are answered. */
  firstPlace: boolean;
}

/**
 * How many rows of the merged order a page reads: one more than the page without a search; with one, twice
 * the page and one, since a user may be read through several fields (each range then reads that many at most).
 */
export function windowFor(limit: number, searching: boolean): number {
  return searching ? limit * 2 + 1 : limit + 1;
}

/**
 * The page from a window of rows in merged order: the rows that are their user's first place, at most
 * `limit`, and the cursor after the last row the page covers — the last answered row when more follow, else
 * the window's last row when the window was full (a short page is then possible), else none.
 */
export function pageOf(window: DirectoryEntry[], limit: number, windowSize: number): { page: DirectoryEntry[]; after: DirectoryEntry | undefined } {
  const answered = window.filter((entry) => entry.firstPlace);
  if (answered.length > limit) return { page: answered.slice(0, limit), after: answered[limit - 1] };
  return { page: answered, after: window.length >= windowSize ? window.at(-1) : undefined };
}

/** The answer's shape for one row at `now`: the status derived by the users model, the lock shown only while it lasts. */
export function summaryOf(entry: DirectoryEntry, now: Date): AdminUserSummary {
  const status: AdminUserStatus = directoryStatus({ base: entry.statusBase, invitationExpiresAt: entry.invitationExpiresAt }, now);
  return {
    id: entry.userId,
    username: entry.username,
    email: entry.email,
    firstName: entry.firstName,
    lastName: entry.lastName,
    role: entry.role,
    team: entry.team,
    status,
    lockedUntil: entry.lockedUntil !== null && entry.lockedUntil.getTime() > now.getTime() ? entry.lockedUntil.toISOString() : null,
  };
}

/** The cursor after a row. */
export function cursorAfter(entry: DirectoryEntry, searching: boolean): string {
  return encodeCursor(searching ? { mode: 'search', key: entry.sortKey, field: entry.field, userId: entry.userId } : { mode: 'list', key: entry.sortKey, userId: entry.userId });
}

/**
 * The failures that count in the current lockout window: the stored count, or none once a lock has lapsed (the next attempt starts
 * a new window, as the attempt counter reads it).
 */
export function failedAttemptsNow(entry: Pick<DirectoryEntry, 'lockedUntil'> & { failedLoginCount: number }, now: Date): number {
  if (entry.lockedUntil !== null && entry.lockedUntil.getTime() <= now.getTime()) return 0;
  return entry.failedLoginCount;
}

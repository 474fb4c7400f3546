import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors/app-error.ts';
import { decodeCursor, encodeCursor, failedAttemptsNow, pageOf, searchRange, summaryOf, type DirectoryEntry } from './directory.ts';

const userId = '0190a3c4-0000-7000-8000-000000000001';

describe('cursors', () => {
  it('round-trip, each for its own kind of list', () => {
    const list = encodeCursor({ mode: 'list', key: 'josé', userId });
    const search = encodeCursor({ mode: 'search', key: 'jose', field: 2, userId });
    expect(list).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(list, false)).toEqual({ mode: 'list', key: 'josé', userId });
    expect(decodeCursor(search, true)).toEqual({ mode: 'search', key: 'jose', field: 2, userId });
  });

  it('refuses a cursor of the other kind, or anything forged, with USER_CURSOR_INVALID', () => {
    const refused = (text: string, searching: boolean) => {
      try {
        decodeCursor(text, searching);
        return false;
      } catch (error) {
        return isAppError(error, 'USER_CURSOR_INVALID');
      }
    };
    expect(refused(encodeCursor({ mode: 'list', key: 'a', userId }), true)).toBe(true);
    expect(refused(encodeCursor({ mode: 'search', key: 'a', field: 0, userId }), false)).toBe(true);
    for (const forged of [['l', 'a', 'not-a-uuid'], ['s', 'a', 7, userId], ['l', 5, userId], { l: 1 }, ['l', 'a\u0000', userId]]) {
      expect(refused(Buffer.from(JSON.stringify(forged)).toString('base64url'), false) && refused(Buffer.from(JSON.stringify(forged)).toString('base64url'), true)).toBe(true);
    }
    expect(refused('bm90IGpzb24', false)).toBe(true);
  });
});

describe('searchRange', () => {
  it('folds the prefix into one range of keys', () => {
    expect(searchRange('  ÉLO ')).toEqual({ lower: 'elo', upper: 'elp' });
    expect(searchRange('')).toBeUndefined();
    expect(searchRange('\u0301')).toBeUndefined();
    expect(searchRange(undefined)).toBeUndefined();
  });
});

describe('summaryOf', () => {
  const entry: DirectoryEntry = {
    userId,
    username: 'ana',
    email: 'ana@example.test',
    firstName: 'Ana',
    lastName: 'Silva',
    role: { id: 'r', name: 'Agent' },
    team: null,
    statusBase: 'invited',
    invitationExpiresAt: new Date('2026-01-02T00:00:00Z'),
    lockedUntil: new Date('2026-01-01T00:30:00Z'),
    sortKey: 'ana',
    field: 0,
    firstPlace: true,
  };

  it('derives the status and shows a lock only while it lasts', () => {
    expect(summaryOf(entry, new Date('2026-01-01T00:00:00Z'))).toMatchObject({ status: 'invited', lockedUntil: '2026-01-01T00:30:00.000Z' });
    expect(summaryOf(entry, new Date('2026-01-02T00:00:00Z'))).toMatchObject({ status: 'invitation_expired', lockedUntil: null });
  });
});

describe('pageOf', () => {
  const row = (userId: string, firstPlace: boolean): DirectoryEntry => ({
    userId,
    username: userId,
    email: '',
    firstName: '',
    lastName: '',
    role: { id: 'r', name: 'R' },
    team: null,
    statusBase: 'enabled',
    invitationExpiresAt: null,
    lockedUntil: null,
    sortKey: userId,
    field: 0,
    firstPlace,
  });

  it('answers first places only; the cursor follows the last answered row, or the full window', () => {
    const window = [row('a', true), row('b', false), row('c', true), row('d', true)];
    expect(pageOf(window, 2, 5)).toEqual({ page: [window[0], window[2]], after: window[2] });
    expect(pageOf(window, 3, 4)).toEqual({ page: [window[0], window[2], window[3]], after: window[3] });
    expect(pageOf(window, 3, 5)).toEqual({ page: [window[0], window[2], window[3]], after: undefined });
    expect(pageOf([row('x', false), row('y', false)], 1, 2)).toEqual({ page: [], after: row('y', false) });
  });
});

describe('failedAttemptsNow', () => {
  const now = new Date('2026-01-15T09:00:00Z');
  it('is the stored count while no lock has lapsed, and none once it has (the next attempt starts a new window)', () => {
    expect(failedAttemptsNow({ lockedUntil: null, failedLoginCount: 3 }, now)).toBe(3);
    expect(failedAttemptsNow({ lockedUntil: new Date(now.getTime() + 1), failedLoginCount: 6 }, now)).toBe(6);
    expect(failedAttemptsNow({ lockedUntil: now, failedLoginCount: 6 }, now)).toBe(0);
    expect(failedAttemptsNow({ lockedUntil: new Date(now.getTime() - 60_000), failedLoginCount: 6 }, now)).toBe(0);
  });
});

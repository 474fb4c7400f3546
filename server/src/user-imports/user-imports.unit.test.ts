import { describe, expect, it } from 'vitest';
import type { Permission } from '@lanyard/contracts/permissions';
import { checkRow, isImportHeader, recordStartLine, reportedUsername, type RowContext } from './user-imports.ts';

const agentRole = { id: '00000000-0000-7000-8000-000000000001', permissions: ['profile.edit'] as Permission[] };
const adminRole = { id: '00000000-0000-7000-8000-000000000002', permissions: ['profile.edit', 'users.invite'] as Permission[] };
const team = { id: '00000000-0000-7000-8000-000000000003' };

function context(permissions: Permission[] = ['profile.edit', 'users.invite']): RowContext {
  return {
    rolesByName: new Map([
      ['agent', agentRole],
      ['administrator', adminRole],
    ]),
    teamsByName: new Map([['blue team', team]]),
    permissions: new Set(permissions),
    seenUsernames: new Set(),
  };
}

describe('the import header', () => {
  it('is exactly the six columns in order', () => {
    expect(isImportHeader(['username', 'email', 'firstName', 'lastName', 'role', 'team'])).toBe(true);
    expect(isImportHeader(['username', 'email', 'firstName', 'lastName', 'role'])).toBe(false);
    expect(isImportHeader(['username', 'email', 'firstName', 'lastName', 'team', 'role'])).toBe(false);
    expect(isImportHeader(['username ', 'email', 'firstName', 'lastName', 'role', 'team'])).toBe(false);
  });
});

describe('checkRow', () => {
  it('answers what a single invitation takes: trimmed, NFC, role and team by canonical name', () => {
    expect(checkRow([' ana ', 'ana@example.test', 'Ana\u0301', 'Lee', 'AGENT', ' Blue team '], context())).toEqual({
      invite: { username: 'ana', email: 'ana@example.test', firstName: 'Aná', lastName: 'Lee', roleId: agentRole.id, teamId: team.id },
    });
    expect(checkRow(['bo', 'bo@example.test', 'Bo', 'Lee', 'Agent', ''], context())).toMatchObject({ invite: { teamId: null } });
  });

  it('names the column at fault, and refuses roles beyond the importer and earlier usernames', () => {
    const shared = context(['profile.edit']);
    expect(checkRow(['ana', 'ana@example.test', 'Ana', 'Lee', 'Administrator', ''], shared)).toEqual({ error: { code: 'ROLE_NOT_GRANTABLE', field: 'role' } });
    expect(checkRow(['ana', 'ana@example.test', 'Ana', 'Lee', 'Agent', ''], shared)).toHaveProperty('invite');
    expect(checkRow(['ANA', 'x@example.test', 'Ana', 'Lee', 'Agent', ''], shared)).toEqual({ error: { code: 'IMPORT_DUPLICATE_USERNAME', field: 'username' } });
    expect(checkRow(['a b', 'x@example.test', 'A', 'B', 'Agent', ''], shared)).toEqual({ error: { code: 'IMPORT_ROW_INVALID', field: 'username' } });
    expect(checkRow(['cy', 'x@example.test', 'C\u202e', 'B', 'Agent', ''], shared)).toEqual({ error: { code: 'IMPORT_ROW_INVALID', field: 'firstName' } });
    expect(checkRow(['cy', 'x@example.test', 'C', '', 'Agent', ''], shared)).toEqual({ error: { code: 'IMPORT_ROW_INVALID', field: 'lastName' } });
    expect(checkRow(['cy', 'x@example.test', 'C', 'D', 'Nobody', ''], shared)).toEqual({ error: { code: 'ROLE_NOT_FOUND', field: 'role' } });
    expect(checkRow(['cy', 'x@example.test', 'C', 'D', 'Agent', 'Red'], shared)).toEqual({ error: { code: 'TEAM_NOT_FOUND', field: 'team' } });
    expect(checkRow(['cy', 'x@example.test', 'C', 'D', 'Agent', 'R\u200bed'], shared)).toEqual({ error: { code: 'IMPORT_ROW_INVALID', field: 'team' } });
    expect(checkRow(['cy', 'x@example.test'], shared)).toEqual({ error: { code: 'IMPORT_ROW_COLUMNS' } });
    // A refused row does not hold its username: a later valid row with it is invited.
    expect(checkRow(['a b', 'x@example.test', 'A', 'B', 'Agent', ''], shared)).toHaveProperty('error');
    expect(checkRow(['cy', 'x@example.test', 'C', 'D', 'Agent', ''], shared)).toHaveProperty('invite');
  });
});

describe('report helpers', () => {
  it('keeps a storable, bounded username and the line a record starts on', () => {
    expect(reportedUsername('a\u0000b')).toBe('a\ufffdb');
    expect(reportedUsername('x'.repeat(300))).toHaveLength(256);
    expect(reportedUsername(undefined)).toBe('');
    expect(recordStartLine(['a', 'two\nlines', 'three\n\nlines'], 10)).toBe(7);
    expect(recordStartLine(['a'], 4)).toBe(4);
  });
});

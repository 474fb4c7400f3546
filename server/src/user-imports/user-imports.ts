import { inviteUserBodySchema } from '@lanyard/contracts/api';
import { canonicalUsername, roleNameSchema, teamNameSchema } from '@lanyard/contracts/common';
import { userImportHeader } from '@lanyard/contracts/admin';
import type { ErrorCode } from '@lanyard/contracts/error-codes';
import type { Permission } from '@lanyard/contracts/permissions';
import { canonicalName } from '../kernel/names.ts';
import { canGrant, type Role } from '../roles/roles.ts';

/** A column of the import file. */
export type ImportField = (typeof userImportHeader)[number];

export type ImportJobState = 'uploading' | 'running' | 'done';
export type ImportRowState = 'pending' | 'invited' | 'failed';

export interface ImportJob {
  id: string;
  tenantId: string;
  createdBy: string | null;
  state: ImportJobState;
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
  createdAt: Date;
  finishedAt: Date | null;
}

/** Why a row failed: an error code, and the column at fault when there is one. */
export interface RowError {
  code: ErrorCode;
  field?: ImportField | undefined;
}

/** A row as stored: pending rows carry their validated values; a row refused while reading the file only its username (for the report) and error. */
export interface ImportRow {
  line: number;
  username: string;
  state: ImportRowState;
  error: RowError | null;
  invite: RowInvite | null;
}

/** What a valid row invites: the same values a single invitation takes. */
export interface RowInvite {
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  roleId: string;
  teamId: string | null;
}

/** True when the first record is exactly the expected header (a UTF-8 byte order mark is dropped before). */
export function isImportHeader(record: readonly string[]): boolean {
  return record.length === userImportHeader.length && userImportHeader.every((name, index) => record[index] === name);
}

/** Longest username kept for the report of a row. */
const maxReportedUsername = 256;

/**
 * The username cell as the report shows it: storable (NUL, which PostgreSQL refuses, becomes U+FFFD) and
 * cut to 256 characters. Whatever else it holds is kept, and defused when the report is written as CSV.
 */
export function reportedUsername(cell: string | undefined): string {
  // eslint-disable-next-line no-control-regex -- NUL is what PostgreSQL refuses
  const text = (cell ?? '').replaceAll(/[\u0000\ud800-\udfff]/gu, '\ufffd');
  if (text.length <= maxReportedUsername) return text;
  const cut = text.slice(0, maxReportedUsername);
  return /[\ud800-\udbff]$/u.test(cut) ? cut.slice(0, -1) : cut;
}

/** What a row is checked against: the tenant's roles and teams by canonical name, the importer's permissions, and the usernames of earlier valid rows. */
export interface RowContext {
  rolesByName: ReadonlyMap<string, Pick<Role, 'id' | 'permissions'>>;
  teamsByName: ReadonlyMap<string, { id: string }>;
  permissions: ReadonlySet<Permission>;
  /** Canonical usernames of earlier rows of the file that are to be invited; a valid row adds its own. */
  seenUsernames: Set<string>;
}

const fieldSchemas = {
  username: inviteUserBodySchema.shape.username,
  email: inviteUserBodySchema.shape.email,
  firstName: inviteUserBodySchema.shape.firstName,
  lastName: inviteUserBodySchema.shape.lastName,
} as const;

/**
 * Checks one data row with the rules of a single invitation (contracts' inviteUserBodySchema): six cells,
 * each field valid, the role and team (by name; the team may be empty) known in the tenant, the role one
 * the importer could hold (ROLE_NOT_GRANTABLE), and the username not on an earlier row of the file.
 * Whether the username is taken in the directory is found when the row is invited.
 */
export function checkRow(record: readonly string[], context: RowContext): { invite: RowInvite } | { error: RowError } {
  if (record.length !== userImportHeader.length) return { error: { code: 'IMPORT_ROW_COLUMNS' } };
  const [usernameCell, emailCell, firstNameCell, lastNameCell, roleCell, teamCell] = record as [string, string, string, string, string, string];
  const values: Partial<Record<keyof typeof fieldSchemas, string>> = {};
  const cells = { username: usernameCell, email: emailCell, firstName: firstNameCell, lastName: lastNameCell };
  for (const field of ['username', 'email', 'firstName', 'lastName'] as const) {
    const parsed = fieldSchemas[field].safeParse(cells[field]);
    if (!parsed.success) return { error: { code: 'IMPORT_ROW_INVALID', field } };
    values[field] = parsed.data;
  }
  const roleName = roleNameSchema.safeParse(roleCell);
  if (!roleName.success) return { error: { code: 'IMPORT_ROW_INVALID', field: 'role' } };
  const role = context.rolesByName.get(canonicalName(roleName.data));
  if (role === undefined) return { error: { code: 'ROLE_NOT_FOUND', field: 'role' } };
  if (!canGrant(context.permissions, role)) return { error: { code: 'ROLE_NOT_GRANTABLE', field: 'role' } };
  let teamId: string | null = null;
  if (teamCell.trim() !== '') {
    const teamName = teamNameSchema.safeParse(teamCell);
    if (!teamName.success) return { error: { code: 'IMPORT_ROW_INVALID', field: 'team' } };
    const team = context.teamsByName.get(canonicalName(teamName.data));
    if (team === undefined) return { error: { code: 'TEAM_NOT_FOUND', field: 'team' } };
    teamId = team.id;
  }
  const username = values.username as string;
  const canonical = canonicalUsername(username);
  if (context.seenUsernames.has(canonical)) return { error: { code: 'IMPORT_DUPLICATE_USERNAME', field: 'username' } };
  context.seenUsernames.add(canonical);
  return {
    invite: { username, email: values.email as string, firstName: values.firstName as string, lastName: values.lastName as string, roleId: role.id, teamId },
  };
}

/** The 1-based row number of a parsed record in the file: the line it ends on, less the line breaks inside its cells. */
export function recordStartLine(record: readonly string[], endLine: number): number {
  let breaks = 0;
  for (const cell of record) for (const character of cell) if (character === '\n') breaks += 1;
  return Math.max(1, endLine - breaks);
}

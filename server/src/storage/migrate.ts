import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './db.ts';
import * as directory from './migrations/0001-directory.ts';
import * as passwordsAndAudit from './migrations/0002-passwords-and-audit.ts';
import * as outboxDelivery from './migrations/0003-outbox-delivery.ts';
import * as accessKeys from './migrations/0004-access-keys.ts';
import * as accessKeyTokenVersion from './migrations/0005-access-key-token-version.ts';
import * as singleUseLinks from './migrations/0006-single-use-links.ts';
import * as auditNoTruncate from './migrations/0007-audit-no-truncate.ts';
import * as userDirectory from './migrations/0008-user-directory.ts';
import * as userImports from './migrations/0009-user-imports.ts';
import * as rolesTeamsPolicies from './migrations/0010-roles-teams-policies.ts';
import * as mfa from './migrations/0011-mfa.ts';
import * as singleSignOn from './migrations/0012-single-sign-on.ts';
import * as accountDownloads from './migrations/0013-account-downloads.ts';
import * as presence from './migrations/0014-presence.ts';
import * as sessionSecondFactor from './migrations/0015-session-second-factor.ts';
import * as tenantBoundaries from './migrations/0016-tenant-boundaries.ts';
import * as ssoBoundaries from './migrations/0017-sso-boundaries.ts';
import * as outboxSealedBodies from './migrations/0018-outbox-sealed-bodies.ts';
import * as passwordAttemptsInFlight from './migrations/0019-password-attempts-in-flight.ts';
import * as administratorWithoutPresence from './migrations/0020-administrator-without-presence.ts';
import * as auditLoginFailures from './migrations/0021-audit-login-failures.ts';

/** Numbered, append-only migrations, listed here so the bundle needs no filesystem scan. */
const migrations: Record<string, Migration> = {
  '0001-directory': directory,
  '0002-passwords-and-audit': passwordsAndAudit,
  '0003-outbox-delivery': outboxDelivery,
  '0004-access-keys': accessKeys,
  '0005-access-key-token-version': accessKeyTokenVersion,
  '0006-single-use-links': singleUseLinks,
  '0007-audit-no-truncate': auditNoTruncate,
  '0008-user-directory': userDirectory,
  '0009-user-imports': userImports,
  '0010-roles-teams-policies': rolesTeamsPolicies,
  '0011-mfa': mfa,
  '0012-single-sign-on': singleSignOn,
  '0013-account-downloads': accountDownloads,
  '0014-presence': presence,
  '0015-session-second-factor': sessionSecondFactor,
  '0016-tenant-boundaries': tenantBoundaries,
  '0017-sso-boundaries': ssoBoundaries,
  '0018-outbox-sealed-bodies': outboxSealedBodies,
  '0019-password-attempts-in-flight': passwordAttemptsInFlight,
  '0020-administrator-without-presence': administratorWithoutPresence,
  '0021-audit-login-failures': auditLoginFailures,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

export const latestMigration = Object.keys(migrations).sort().at(-1) ?? '';

function migrator(db: Db): Migrator {
  return new Migrator({ db, provider, migrationTableName: 'lanyard_migrations', migrationLockTableName: 'lanyard_migrations_lock' });
}

/** Applies every pending migration; safe to run from several instances at once (Kysely takes a lock). */
export async function migrateToLatest(db: Db): Promise<string[]> {
  if (await isUpToDate(db)) return [];
  const { error, results } = await migrator(db).migrateToLatest();
  if (error !== undefined) throw error instanceof Error ? error : new Error('migration failed', { cause: error });
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

/** Applies the migrations up to and including `name` (tests of a migration's data copy start from the one before). */
export async function migrateUpTo(db: Db, name: string): Promise<void> {
  const { error } = await migrator(db).migrateTo(name);
  if (error !== undefined) throw error instanceof Error ? error : new Error('migration failed', { cause: error });
}

export async function pendingMigrations(db: Db): Promise<string[]> {
  const all = await migrator(db).getMigrations();
  return all.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
}

/**
 * Whether every migration is recorded as applied. Most starts find nothing to do, and
 * Kysely's migrator first introspects every table and column of the database to learn whether its own
 * tables exist (~0.4 s of a start on PGlite, bench/start.ts); this answers first, in two small reads. Any failure (no table yet,
 * no connection) leaves the decision to the migrator, which reports real problems itself.
 */
async function isUpToDate(db: Db): Promise<boolean> {
  try {
    const table = await sql<{ present: boolean }>`select to_regclass('lanyard_migrations') is not null as present`.execute(db);
    if (table.rows[0]?.present !== true) return false;
    const applied = await sql<{ name: string }>`select name from lanyard_migrations`.execute(db);
    const names = new Set(applied.rows.map((row) => row.name));
    return Object.keys(migrations).every((name) => names.has(name));
  } catch {
    return false;
  }
}

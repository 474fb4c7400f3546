import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Db, type StorageTarget } from '../storage/db.ts';
import { migrateUpTo } from '../storage/migrate.ts';

/**
 * A fresh, empty database for one test file: PGlite in memory, or a new PostgreSQL database created next
 * to LANYARD_TEST_DATABASE_URL and dropped afterwards. Tests are configuration too, so this is the one
 * place outside config/ that reads the environment.
 */
// eslint-disable-next-line no-restricted-properties -- test-only switch between the two storage engines
const env = process.env;

export interface TestDatabase {
  target: StorageTarget;
  kind: 'pglite' | 'postgres';
  drop(): Promise<void>;
}

/** Which engine createTestDatabase gives this run (the Vitest project): some tests need several connections. */
export function testStorageKind(): TestDatabase['kind'] {
  const url = env.LANYARD_TEST_DATABASE_URL;
  return env.LANYARD_TEST_STORAGE === 'postgres' && url !== undefined && url !== '' ? 'postgres' : 'pglite';
}

/** The PostgreSQL server's URL the test databases are created next to (to act on them from outside), if any. */
export function testServerUrl(): string | undefined {
  return testStorageKind() === 'postgres' ? env.LANYARD_TEST_DATABASE_URL : undefined;
}

/** The PGlite template's bytes, read once per test file (process). */
let pgliteTemplate: Promise<Blob | undefined> | undefined;
function loadPgliteTemplate(): Promise<Blob | undefined> {
  const file = inject('lanyardPgliteTemplate') as string | undefined;
  if (file === undefined) return Promise.resolve(undefined);
  pgliteTemplate ??= readFile(file).then((bytes) => new Blob([bytes]));
  return pgliteTemplate;
}

/**
 * A database for one test file: empty, or with `migrated` a copy of the schema the run's global setup
 * migrated once (global-setup.ts); without that setup (another config), an empty one the caller migrates.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const url = env.LANYARD_TEST_DATABASE_URL;
  if (testStorageKind() === 'pglite' || url === undefined) {
    const loadDataDir = options.migrated === true ? await loadPgliteTemplate() : undefined;
    return { kind: 'pglite', target: { kind: 'pglite', dataDir: undefined, loadDataDir }, drop: async () => {} };
  }
  const name = `lanyard_t_${randomBytes(6).toString('hex')}`;
  const template = options.migrated === true ? (inject('lanyardPostgresTemplate') as string | undefined) : undefined;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(template === undefined ? `create database ${name}` : `create database ${name} template ${template}`);
  await admin.end();
  const testUrl = new URL(url);
  testUrl.pathname = `/${name}`;
  return {
    kind: 'postgres',
    target: { kind: 'postgres', url: testUrl.href, maxConnections: 20 },
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      // A pool's end() resolves before its backends have read the goodbye; a forced drop would then end them
      // with 57P01 while their clients still listen. Give them up to two seconds to go by themselves first.
      for (let waited = 0; waited < 2_000; waited += 20) {
        const open = await client.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        if ((open.rows[0] as { n: number } | undefined)?.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** A fresh, empty database migrated up to and including `migration`, where a test of the migration after it starts; `close()` ends and drops it. */
export async function databaseMigratedUpTo(migration: string): Promise<{ db: Db; close: () => Promise<void> }> {
  const database = await createTestDatabase();
  const db = await openDatabase(database.target);
  await migrateUpTo(db, migration);
  return {
    db,
    close: async () => {
      await db.destroy();
      await database.drop();
    },
  };
}

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';
import { withDatabaseFaults } from './database-faults.ts';
import { PgliteDialect } from './pglite-dialect.ts';
import { withPreparedStatements } from './prepared-statements.ts';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
/** A function that works on the database or inside a caller's transaction. */
export type Executor = Db | Trx;

export type StorageTarget =
  | {
      kind: 'postgres';
      url: string;
      maxConnections?: number;
      /** Named statements, each parsed and planned once per connection (default true; see prepared-statements.ts). */
      preparedStatements?: boolean;
      /** A connection was lost (idle or in use); the pool replaces it at the next checkout. */
      onConnectionError?: (error: Error) => void;
    }
  | {
      kind: 'pglite';
      dataDir: string | undefined;
      /** In memory only: start from this dump of a data directory (PGlite's dumpDataDir) instead of an empty one. */
      loadDataDir?: Blob | undefined;
    };

/** Opens the database: PostgreSQL when a URL is given, otherwise PGlite (in memory when dataDir is undefined). */
export async function openDatabase(target: StorageTarget): Promise<Db> {
  if (target.kind === 'postgres') {
    // A request waits at most 5 s for a connection (a PostgreSQL that accepts no connections, or a pool
    // exhausted that long), then answers 503 SERVICE_NOT_READY (database-faults.ts) instead of hanging.
    const pool = new pg.Pool({ connectionString: target.url, max: target.maxConnections ?? 10, connectionTimeoutMillis: 5_000 });
    // A connection dropped by the server (restart, failover, pg_terminate_backend) must not crash the
    // process. `pg` emits 'error' on the client, and the pool listens only while the client is idle, so
    // every client gets a listener of its own for its whole life; the idle one's report is that one's.
    pool.on('connect', (client) => client.on('error', (error) => target.onConnectionError?.(error)));
    pool.on('error', () => undefined);
    const wrapped = withPreparedStatements(pool, target.preparedStatements === false ? { maxStatements: 0 } : {});
    return new Kysely<Database>({ dialect: withDatabaseFaults(new PostgresDialect({ pool: wrapped }), { retryReads: true }) });
  }
  let pglite: PGlite;
  if (target.dataDir === undefined) {
    pglite = target.loadDataDir === undefined ? new PGlite() : new PGlite({ loadDataDir: target.loadDataDir });
  } else {
    await mkdir(path.dirname(target.dataDir), { recursive: true });
    pglite = new PGlite(target.dataDir);
  }
  return new Kysely<Database>({ dialect: withDatabaseFaults(new PgliteDialect(pglite), { retryReads: false }) });
}

/** Serialises work across instances: held until the transaction ends. */
export async function takeTransactionLock(trx: Trx, key: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(${key})`.execute(trx);
}

export async function isDatabaseReachable(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

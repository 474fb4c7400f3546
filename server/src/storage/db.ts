import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';
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
      onIdleError?: (error: Error) => void;
    }
  | { kind: 'pglite'; dataDir: string | undefined };

/** Opens the database: PostgreSQL when a URL is given, otherwise PGlite (in memory when dataDir is undefined). */
export async function openDatabase(target: StorageTarget): Promise<Db> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: target.maxConnections ?? 10 });
    // An idle connection dropped by the server (restart, failover) must not crash the process; the pool
    // replaces it on the next checkout.
    pool.on('error', (error) => target.onIdleError?.(error));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool: target.preparedStatements === false ? pool : withPreparedStatements(pool) }) });
  }
  let pglite: PGlite;
  if (target.dataDir === undefined) {
    pglite = new PGlite();
  } else {
    await mkdir(path.dirname(target.dataDir), { recursive: true });
    pglite = new PGlite(target.dataDir);
  }
  return new Kysely<Database>({ dialect: new PgliteDialect(pglite) });
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

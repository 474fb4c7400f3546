import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { Database } from './database.ts';
import type { Db } from './db.ts';

const writeStatement = /^\s*(insert|update|delete)\s/i;

/** Takes the statements repos "execute" instead of running them, and answers each with no rows. */
function recordingDatabase(statements: CompiledQuery[]): Db {
  const connection: DatabaseConnection = {
    executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      if (!writeStatement.test(query.sql)) return Promise.reject(new Error('writeTogether takes inserts, updates and deletes only'));
      statements.push(query);
      return Promise.resolve({ rows: [] });
    },
    // eslint-disable-next-line require-yield -- never streams
    async *streamQuery(): AsyncIterableIterator<QueryResult<never>> {
      throw new Error('writeTogether does not stream');
    },
  };
  const refuse = () => Promise.reject(new Error('writeTogether is one statement: it has no transaction of its own'));
  const driver: Driver = {
    init: () => Promise.resolve(),
    acquireConnection: () => Promise.resolve(connection),
    beginTransaction: refuse,
    commitTransaction: refuse,
    rollbackTransaction: refuse,
    releaseConnection: () => Promise.resolve(),
    destroy: () => Promise.resolve(),
  };
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}

/**
 * Several writes that must happen together (a change and its audit row), sent as one statement: each
 * becomes a data-modifying CTE of `with w0 as (…), w1 as (…) select 1`, which PostgreSQL runs exactly
 * once and atomically — all rows or none — in one round trip, where BEGIN, the writes and COMMIT take one
 * each. The writes must not read what the others write (they all see the same snapshot) and must not need
 * their results: `build` gets a database that records statements and answers every one with no rows.
 */
export async function writeTogether(db: Db, build: (writes: Db) => Promise<void>): Promise<void> {
  const statements: CompiledQuery[] = [];
  await build(recordingDatabase(statements));
  const [only] = statements;
  if (only === undefined) return;
  if (statements.length === 1) {
    await db.executeQuery(only);
    return;
  }
  const parameters: unknown[] = [];
  const parts = statements.map((statement, index) => {
    const offset = parameters.length;
    parameters.push(...statement.parameters);
    // Kysely passes every value as a parameter, so `$n` in its SQL is always a placeholder.
    return `w${index} as (${statement.sql.replace(/\$(\d+)/g, (_placeholder, number: string) => `$${Number(number) + offset}`)})`;
  });
  await db.executeQuery(CompiledQuery.raw(`with ${parts.join(', ')} select 1`, parameters));
}

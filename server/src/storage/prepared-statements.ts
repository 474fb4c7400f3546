import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';
import { databaseFaultOf } from './database-faults.ts';

/** Statements worth naming: the ones PostgreSQL plans. Transaction control and DDL are sent as they are. */
const plannable = /^\s*(?:select|insert|update|delete|with)\b/i;

/** PostgreSQL's answer when a table a named `select *` reads changed shape (a migration by a newer release). */
function isStalePlan(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === '0A000' &&
    error.message.includes('cached plan must not change result type')
  );
}

export interface PreparedStatementsOptions {
  /** Distinct statements given a name; past this, further ones are sent unnamed (planned every time). */
  maxStatements?: number;
}

/**
 * Lets every connection of a `pg` pool parse and plan each distinct statement once. Without a name,
 * PostgreSQL parses and plans every query anew: the membership read of a sign-in (three tables joined) costs
 * 317 µs of PostgreSQL's CPU that way, 57 µs as a named statement (bench/login.ts, docs/benchmarks.md).
 *
 * Kysely sends the same SQL text for the same query shape with different parameters, so the text is the
 * key: the first use of a text names it, and each connection prepares a named statement the first time it
 * runs it (node-postgres remembers which ones it has). A release that migrates the schema under older
 * instances can invalidate their `select *` statements ("cached plan must not change result type"): that
 * query is repeated unnamed, and every statement gets a fresh name, so each connection prepares it again.
 * Inside a transaction the repeat cannot succeed, and the transaction fails as it would have anyway.
 *
 * Off with LANYARD_DATABASE_PREPARED_STATEMENTS=false (`maxStatements: 0`), for a pooler in transaction
 * mode that does not keep named statements per client (PgBouncer before 1.21).
 *
 * Either way a client whose connection failed is closed when it is given back, never reused.
 */
export function withPreparedStatements(pool: pg.Pool, options: PreparedStatementsOptions = {}): PostgresPool {
  const maxStatements = options.maxStatements ?? 1_000;
  let generation = 0;
  let names = new Map<string, string>();
  const nameFor = (sql: string): string | undefined => {
    let name = names.get(sql);
    if (name === undefined && names.size < maxStatements && plannable.test(sql)) {
      name = `lanyard_${generation}_${names.size}`;
      names.set(sql, name);
    }
    return name;
  };
  const renameAll = () => {
    generation += 1;
    names = new Map();
  };

  const query = async <R>(client: pg.PoolClient, sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>> => {
    const values = parameters as unknown[];
    const name = nameFor(sql);
    if (name === undefined) return (await client.query(sql, values)) as unknown as PostgresQueryResult<R>;
    try {
      return (await client.query({ name, text: sql, values })) as unknown as PostgresQueryResult<R>;
    } catch (error) {
      if (!isStalePlan(error)) throw error;
      renameAll();
      try {
        return (await client.query(sql, values)) as unknown as PostgresQueryResult<R>;
      } catch {
        throw error;
      }
    }
  };

  // Kysely keeps one connection object per pool client, so each client gets one wrapper.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let wrapper = wrappers.get(client);
    if (wrapper === undefined) {
      // A client whose connection failed is given back with its error, so the pool closes it instead of
      // handing it out again: `pg` may not have noticed yet that the server ended the session.
      let lost: Error | undefined;
      const noticing = async <T>(running: Promise<T>): Promise<T> => {
        try {
          return await running;
        } catch (error) {
          if (databaseFaultOf(error) !== undefined) lost = error as Error;
          throw error;
        }
      };
      wrapper = {
        query: ((sqlOrCursor: string | PostgresCursor<unknown>, parameters?: readonly unknown[]) =>
          typeof sqlOrCursor === 'string'
            ? noticing(query(client, sqlOrCursor, parameters ?? []))
            : client.query(sqlOrCursor as unknown as pg.Submittable)) as PostgresPoolClient['query'],
        release: () => client.release(lost),
      };
      wrappers.set(client, wrapper);
    }
    return wrapper;
  };

  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
}

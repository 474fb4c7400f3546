import { createServer, type AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors/app-error.ts';
import { PgliteDialect } from './pglite-dialect.ts';
import { classifyDatabaseError, databaseFaultOf, faultToAppError, isReadStatement, withDatabaseFaults, withinRequestScope, type StatementStage } from './database-faults.ts';

function serverError(code: string, message: string): pg.DatabaseError {
  const error = new pg.DatabaseError(message, message.length, 'error');
  error.code = code;
  error.severity = 'FATAL';
  return error;
}

/** A port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('databaseFaultOf', () => {
  it('names a refused connection (a closed port) unavailable', async () => {
    const client = new pg.Client({ connectionString: `postgres://nobody@127.0.0.1:${await closedPort()}/none` });
    const refused = await client.connect().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(databaseFaultOf(refused)).toBe('unavailable');
  });

  it('names a server that refuses sessions for now unavailable, and one that ends the session lost', () => {
    expect(databaseFaultOf(serverError('57P03', 'the database system is starting up'))).toBe('unavailable');
    expect(databaseFaultOf(serverError('53300', 'sorry, too many clients already'))).toBe('unavailable');
    expect(databaseFaultOf(serverError('57P01', 'terminating connection due to administrator command'))).toBe('lost');
    expect(databaseFaultOf(serverError('57P02', 'terminating connection because of crash of another server process'))).toBe('lost');
    expect(databaseFaultOf(serverError('08006', 'connection failure'))).toBe('lost');
    expect(databaseFaultOf(new Error('Connection terminated unexpectedly'))).toBe('lost');
    expect(databaseFaultOf(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe('lost');
  });

  it('leaves every other database error alone', () => {
    const unique = serverError('23505', 'duplicate key value violates unique constraint "users_username_key"');
    expect(databaseFaultOf(unique)).toBeUndefined();
    expect(databaseFaultOf(serverError('42P01', 'relation "nope" does not exist'))).toBeUndefined();
    expect(databaseFaultOf(new TypeError('x is undefined'))).toBeUndefined();
    expect(databaseFaultOf('a string')).toBeUndefined();
    expect(classifyDatabaseError(unique, 'write')).toBe(unique);
  });
});

describe('faultToAppError', () => {
  const cases: [Parameters<typeof faultToAppError>[0], StatementStage, string][] = [
    ['unavailable', 'write', 'SERVICE_NOT_READY'],
    ['unavailable', 'commit', 'SERVICE_NOT_READY'],
    ['not-sent', 'write', 'SERVICE_NOT_READY'],
    ['not-sent', 'commit', 'SERVICE_NOT_READY'],
    ['lost', 'read', 'SERVICE_NOT_READY'],
    ['lost', 'in-transaction', 'SERVICE_NOT_READY'],
    ['lost', 'write', 'SERVICE_OUTCOME_UNKNOWN'],
    ['lost', 'commit', 'SERVICE_OUTCOME_UNKNOWN'],
  ];
  it.each(cases)('%s during %s answers %s, with Retry-After', (fault, stage, code) => {
    const error = faultToAppError(fault, stage, new Error('cause'));
    expect(error.code).toBe(code);
    expect(error.status).toBe(503);
    expect(error.headers).toEqual({ 'retry-after': '1' });
  });

  it('on a closed PGlite answers SERVICE_NOT_READY, and SERVICE_OUTCOME_UNKNOWN once a write of the same request was applied', async () => {
    const inRequest = <T>(work: () => Promise<T>) => new Promise<T>((resolve, reject) => withinRequestScope(() => void work().then(resolve, reject)));
    const codeOf = (error: unknown) => (isAppError(error) ? error.code : error);
    const pglite = new PGlite();
    const db = new Kysely<unknown>({ dialect: withDatabaseFaults(new PgliteDialect(pglite), { retryReads: false }) });
    await sql`create table t (x int)`.execute(db);
    const answers = await inRequest(async () => {
      const before = await sql`select 1`.execute(db).then(() => 'ok');
      await sql`insert into t values (1)`.execute(db);
      await pglite.close();
      const raw = await pglite.query('select 1').catch((error: unknown) => error);
      return [before, databaseFaultOf(raw), await sql`select 1`.execute(db).catch(codeOf)];
    });
    expect(answers).toEqual(['ok', 'unavailable', 'SERVICE_OUTCOME_UNKNOWN']);
    // Without a write applied first, the same closed database means nothing ran.
    expect(await inRequest(() => sql`select 1`.execute(db).catch(codeOf))).toBe('SERVICE_NOT_READY');
    expect(await sql`insert into t values (2)`.execute(db).catch(codeOf)).toBe('SERVICE_NOT_READY');
  }, 60_000);
});

describe('isReadStatement', () => {
  it('takes selects and selecting CTEs as reads, and data-modifying statements as writes', () => {
    expect(isReadStatement('select "id" from "users" where "id" = $1')).toBe(true);
    expect(isReadStatement('  with recent as (select 1) select * from recent')).toBe(true);
    expect(isReadStatement('with w0 as (insert into "sessions" values ($1)) select 1')).toBe(false);
    expect(isReadStatement('insert into "audit_events" values ($1)')).toBe(false);
    expect(isReadStatement('update "users" set "failed_login_count" = 0')).toBe(false);
    expect(isReadStatement('commit')).toBe(false);
  });
});

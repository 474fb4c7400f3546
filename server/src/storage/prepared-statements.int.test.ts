import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testStorageKind, type TestDatabase } from '../testing/test-database.ts';
import { withPreparedStatements, type PreparedStatementsOptions } from './prepared-statements.ts';

interface Scratch {
  things: { id: number; label: string };
}

describe.runIf(testStorageKind() === 'postgres')('named statements on PostgreSQL', () => {
  let database: TestDatabase;
  const opened: Kysely<Scratch>[] = [];
  /** One connection, so every statement lands on the connection the test then inspects. */
  const open = (options?: PreparedStatementsOptions | false) => {
    if (database.target.kind !== 'postgres') throw new Error('PostgreSQL only');
    const pool = new pg.Pool({ connectionString: database.target.url, max: 1 });
    // The teardown's forced drop may end a backend that is still closing; that is not this test's concern.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = new Kysely<Scratch>({ dialect: new PostgresDialect({ pool: options === false ? pool : withPreparedStatements(pool, options) }) });
    opened.push(db);
    return db;
  };
  const preparedOn = async (db: Kysely<Scratch>) =>
    (await sql<{ statement: string }>`select statement from pg_prepared_statements order by prepare_time`.execute(db)).rows.map(
      (row) => row.statement,
    );

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = open(false);
    await sql`create table things (id int primary key, label text not null)`.execute(db);
    await db.insertInto('things').values([{ id: 1, label: 'one' }, { id: 2, label: 'two' }]).execute();
  });
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.destroy()));
    await database.drop();
  });

  it('prepares a query once per connection and runs it with each call’s values', async () => {
    const db = open();
    const byId = (id: number) => db.selectFrom('things').select('label').where('id', '=', id).executeTakeFirst();
    expect(await byId(1)).toEqual({ label: 'one' });
    expect(await byId(2)).toEqual({ label: 'two' });
    expect(await byId(3)).toBeUndefined();
    const text = db.selectFrom('things').select('label').where('id', '=', 0).compile().sql;
    expect((await preparedOn(db)).filter((statement) => statement === text)).toHaveLength(1);
  });

  it('sends transaction control and DDL unnamed, and writes inside transactions through named statements', async () => {
    const db = open();
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('things').values({ id: 10, label: 'ten' }).execute();
      await trx.updateTable('things').set({ label: 'TEN' }).where('id', '=', 10).execute();
    });
    expect(await db.selectFrom('things').select('label').where('id', '=', 10).executeTakeFirstOrThrow()).toEqual({ label: 'TEN' });
    const prepared = await preparedOn(db);
    expect(prepared.some((statement) => /^insert into "things"/.test(statement))).toBe(true);
    expect(prepared.some((statement) => /^(begin|commit)/i.test(statement))).toBe(false);
    await db.deleteFrom('things').where('id', '=', 10).execute();
  });

  it('names no more than maxStatements distinct statements; the rest run unnamed', async () => {
    const db = open({ maxStatements: 1 });
    expect(await db.selectFrom('things').select('label').where('id', '=', 1).executeTakeFirst()).toEqual({ label: 'one' });
    expect(await db.selectFrom('things').select('id').where('label', '=', 'two').executeTakeFirst()).toEqual({ id: 2 });
    expect(await preparedOn(db)).toEqual([db.selectFrom('things').select('label').where('id', '=', 0).compile().sql]);
  });

  it('with named statements off, prepares nothing', async () => {
    const db = open(false);
    await db.selectFrom('things').select('label').where('id', '=', 1).executeTakeFirst();
    expect(await preparedOn(db)).toEqual([]);
  });

  it('reads a table again after a migration changed its shape under a named select *', async () => {
    const db = open();
    const all = () => db.selectFrom('things').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
    expect(await all()).toEqual({ id: 1, label: 'one' });
    // Another instance, a newer release, migrates.
    await sql`alter table things add column note text not null default 'n'`.execute(open(false));
    expect(await all()).toEqual({ id: 1, label: 'one', note: 'n' });
    expect(await all()).toEqual({ id: 1, label: 'one', note: 'n' });

    // Inside a transaction the repeat is impossible: that transaction fails, the next one works.
    await sql`alter table things drop column note`.execute(open(false));
    await expect(db.transaction().execute(async (trx) => trx.selectFrom('things').selectAll().where('id', '=', 1).executeTakeFirstOrThrow())).rejects.toMatchObject({ code: '0A000' });
    expect(await db.transaction().execute(async (trx) => trx.selectFrom('things').selectAll().where('id', '=', 1).executeTakeFirstOrThrow())).toEqual({ id: 1, label: 'one' });
  });
});

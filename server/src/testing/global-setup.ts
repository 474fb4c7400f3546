import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import type { Database } from '../storage/database.ts';
import { openDatabase } from '../storage/db.ts';
import { PgliteDialect } from '../storage/pglite-dialect.ts';
import { migrateToLatest } from '../storage/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PGlite data directory, migrated to the latest schema, as dumpDataDir wrote it: each test app starts from a copy. */
    lanyardPgliteTemplate: string;
    /** A PostgreSQL database next to LANYARD_TEST_DATABASE_URL, migrated to the latest schema: each test database is cloned from it. */
    lanyardPostgresTemplate: string;
  }
}

/**
 * Once per run, before any integration file: the schema is migrated once per engine, and each test app
 * starts from a copy of it (PGlite: loadDataDir; PostgreSQL: CREATE DATABASE … TEMPLATE) instead of running
 * initdb and every migration again. The copies are exactly what migrating a fresh database gives.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cleanups: (() => Promise<void>)[] = [];
  // eslint-disable-next-line no-restricted-properties -- test-only switch between the two storage engines, as in test-database.ts
  const env = process.env;
  const kind = project.config.env.LANYARD_TEST_STORAGE;
  if (kind === 'pglite') {
    const dir = await mkdtemp(path.join(tmpdir(), 'lanyard-template-'));
    const pglite = new PGlite();
    const db = new Kysely<Database>({ dialect: new PgliteDialect(pglite) });
    await migrateToLatest(db);
    const dump = await pglite.dumpDataDir('none');
    await db.destroy();
    const file = path.join(dir, 'pgdata.tar');
    await writeFile(file, Buffer.from(await dump.arrayBuffer()));
    project.provide('lanyardPgliteTemplate', file);
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
  }
  const url = env.LANYARD_TEST_DATABASE_URL;
  if (kind === 'postgres' && url !== undefined && url !== '') {
    const name = `lanyard_template_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const templateUrl = new URL(url);
    templateUrl.pathname = `/${name}`;
    const db = await openDatabase({ kind: 'postgres', url: templateUrl.href, maxConnections: 1 });
    await migrateToLatest(db);
    await db.destroy();
    project.provide('lanyardPostgresTemplate', name);
    cleanups.push(async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    });
  }
  return async () => {
    for (const cleanup of cleanups) await cleanup();
  };
}

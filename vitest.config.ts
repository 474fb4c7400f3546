import { defineConfig } from 'vitest/config';

/**
 * Unit tests run once. The integration suite runs on PGlite, and again on PostgreSQL when
 * LANYARD_TEST_DATABASE_URL is set (CI sets it): one suite, every database.
 */
const integration = ['server/src/**/*.int.test.ts'];
/** Migrates the schema once per run and engine; each test app starts from a copy of it (server/src/testing/global-setup.ts). */
const globalSetup = ['server/src/testing/global-setup.ts'];
/**
 * Integration files share their worker's modules (the server, its dependencies, the PGlite WebAssembly) instead of
 * loading them again for every file: each file still gets its own app and database from createTestApp, and no
 * module of the server keeps state a file could leave behind (only caches of constant data and the id sequence).
 * With isolation every file spent its first ~1–2 s of CPU importing; docs/architecture.md, "Test suite: where the time goes".
 */
const isolate = false;
const onPostgres = process.env.LANYARD_TEST_DATABASE_URL !== undefined && process.env.LANYARD_TEST_DATABASE_URL !== '';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    // Two files at a time on two cores: much of a file's time is waiting on PostgreSQL, argon2's threads or
    // the clock, so a second file fills it (Vitest's default, cores − 1, would run one file at a time).
    maxWorkers: 2,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['contracts/src/**/*.unit.test.ts', 'server/src/**/*.unit.test.ts', 'scripts/**/*.unit.test.ts', 'web/src/**/*.unit.test.ts'] } },
      { extends: true, test: { name: 'pglite', include: integration, globalSetup, isolate, env: { LANYARD_TEST_STORAGE: 'pglite' } } },
      ...(onPostgres
        ? [{ extends: true, test: { name: 'postgres', include: integration, globalSetup, isolate, env: { LANYARD_TEST_STORAGE: 'postgres' } } }]
        : []),
    ],
  },
});

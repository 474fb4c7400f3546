import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { buildApp } from '../app.ts';
import { loadConfig, type Config } from '../config/config.ts';
import { createDeps, type Deps } from '../deps.ts';
import type { App } from '../http/fastify-types.ts';
import { logRedactPaths, logSerializers } from '../http/logging.ts';
import { TestClock } from '../kernel/clock.ts';
import type { HasherOptions } from '../passwords/password-hasher.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { createTestDatabase } from './test-database.ts';

export const testOrigin = 'http://lanyard.test';
export const strongPassword = 'Correct-Horse-42-battery';
/** The master key of every test app (tests that build a component of their own, e.g. a second delivery worker, use it too). */
export const testMasterKey = Buffer.alloc(32, 7);

export interface ReceivedEmail {
  to: string;
  subject: string;
  text: string;
  links: string[];
}

export interface TestApp {
  app: App;
  deps: Deps;
  storage: 'pglite' | 'postgres';
  /**
   * Another instance of Lanyard on the same database, with its own caches. On PostgreSQL it has its own
   * connections; PGlite belongs to one process, so there it shares the first instance's database handle and
   * hears invalidations only through Redis (when LANYARD_REDIS_URL is set). By default it shares the first
   * instance's Redis invalidation channel.
   */
  secondInstance(options?: { invalidationChannel?: string }): Promise<{ app: App; deps: Deps; close(): Promise<void> }>;
  /** The Redis channel this app's invalidations use (unique to it, so parallel test files do not hear each other). */
  invalidationChannel: string;
  clock: TestClock;
  config: Readonly<Config>;
  /** Everything the app logged, one JSON line each. */
  logLines(): string[];
  /** Delivers the outbox (the real file transport) and parses every email written so far. */
  mailbox(): Promise<ReceivedEmail[]>;
  close(): Promise<void>;
}

/** The whole application on a fresh database, a controllable clock and a temporary data directory. */
export async function createTestApp(env: Record<string, string> = {}, options: { hasher?: HasherOptions } = {}): Promise<TestApp> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'lanyard-test-'));
  // A copy of the schema migrated once per run; migrateToLatest below then finds nothing to do.
  const database = await createTestDatabase({ migrated: true });
  // Many tests sign in repeatedly from one address; the tests of rate limiting set their own limit.
  const config = loadConfig({ LANYARD_DATA_DIR: dataDir, LANYARD_PUBLIC_URL: testOrigin, LANYARD_LOG_LEVEL: 'info', LANYARD_AUTH_RATE_LIMIT: '100000', ...env });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino({ level: 'info', serializers: logSerializers, redact: { paths: logRedactPaths, censor: '[redacted]' } }, sink);
  const clock = new TestClock();
  const invalidationChannel = uniqueInvalidationChannel();
  // Tests fire many parallel requests at a two-worker pool; shedding itself is tested on the hasher directly.
  const hasher = options.hasher ?? { size: 2, maxQueue: 1000 };
  const deps = await createDeps(config, { clock, logger, storage: database.target, masterKey: testMasterKey, hasher, invalidationChannel });
  await migrateToLatest(deps.db);
  await deps.signingKeys.ensureKey();
  const app = await buildApp(deps, { consoleDir: path.join(dataDir, 'no-console/') });
  const outboxDir = path.join(dataDir, 'outbox');

  return {
    app,
    deps,
    storage: database.kind,
    invalidationChannel,
    async secondInstance(options = {}) {
      const otherDeps = await createDeps(config, {
        clock,
        logger,
        storage: database.target,
        ...(database.target.kind === 'pglite' ? { db: deps.db } : {}),
        masterKey: testMasterKey,
        hasher,
        invalidationChannel: options.invalidationChannel ?? invalidationChannel,
      });
      const otherApp = await buildApp(otherDeps, { consoleDir: path.join(dataDir, 'no-console/') });
      return {
        app: otherApp,
        deps: otherDeps,
        async close() {
          await otherApp.close();
          await otherDeps.close();
        },
      };
    },
    clock,
    config,
    logLines: () => [...lines],
    async mailbox() {
      await deps.recovery.resetRequestsIdle();
      while ((await deps.mail.deliverDue()) > 0);
      const files = (await readdir(outboxDir).catch(() => [] as string[])).filter((file) => file.endsWith('.eml')).sort();
      return Promise.all(
        files.map(async (file) => {
          const parsed = await simpleParser(await readFile(path.join(outboxDir, file)));
          const to = Array.isArray(parsed.to) ? parsed.to.map((address) => address.text).join(', ') : (parsed.to?.text ?? '');
          const text = parsed.text ?? '';
          return { to, subject: parsed.subject ?? '', text, links: text.match(/https?:\/\/\S+/g) ?? [] };
        }),
      );
    },
    async close() {
      await app.close();
      await deps.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A Redis channel for one test app (and its second instances) only: Redis channels are shared by every
 * connection, whatever the database index, so parallel test files must not share one.
 */
export function uniqueInvalidationChannel(): string {
  return `lanyard:test:${randomBytes(6).toString('hex')}:invalidation`;
}

import { buildApp } from './app.ts';
import { bootstrapIfEmpty } from './bootstrap/bootstrap-service.ts';
import type { Config } from './config/config.ts';
import { createDeps } from './deps.ts';
import { consoleDir } from './http/console.ts';
import { migrateToLatest } from './storage/migrate.ts';

/**
 * Starts Lanyard: migrate, bootstrap an empty deployment, serve, and shut down gracefully on SIGTERM /
 * SIGINT. The only place that listens or exits.
 */
export async function serve(config: Readonly<Config>): Promise<void> {
  const started = performance.now();
  const deps = await createDeps(config);
  const applied = await migrateToLatest(deps.db);
  if (applied.length > 0) deps.logger.info({ migrations: applied }, 'database migrated');
  await deps.signingKeys.ensureKey();
  deps.mail.start();
  await bootstrapIfEmpty({ ...deps, admin: config.bootstrapAdmin });
  const app = await buildApp(deps, { consoleDir });
  await app.listen({ host: config.host, port: config.port });
  deps.logger.info(
    {
      url: config.publicUrl.href,
      region: config.region,
      storage: config.databaseUrl === undefined ? 'pglite' : 'postgres',
      mail: deps.mail.describeTransport(),
      startupMs: Math.round(performance.now() - started),
    },
    `Lanyard ${config.version} is serving the console at ${config.publicUrl.href}`,
  );

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    deps.logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const forced = setTimeout(() => {
      deps.logger.error('shutdown took longer than 15 s; exiting');
      process.exit(1);
    }, 15_000);
    forced.unref();
    app
      .close()
      .then(() => deps.close())
      .then(() => {
        deps.logger.info('stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        deps.logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

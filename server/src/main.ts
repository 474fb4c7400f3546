import { chmod } from 'node:fs/promises';
import type net from 'node:net';
import { buildApp } from './app.ts';
import { bootstrapIfEmpty } from './bootstrap/bootstrap-service.ts';
import { createControlServer, prepareControlSocket } from './cli/control-channel.ts';
import type { Config } from './config/config.ts';
import { createDeps } from './deps.ts';
import { consoleDir } from './http/console.ts';
import { createMetricsServer, newMetricsRegistry } from './http/metrics.ts';
import { lockDataDir, type DataDirLock } from './storage/data-dir-lock.ts';
import { migrateToLatest } from './storage/migrate.ts';

async function listenOnSocket(server: net.Server, socket: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(socket, 0o600);
}

/**
 * Starts Lanyard: (embedded mode) lock the data directory, migrate, bootstrap an empty deployment, serve,
 * and shut down gracefully on SIGTERM / SIGINT. The only place that listens or exits.
 */
export async function serve(config: Readonly<Config>): Promise<void> {
  const started = performance.now();
  // PGlite's directory belongs to one process: a second server refuses here, before it opens anything
  // (storage/data-dir-lock.ts). On PostgreSQL any number of instances share the database.
  const lock: DataDirLock | undefined = config.databaseUrl === undefined ? await lockDataDir(config.dataDir, 'server') : undefined;
  if (lock !== undefined) process.once('exit', () => lock.release());
  let control: net.Server | undefined;
  let metrics: net.Server | undefined;
  try {
    const deps = await createDeps(config, { deferWarmUp: true });
    const applied = await migrateToLatest(deps.db);
    if (applied.length > 0) deps.logger.info({ migrations: applied }, 'database migrated');
    await deps.signingKeys.ensureKey();
    deps.mail.start();
    // Resumes every CSV import a stopped instance left unfinished (rows already invited are not invited again).
    deps.userImports.start();
    await bootstrapIfEmpty({ ...deps, admin: config.bootstrapAdmin });
    const metricsRegistry = newMetricsRegistry();
    const app = await buildApp(deps, { consoleDir, metricsRegistry });
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
      const controlClosed = new Promise<void>((resolve) => (control === undefined ? resolve() : control.close(() => resolve())));
      const metricsClosed = new Promise<void>((resolve) => (metrics === undefined ? resolve() : metrics.close(() => resolve())));
      Promise.all([app.close(), controlClosed, metricsClosed])
        .then(() => deps.close())
        .then(() => {
          lock?.release();
          deps.logger.info('stopped');
          process.exit(0);
        })
        .catch((error: unknown) => {
          deps.logger.error({ err: error }, 'error during shutdown');
          process.exit(1);
        });
    };
    // Before listening: once /readyz can answer, a SIGTERM must already shut down gracefully.
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    if (lock !== undefined && !stopping) {
      // `lanyard` commands started beside this server send their work here (cli/control-channel.ts); open
      // before HTTP, so that once /readyz answers, so does the socket.
      const socket = await prepareControlSocket(config.dataDir);
      if (socket === undefined) {
        deps.logger.warn({ dataDir: config.dataDir }, 'the data directory path is too long for a control socket: stop the server to run lanyard commands');
      } else {
        control = createControlServer(deps);
        await listenOnSocket(control, socket);
        await lock.announceSocket(socket);
      }
    }
    if (config.metricsPort !== undefined && !stopping) {
      // LANYARD_METRICS_PORT: /metrics on a listener of its own (and not on the API's port).
      const server = createMetricsServer(metricsRegistry, { token: config.metricsToken });
      metrics = server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.metricsPort, config.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    }
    await app.listen({ host: config.host, port: config.port });
    deps.warmUp();
    deps.logger.info(
      {
        url: config.publicUrl.href,
        region: config.region,
        storage: config.databaseUrl === undefined ? 'pglite' : 'postgres',
        mail: deps.mail.describeTransport(),
        ...(config.metricsPort === undefined ? {} : { metricsPort: config.metricsPort }),
        startupMs: Math.round(performance.now() - started),
      },
      `Lanyard ${config.version} is serving the console at ${config.publicUrl.href}`,
    );

  } catch (error) {
    control?.close();
    metrics?.close();
    lock?.release();
    throw error;
  }
}

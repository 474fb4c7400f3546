import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { accessKeyTokenBodySchema, inviteUserBodySchema } from '@lanyard/contracts/api';
import { tenantNameSchema } from '@lanyard/contracts/common';
import type { z } from 'zod';
import { ConfigError, loadConfig, type Config } from '../config/config.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors/app-error.ts';
import { currentHolder, DataDirInUseError, tryLockDataDir, type LockHolder } from '../storage/data-dir-lock.ts';
import { executeCommand, type CommandOutput, type CommandRequest } from './commands.ts';
import { sendCommand } from './control-channel.ts';

const usage = `Usage: lanyard <command> [options]

Commands:
  serve                              Run the console and API (migrates and bootstraps first)
  migrate                            Apply pending database migrations
  tenant create <name> [--region <r>]
                                     Create a tenant with the built-in roles, homed in this
                                     deployment's region (--region may only name that region)
  user invite --tenant <name> --username <u> --email <e> --role <role>
              [--first-name <f>] [--last-name <l>]
                                     Invite a user and print their first-access link
  token [--key-id <id>] [--secret <secret>]
                                     Exchange an access key for an access token and print it
                                     (or LANYARD_ACCESS_KEY_ID / LANYARD_ACCESS_KEY_SECRET)
  signing-keys rotate                A new token signing key takes over; the previous one stays
                                     published in the JWKS until its tokens have expired

Configuration comes from LANYARD_* environment variables (see docs/configuration.md).`;

function packageVersion(): string {
  const raw = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(raw) as { version: string }).version;
}

class UsageError extends Error {}

/** A command asked of the wrong region's deployment. */
class RegionError extends Error {}

/** An AppError the server answered for a forwarded command. */
class ForwardedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | undefined,
  ) {
    super(message);
  }
}

/** The CLI validates its input with the same schemas as the API. */
function validate<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new UsageError(parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('\n'));
}

/** Runs a one-off command against a migrated database, then releases everything. Logs only warnings. */
async function withDeps<T>(config: Readonly<Config>, work: (deps: Deps, migrationsApplied: string[]) => Promise<T>): Promise<T> {
  // Loaded on demand: a command handed to a running server needs none of the services.
  const [{ createDeps, createLogger }, { migrateToLatest }] = await Promise.all([import('../deps.ts'), import('../storage/migrate.ts')]);
  const deps = await createDeps(config, { logger: createLogger({ logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel }), deferWarmUp: true });
  try {
    const applied = await migrateToLatest(deps.db);
    const result = await work(deps, applied);
    await deps.mail.deliverDue();
    return result;
  } finally {
    await deps.close();
  }
}

/**
 * Embedded mode: the data directory belongs to one process (storage/data-dir-lock.ts). When it is free,
 * the command takes it for its run; when a server holds it, `work` is not run and the holder is returned.
 * On PostgreSQL nothing is locked: many processes share the database.
 */
async function withDataDir<T>(config: Readonly<Config>, work: () => Promise<T>): Promise<{ ran: true; result: T } | { ran: false; holder: LockHolder }> {
  if (config.databaseUrl !== undefined) return { ran: true, result: await work() };
  const attempt = await tryLockDataDir(config.dataDir, 'command');
  if (!attempt.acquired) {
    if (attempt.holder.kind === 'command') throw new DataDirInUseError(config.dataDir, attempt.holder);
    return { ran: false, holder: attempt.holder };
  }
  const { lock } = attempt;
  process.once('exit', () => lock.release());
  try {
    return { ran: true, result: await work() };
  } finally {
    lock.release();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Hands the command to the server that owns the data directory; waits while it is still starting. */
async function forward(config: Readonly<Config>, holder: LockHolder, request: CommandRequest): Promise<CommandOutput> {
  const deadline = Date.now() + 30_000;
  let current: LockHolder | undefined = holder;
  let noted = false;
  for (;;) {
    if (current?.socket !== undefined) {
      try {
        const answer = await sendCommand(current.socket, request);
        if (answer.ok) return answer.output;
        throw new ForwardedError(answer.error.code, answer.error.message, answer.error.details);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (error instanceof ForwardedError || (code !== 'ENOENT' && code !== 'ECONNREFUSED')) throw error;
      }
    }
    if (current === undefined) throw new UsageError(`The server that used ${config.dataDir} has stopped; run the command again.`);
    if (current.kind !== 'server') throw new DataDirInUseError(config.dataDir, current);
    if (Date.now() > deadline) {
      throw new UsageError(
        `The Lanyard server (pid ${current.pid}) owns ${config.dataDir} but does not accept commands${current.socket === undefined ? ' (it is still starting, or its data directory path is too long for a control socket)' : ''}. Stop it and run the command again.`,
      );
    }
    if (!noted) {
      process.stderr.write(`Waiting for the Lanyard server (pid ${current.pid}) to finish starting…\n`);
      noted = true;
    }
    await sleep(250);
    current = await currentHolder(config.dataDir);
  }
}

/** Runs a directory command here, or on the embedded server that owns the data directory. */
async function runCommand(config: Readonly<Config>, request: CommandRequest): Promise<number> {
  const outcome = await withDataDir(config, () => withDeps(config, (deps) => executeCommand(deps, request)));
  const output = outcome.ran ? outcome.result : await forward(config, outcome.holder, request);
  process.stdout.write(output.stdout);
  if (output.stderr !== undefined) process.stderr.write(output.stderr);
  return 0;
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${usage}\n`);
    return command === undefined ? 2 : 0;
  }
  const config = loadConfig(undefined, packageVersion());

  switch (command) {
    case 'serve': {
      const { serve } = await import('../main.ts');
      await serve(config);
      return -1;
    }
    case 'migrate': {
      if (rest.length !== 0) break;
      const outcome = await withDataDir(config, () => withDeps(config, async (_deps, migrationsApplied) => migrationsApplied));
      if (!outcome.ran) {
        process.stderr.write(
          `The Lanyard server (pid ${outcome.holder.pid}) owns ${config.dataDir} and migrated its database when it started. Stop it first to run migrate by hand.\n`,
        );
        return 1;
      }
      const applied = outcome.result;
      process.stdout.write(applied.length === 0 ? 'Database is up to date.\n' : `Applied: ${applied.join(', ')}\n`);
      return 0;
    }
    case 'tenant': {
      const [sub, ...options] = rest;
      if (sub !== 'create') break;
      const { values, positionals } = parseArgs({ args: options, options: { region: { type: 'string' } }, allowPositionals: true, strict: true });
      const [name] = positionals;
      if (name === undefined || positionals.length !== 1) break;
      if (values.region !== undefined && values.region !== config.region) {
        // A deployment serves one region: a tenant of another region is created by that region's deployment.
        const peer = config.peerRegions.get(values.region);
        throw new RegionError(
          `This deployment serves region ${config.region}; it cannot create a tenant in region ${values.region}. Run "lanyard tenant create" on the ${values.region} deployment${peer === undefined ? '' : ` (${peer.origin})`} instead.`,
        );
      }
      return runCommand(config, { command: 'tenant create', name: validate(tenantNameSchema, name) });
    }
    case 'user': {
      const [sub, ...options] = rest;
      if (sub !== 'invite') break;
      const { values } = parseArgs({
        args: options,
        options: {
          tenant: { type: 'string' },
          username: { type: 'string' },
          email: { type: 'string' },
          role: { type: 'string' },
          'first-name': { type: 'string' },
          'last-name': { type: 'string' },
        },
        strict: true,
      });
      const { tenant, username, email, role } = values;
      if (tenant === undefined || username === undefined || email === undefined || role === undefined) break;
      const user = validate(inviteUserBodySchema.omit({ roleId: true, teamId: true }), {
        username,
        email,
        firstName: values['first-name'] ?? username,
        lastName: values['last-name'] ?? username,
      });
      return runCommand(config, { command: 'user invite', tenant, role, user });
    }
    case 'token': {
      const { values } = parseArgs({ args: rest, options: { 'key-id': { type: 'string' }, secret: { type: 'string' } }, strict: true });
      const accessKeyId = values['key-id'] ?? config.accessKey.id;
      const accessKeySecret = values.secret ?? config.accessKey.secret;
      if (accessKeyId === undefined || accessKeySecret === undefined) {
        throw new UsageError('token needs --key-id and --secret (or LANYARD_ACCESS_KEY_ID and LANYARD_ACCESS_KEY_SECRET)');
      }
      return runCommand(config, { command: 'token', key: validate(accessKeyTokenBodySchema, { accessKeyId, accessKeySecret }) });
    }
    case 'signing-keys': {
      if (rest[0] !== 'rotate' || rest.length !== 1) break;
      return runCommand(config, { command: 'signing-keys rotate' });
    }
    default:
      break;
  }
  process.stderr.write(`${usage}\n`);
  return 2;
}

run(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${usage}\n`);
    else if (error instanceof DataDirInUseError || error instanceof RegionError) process.stderr.write(`${error.message}\n`);
    else if (error instanceof AppError || error instanceof ForwardedError) process.stderr.write(`${error.code}: ${error.message} ${JSON.stringify(error.details ?? {})}\n`);
    else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

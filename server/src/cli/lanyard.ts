import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { accessKeyTokenBodySchema, inviteUserBodySchema } from '@lanyard/contracts/api';
import { tenantNameSchema } from '@lanyard/contracts/common';
import type { z } from 'zod';
import { ConfigError, loadConfig, type Config } from '../config/config.ts';
import { createDeps, createLogger, type Deps } from '../deps.ts';
import { AppError } from '../errors/app-error.ts';
import { serve } from '../main.ts';
import { migrateToLatest } from '../storage/migrate.ts';

const usage = `Usage: lanyard <command> [options]

Commands:
  serve                              Run the console and API (migrates and bootstraps first)
  migrate                            Apply pending database migrations
  tenant create <name>               Create a tenant with the built-in roles
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

/** The CLI validates its input with the same schemas as the API. */
function validate<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new UsageError(parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('\n'));
}

/** Runs a one-off command against a migrated database, then releases everything. Logs only warnings. */
async function withDeps<T>(config: Readonly<Config>, work: (deps: Deps, migrationsApplied: string[]) => Promise<T>): Promise<T> {
  const deps = await createDeps(config, { logger: createLogger({ logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel }) });
  try {
    const applied = await migrateToLatest(deps.db);
    const result = await work(deps, applied);
    await deps.mail.deliverDue();
    return result;
  } finally {
    await deps.close();
  }
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${usage}\n`);
    return command === undefined ? 2 : 0;
  }
  const config = loadConfig(undefined, packageVersion());

  switch (command) {
    case 'serve':
      await serve(config);
      return -1;
    case 'migrate': {
      const applied = await withDeps(config, async (_deps, migrationsApplied) => migrationsApplied);
      process.stdout.write(applied.length === 0 ? 'Database is up to date.\n' : `Applied: ${applied.join(', ')}\n`);
      return 0;
    }
    case 'tenant': {
      const [sub, name] = rest;
      if (sub !== 'create' || name === undefined) break;
      const tenantName = validate(tenantNameSchema, name);
      const tenant = await withDeps(config, (deps) => deps.tenants.createTenant(tenantName));
      process.stdout.write(`Created tenant "${tenant.name}" (${tenant.id}) in region ${tenant.homeRegion}.\n`);
      return 0;
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
      const { tenant: tenantName, username, email, role } = values;
      if (tenantName === undefined || username === undefined || email === undefined || role === undefined) break;
      const input = validate(inviteUserBodySchema.omit({ roleId: true, teamId: true }), {
        username,
        email,
        firstName: values['first-name'] ?? username,
        lastName: values['last-name'] ?? username,
      });
      const issued = await withDeps(config, async (deps) => {
        const tenant = await deps.tenants.getTenantByName(tenantName);
        const found = await deps.roles.getRoleByName(tenant.id, role);
        return deps.invitations.inviteUser(tenant.id, { ...input, roleId: found.id });
      });
      process.stdout.write(`Invited ${issued.user.username} <${issued.user.email}>. First-access link (valid until ${issued.invitation.expiresAt.toISOString()}):\n${issued.url}\n`);
      return 0;
    }
    case 'token': {
      const { values } = parseArgs({ args: rest, options: { 'key-id': { type: 'string' }, secret: { type: 'string' } }, strict: true });
      const accessKeyId = values['key-id'] ?? config.accessKey.id;
      const accessKeySecret = values.secret ?? config.accessKey.secret;
      if (accessKeyId === undefined || accessKeySecret === undefined) {
        throw new UsageError('token needs --key-id and --secret (or LANYARD_ACCESS_KEY_ID and LANYARD_ACCESS_KEY_SECRET)');
      }
      const body = validate(accessKeyTokenBodySchema, { accessKeyId, accessKeySecret });
      const answer = await withDeps(config, (deps) => deps.tokens.issue(body.accessKeyId, body.accessKeySecret, { ip: undefined }));
      // Only the token on stdout, so scripts can capture it: TOKEN=$(lanyard token).
      process.stdout.write(`${answer.access_token}\n`);
      process.stderr.write(`Token valid for ${answer.expires_in} s.\n`);
      return 0;
    }
    case 'signing-keys': {
      if (rest[0] !== 'rotate' || rest.length !== 1) break;
      const rotated = await withDeps(config, async (deps) => {
        await deps.signingKeys.ensureKey();
        return deps.signingKeys.rotate();
      });
      process.stdout.write(
        `New signing key ${rotated.kid} signs from now on.${rotated.previous.length > 0 ? ` Still published until their tokens expire: ${rotated.previous.join(', ')}.` : ''}\n`,
      );
      return 0;
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
    else if (error instanceof AppError) process.stderr.write(`${error.code}: ${error.message} ${JSON.stringify(error.details ?? {})}\n`);
    else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { createDeps, createLogger } from '../deps.ts';
import { createTestDatabase, testStorageKind, type TestDatabase } from '../testing/test-database.ts';
import { freePort } from '../testing/free-port.ts';

const run = promisify(execFile);
const bin = new URL('../../../bin/lanyard.js', import.meta.url).pathname;

let database: TestDatabase;
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), 'lanyard-cli-'));
  env = {
    // eslint-disable-next-line no-restricted-properties -- the child needs a PATH, nothing else from here
    PATH: process.env.PATH ?? '',
    LANYARD_DATA_DIR: dataDir,
    LANYARD_PUBLIC_URL: 'https://id.example.test',
    ...(database.target.kind === 'postgres' ? { LANYARD_DATABASE_URL: database.target.url, LANYARD_MASTER_KEY: Buffer.alloc(32, 3).toString('base64') } : {}),
  };
});
afterAll(async () => {
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
});

async function lanyardIn(environment: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: environment, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function lanyard(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return lanyardWith({}, ...args);
}

async function lanyardWith(extra: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return lanyardIn({ ...env, ...extra }, ...args);
}

interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** `lanyard serve` as its own process on a free port of 127.0.0.1; `ready` waits for /readyz (or the exit). */
async function startServer(environment: Record<string, string>): Promise<ServerProcess & { ready: Promise<boolean> }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [bin, 'serve'], {
    env: { ...environment, LANYARD_HOST: '127.0.0.1', LANYARD_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  let hasExited = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      hasExited = true;
      resolve(code);
    }),
  );
  const ready = (async () => {
    const deadline = Date.now() + 150_000;
    while (!hasExited && Date.now() < deadline) {
      try {
        if ((await fetch(`${baseUrl}/readyz`)).status === 200) return true;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return false;
  })();
  return { child, baseUrl, output: () => output, exited, ready };
}

async function startReadyServer(environment: Record<string, string>): Promise<ServerProcess> {
  const server = await startServer(environment);
  if (!(await server.ready)) throw new Error(`the server did not become ready:\n${server.output()}`);
  return server;
}

async function stopServer(server: ServerProcess): Promise<number | null> {
  server.child.kill('SIGTERM');
  return server.exited;
}

const running = new Set<ServerProcess>();
afterAll(async () => {
  await Promise.all([...running].map(stopServer));
});

function linkToken(stdout: string): string {
  const token = /\/first-access\/([A-Za-z0-9_-]{43})/.exec(stdout)?.[1];
  if (token === undefined) throw new Error(`no first-access link in: ${stdout}`);
  return token;
}

describe('the lanyard command', () => {
  it('migrates, creates a tenant and invites a user, printing the first-access link', async () => {
    expect((await lanyard('migrate')).stdout).toContain('Applied: 0001-directory');
    expect((await lanyard('migrate')).stdout).toContain('up to date');
    const created = await lanyard('tenant', 'create', 'Acme Support');
    expect(created.stdout).toMatch(/Created tenant "Acme Support" \([0-9a-f-]{36}\)/);
    const invited = await lanyard('user', 'invite', '--tenant', 'acme support', '--username', 'gilbert.blythe', '--email', 'gilbert@example.test', '--role', 'Agent');
    expect(invited.code).toBe(0);
    expect(invited.stdout).toMatch(/https:\/\/id\.example\.test\/first-access\/[A-Za-z0-9_-]{43}/);
  }, 300_000);

  it('refuses bad input with a message and a non-zero exit, changing nothing', async () => {
    const badEmail = await lanyard('user', 'invite', '--tenant', 'Acme Support', '--username', 'x', '--email', 'bad', '--role', 'Agent');
    expect(badEmail.code).toBe(1);
    expect(badEmail.stderr).toContain('--email');
    const unknownRole = await lanyard('user', 'invite', '--tenant', 'Acme Support', '--username', 'x', '--email', 'x@example.test', '--role', 'Nope');
    expect(unknownRole.stderr).toContain('ROLE_NOT_FOUND');
    const duplicate = await lanyard('tenant', 'create', 'ACME SUPPORT');
    expect(duplicate.stderr).toContain('TENANT_NAME_TAKEN');
    expect((await lanyard('nonsense')).code).toBe(2);
  }, 300_000);

  it('exchanges an access key for a token, from options or from the environment, and rotates signing keys', async () => {
    // Set up an active user with a key directly on the same database, as the console would (the CLI is not running now).
    const config = loadConfig(env);
    const deps = await createDeps(config, { logger: createLogger({ logLevel: 'warn' }) });
    let key: { accessKeyId: string; secret: string };
    try {
      const tenant = await deps.tenants.getTenantByName('Acme Support');
      const role = await deps.roles.getRoleByName(tenant.id, 'Supervisor');
      const issued = await deps.invitations.inviteUser(tenant.id, { username: 'cli.integrator', email: 'cli@example.test', firstName: 'C', lastName: 'I', roleId: role.id });
      await deps.db.updateTable('users').set({ status: 'active' }).where('id', '=', issued.user.id).execute();
      const principal = { kind: 'session' as const, userId: issued.user.id, tenantId: tenant.id, sessionId: 'cli', roleId: role.id, permissions: new Set(role.permissions), passwordChangeRequired: false, secondFactor: false };
      const created = await deps.accessKeys.createKey(principal, {});
      key = { accessKeyId: created.key.accessKeyId, secret: created.secret };
    } finally {
      await deps.close();
    }

    const byOptions = await lanyard('token', '--key-id', key.accessKeyId, '--secret', key.secret);
    expect(byOptions.code).toBe(0);
    expect(byOptions.stdout.trim()).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const byEnvironment = await lanyardWith({ LANYARD_ACCESS_KEY_ID: key.accessKeyId, LANYARD_ACCESS_KEY_SECRET: key.secret }, 'token');
    expect(byEnvironment.code).toBe(0);
    const header = JSON.parse(Buffer.from(byEnvironment.stdout.split('.')[0] ?? '', 'base64url').toString()) as { kid: string };

    const refused = await lanyard('token', '--key-id', key.accessKeyId, '--secret', 'wrong');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('ACCESS_KEY_INVALID_CREDENTIALS');
    expect(refused.stderr).not.toContain(key.secret);
    expect((await lanyard('token')).code).toBe(1);

    const rotated = await lanyard('signing-keys', 'rotate');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain(`Still published until their tokens expire: ${header.kid}`);
    const after = await lanyard('token', '--key-id', key.accessKeyId, '--secret', key.secret);
    const newKid = (JSON.parse(Buffer.from(after.stdout.split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).kid;
    expect(newKid).not.toBe(header.kid);
    expect(rotated.stdout).toContain(newKid);
  }, 300_000);
});

if (testStorageKind() === 'pglite') {
  describe('embedded mode: one process owns the data directory', () => {
    let ownDir: string;
    let ownEnv: Record<string, string>;
    beforeAll(async () => {
      ownDir = await mkdtemp(path.join(tmpdir(), 'lanyard-lock-'));
      ownEnv = { PATH: env.PATH ?? '', LANYARD_DATA_DIR: ownDir, LANYARD_PUBLIC_URL: 'https://id.example.test', LANYARD_LOG_LEVEL: 'warn' };
    });
    afterAll(async () => {
      await Promise.all([...running].map(stopServer));
      await rm(ownDir, { recursive: true, force: true });
    });

    it('hands commands to the running server: its invitation link works there and survives a restart; migrate is refused', async () => {
      const first = await startReadyServer(ownEnv);
      running.add(first);
      expect((await lanyardIn(ownEnv, 'tenant', 'create', 'Beside Support')).code).toBe(0);
      const invited = await lanyardIn(ownEnv, 'user', 'invite', '--tenant', 'Beside Support', '--username', 'anne.shirley', '--email', 'anne@example.test', '--role', 'Agent');
      expect(invited.code).toBe(0);
      const token = linkToken(invited.stdout);
      const lookup = await fetch(`${first.baseUrl}/api/v1/invitations/${token}`);
      expect(lookup.status).toBe(200);
      expect(((await lookup.json()) as { username: string }).username).toBe('anne.shirley');
      // A refusal from the server comes back with its code and a non-zero exit.
      const duplicate = await lanyardIn(ownEnv, 'tenant', 'create', 'BESIDE SUPPORT');
      expect(duplicate.code).toBe(1);
      expect(duplicate.stderr).toContain('TENANT_NAME_TAKEN');
      const migrate = await lanyardIn(ownEnv, 'migrate');
      expect(migrate.code).toBe(1);
      expect(migrate.stderr).toContain(`pid ${first.child.pid}`);

      expect(await stopServer(first)).toBe(0);
      running.delete(first);
      expect(existsSync(path.join(ownDir, 'lanyard.lock'))).toBe(false);

      const second = await startReadyServer(ownEnv);
      running.add(second);
      expect((await fetch(`${second.baseUrl}/api/v1/invitations/${token}`)).status).toBe(200);
      expect(await stopServer(second)).toBe(0);
      running.delete(second);
    }, 400_000);

    it('refuses a second server on the same directory, naming the holder, and leaves the first one serving', async () => {
      const first = await startReadyServer(ownEnv);
      running.add(first);
      const invited = await lanyardIn(ownEnv, 'user', 'invite', '--tenant', 'Beside Support', '--username', 'diana.barry', '--email', 'diana@example.test', '--role', 'Agent');
      const token = linkToken(invited.stdout);

      const second = await startServer(ownEnv);
      expect(await second.ready).toBe(false);
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain(`pid ${first.child.pid}`);

      const lock = JSON.parse(await readFile(path.join(ownDir, 'lanyard.lock'), 'utf8')) as { pid: number };
      expect(lock.pid).toBe(first.child.pid);
      expect((await fetch(`${first.baseUrl}/api/v1/invitations/${token}`)).status).toBe(200);
      expect(await stopServer(first)).toBe(0);
      running.delete(first);
    }, 400_000);

    it('takes over the lock of a holder that no longer runs', async () => {
      const gone = spawn(process.execPath, ['-e', '']);
      await new Promise((resolve) => gone.on('exit', resolve));
      const stalePid = gone.pid ?? 0;
      await writeFile(path.join(ownDir, 'lanyard.lock'), `${JSON.stringify({ pid: stalePid, kind: 'server', token: 'crashed', acquiredAt: new Date(0).toISOString() })}\n`);

      const server = await startReadyServer(ownEnv);
      running.add(server);
      const lock = JSON.parse(await readFile(path.join(ownDir, 'lanyard.lock'), 'utf8')) as { pid: number };
      expect(lock.pid).toBe(server.child.pid);
      expect(await stopServer(server)).toBe(0);
      running.delete(server);

      // A command takes over a stale lock too, and runs on its own.
      await writeFile(path.join(ownDir, 'lanyard.lock'), `${JSON.stringify({ pid: stalePid, kind: 'command', token: 'crashed', acquiredAt: new Date(0).toISOString() })}\n`);
      const created = await lanyardIn(ownEnv, 'tenant', 'create', 'After The Crash');
      expect(created.code).toBe(0);
      expect(existsSync(path.join(ownDir, 'lanyard.lock'))).toBe(false);
    }, 400_000);
  });
} else {
  describe('PostgreSQL: nothing is locked', () => {
    it('runs two servers on one database and data directory, and the command beside them works directly', async () => {
      const servers = [await startReadyServer(env), await startReadyServer(env)];
      for (const server of servers) running.add(server);
      const invited = await lanyard('user', 'invite', '--tenant', 'Acme Support', '--username', 'marilla.cuthbert', '--email', 'marilla@example.test', '--role', 'Agent');
      expect(invited.code).toBe(0);
      const token = linkToken(invited.stdout);
      for (const server of servers) expect((await fetch(`${server.baseUrl}/api/v1/invitations/${token}`)).status).toBe(200);
      expect(existsSync(path.join(dataDir, 'lanyard.lock'))).toBe(false);
      for (const server of servers) {
        expect(await stopServer(server)).toBe(0);
        running.delete(server);
      }
    }, 400_000);
  });
}

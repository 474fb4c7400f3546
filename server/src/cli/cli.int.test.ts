import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { createDeps, createLogger } from '../deps.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';

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

async function lanyard(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return lanyardWith({}, ...args);
}

async function lanyardWith(extra: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...env, ...extra }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
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
  }, 120_000);

  it('refuses bad input with a message and a non-zero exit, changing nothing', async () => {
    const badEmail = await lanyard('user', 'invite', '--tenant', 'Acme Support', '--username', 'x', '--email', 'bad', '--role', 'Agent');
    expect(badEmail.code).toBe(1);
    expect(badEmail.stderr).toContain('--email');
    const unknownRole = await lanyard('user', 'invite', '--tenant', 'Acme Support', '--username', 'x', '--email', 'x@example.test', '--role', 'Nope');
    expect(unknownRole.stderr).toContain('ROLE_NOT_FOUND');
    const duplicate = await lanyard('tenant', 'create', 'ACME SUPPORT');
    expect(duplicate.stderr).toContain('TENANT_NAME_TAKEN');
    expect((await lanyard('nonsense')).code).toBe(2);
  }, 120_000);

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
      const principal = { kind: 'session' as const, userId: issued.user.id, tenantId: tenant.id, sessionId: 'cli', roleId: role.id, permissions: new Set(role.permissions), passwordChangeRequired: false };
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
  }, 180_000);
});

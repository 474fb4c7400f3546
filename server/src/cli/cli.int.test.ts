import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env, timeout: 60_000 });
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
});

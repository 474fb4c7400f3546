import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The import boundaries of docs/architecture.md are enforced by `npm run lint`: these tests prove that a
 * forbidden import and a folder cycle do fail it, so a rule that silently stopped applying (as overlapping
 * flat-config blocks once made happen) is noticed.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

/** The messages ESLint reports for `code` as if it were the file at `filePath` (an existing file of that kind). */
async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('import boundaries', () => {
  const cases: [kind: string, file: string, code: string, because: RegExp][] = [
    ['a service using Kysely at runtime', 'server/src/passwords/passwords-service.ts', "import { sql } from 'kysely';\nexport const q = sql;\n", /Kysely/],
    ['a service importing nodemailer', 'server/src/passwords/passwords-service.ts', "import nodemailer from 'nodemailer';\nexport const n = nodemailer;\n", /mail/],
    ["a service importing another domain's repository", 'server/src/passwords/passwords-service.ts', "import { findUser } from '../users/users-repo.ts';\nexport const f = findUser;\n", /repository/],
    ['a service reading table rows', 'server/src/sessions/sessions-service.ts', "import type { UserRow } from '../storage/database.ts';\nexport type R = UserRow;\n", /record/],
    ['kernel/ importing a domain', 'server/src/kernel/clock.ts', "import { auditActions } from '../audit/audit.ts';\nexport const a = auditActions;\n", /kernel/],
    ['kernel/ importing Fastify', 'server/src/kernel/clock.ts', "import fastify from 'fastify';\nexport const f = fastify;\n", /framework/],
    ['a model importing a service', 'server/src/users/users.ts', "import type { UsersService } from './users-service.ts';\nexport type S = UsersService;\n", /model/],
    ['a route importing a repository', 'server/src/roles/roles-routes.ts', "import { findRole } from './roles-repo.ts';\nexport const f = findRole;\n", /Routes call services/],
    ['http/ importing a service', 'server/src/http/authentication.ts', "import type { SessionsService } from '../sessions/sessions-service.ts';\nexport type S = SessionsService;\n", /interfaces/],
    ['a repository importing a service', 'server/src/users/users-repo.ts', "import type { UsersService } from './users-service.ts';\nexport type S = UsersService;\n", /Repositories/],
  ];
  for (const [kind, file, code, because] of cases) {
    it(`refuses ${kind}`, async () => {
      const messages = await restrictedImports(file, code);
      expect(messages.length, messages.join('\n')).toBeGreaterThan(0);
      expect(messages.join('\n')).toMatch(because);
    });
  }

  it('allows what the rules allow: a service importing another service and a model', async () => {
    const code = "import type { UsersService } from '../users/users-service.ts';\nimport type { User } from '../users/users.ts';\nexport type S = [UsersService, User];\n";
    expect(await restrictedImports('server/src/passwords/passwords-service.ts', code)).toEqual([]);
  });
});

describe('folder dependencies', () => {
  it('fail on a cycle between two folders, which no file-level rule sees', async () => {
    const fixture = `${root}scripts/fixtures/folder-cycle`;
    const cruise = run(`${root}node_modules/.bin/depcruise`, ['server/src', '--config', `${root}.dependency-cruiser.cjs`, '--output-type', 'err'], { cwd: fixture });
    const failure = await cruise.then(
      () => undefined,
      (error: unknown) => error as { code: number; stdout: string },
    );
    // depcruise exits with the number of violations.
    expect(failure?.code).toBeGreaterThan(0);
    expect(failure?.stdout).toContain('no-folder-cycles');
    expect(failure?.stdout).toMatch(/server\/src\/alpha[\s\S]*server\/src\/beta/);
  });

  it('find none in the server today', async () => {
    const { stdout } = await run(`${root}node_modules/.bin/depcruise`, ['server/src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: root });
    expect(stdout).toContain('no dependency violations found');
  });
});

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The import boundaries of docs/architecture.md are enforced by `npm run lint`, through dependency-cruiser, which
 * checks the RESOLVED module: these tests prove that each forbidden import in scripts/fixtures/boundaries fails it
 * (however it is written: with `.ts`, without an extension, with `.js`, from a nested folder), that what the
 * rules allow passes, and that a folder cycle fails, so a rule that silently stopped applying is noticed.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const depcruise = `${root}node_modules/.bin/depcruise`;

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

/** The violations dependency-cruiser finds in a fixture tree (its exit code is their number). */
async function violationsIn(fixture: string, folders: string[]): Promise<Violation[]> {
  const cruise = run(depcruise, [...folders, '--config', `${root}.dependency-cruiser.cjs`, '--output-type', 'json'], { cwd: `${root}scripts/fixtures/${fixture}`, maxBuffer: 32 * 1024 * 1024 });
  const { stdout } = await cruise.catch((error: unknown) => error as { stdout: string });
  const result = JSON.parse(stdout) as { summary: { violations: Violation[] } };
  return result.summary.violations;
}

describe('import boundaries', { timeout: 60_000 }, () => {
  let violations: Violation[] = [];
  beforeAll(async () => {
    violations = await violationsIn('boundaries', ['server/src', 'web/src']);
  });
  const rulesBroken = (from: string, to: RegExp) => violations.filter((violation) => violation.from === from && to.test(violation.to)).map((violation) => violation.rule.name);

  const cases: [kind: string, from: string, to: RegExp, rule: string][] = [
    ["a service importing another domain's repository", 'server/src/passwords/repo-service.ts', /users\/users-repo\.ts$/, 'service-calls-other-domains-through-their-service'],
    ['the same import written without its extension', 'server/src/passwords/no-extension-service.ts', /users\/users-repo\.ts$/, 'service-calls-other-domains-through-their-service'],
    ['the same import written with .js', 'server/src/passwords/js-extension-service.ts', /users\/users-repo\.ts$/, 'service-calls-other-domains-through-their-service'],
    ['the same import from a nested folder', 'server/src/passwords/recovery/nested-service.ts', /users\/users-repo\.ts$/, 'service-calls-other-domains-through-their-service'],
    ["a sign-in flow importing another domain's repository", 'server/src/login/login-flow.ts', /users\/users-repo\.ts$/, 'service-calls-other-domains-through-their-service'],
    ["a sign-in method reading another domain's read model", 'server/src/passwords/read-method.ts', /users\/directory\/users-read\.ts$/, 'service-calls-other-domains-through-their-service'],
    ['a service using Kysely at runtime', 'server/src/passwords/kysely-service.ts', /node_modules\/kysely\//, 'kysely-only-below-services'],
    ['a service importing nodemailer', 'server/src/passwords/mailing-service.ts', /node_modules\/nodemailer\//, 'nodemailer-only-in-mail'],
    ['a service importing Fastify', 'server/src/passwords/http-service.ts', /node_modules\/fastify\//, 'fastify-only-in-routes-and-http'],
    ['a service reading table rows', 'server/src/sessions/sessions-service.ts', /storage\/database\.ts$/, 'table-rows-stay-below-the-domain'],
    ['mail/ reading table rows above its repository', 'server/src/mail/delivery-worker.ts', /storage\/database\.ts$/, 'table-rows-stay-below-the-domain'],
    ['openid-client outside sso/', 'server/src/login/login-service.ts', /node_modules\/openid-client\//, 'openid-client-only-in-sso'],
    ['kernel/ importing a domain', 'server/src/kernel/clock.ts', /audit\/audit\.ts$/, 'kernel-imports-no-domain'],
    ['kernel/ importing Fastify', 'server/src/kernel/framework.ts', /node_modules\/fastify\//, 'kernel-uses-no-framework'],
    ['a model importing a service (without its extension)', 'server/src/users/users.ts', /users\/users-service\.ts$/, 'model-imports-models'],
    ['a route importing a repository', 'server/src/roles/roles-routes.ts', /roles\/roles-repo\.ts$/, 'routes-call-services'],
    ['http/ importing a service', 'server/src/http/authentication.ts', /users\/users-service\.ts$/, 'http-declares-what-it-needs'],
    ['a repository importing a service', 'server/src/users/users-repo.ts', /users\/users-service\.ts$/, 'repo-depends-on-storage-and-its-model'],
    ['a nested read model importing a service without its extension', 'server/src/users/directory/users-read.ts', /users\/users-service\.ts$/, 'repo-depends-on-storage-and-its-model'],
    ['a ui/ widget importing a feature', 'web/src/ui/widget.tsx', /features\/thing\/thing-page\.tsx$/, 'web-ui-imports-i18n-and-libraries'],
    ['a feature importing the router', 'web/src/features/thing/thing-page.tsx', /shell\/router\.tsx$/, 'web-features-below-the-shell'],
  ];
  for (const [kind, from, to, rule] of cases) {
    it(`refuses ${kind}`, () => {
      expect(rulesBroken(from, to)).toContain(rule);
    });
  }

  it('refuses a cycle between two console folders', () => {
    const cycles = violations.filter((violation) => violation.rule.name === 'no-folder-cycles').map((violation) => violation.from);
    expect(cycles).toEqual(expect.arrayContaining(['web/src/features/alpha', 'web/src/features/beta']));
  });

  it("allows what the rules allow: another domain's service and model, Kysely's types, openid-client in sso/, ui/ importing i18n/", () => {
    const allowed = ['server/src/passwords/passwords-service.ts', 'server/src/passwords/passwords-repo.ts', 'server/src/sso/oidc-client.ts', 'web/src/ui/button.tsx'];
    expect(violations.filter((violation) => allowed.includes(violation.from))).toEqual([]);
  });
});

describe('folder dependencies', { timeout: 60_000 }, () => {
  it('fail on a cycle between two folders, which no file-level rule sees', async () => {
    const violations = await violationsIn('folder-cycle', ['server/src']);
    expect(violations.filter((violation) => violation.rule.name === 'no-folder-cycles').map((violation) => violation.from)).toEqual(
      expect.arrayContaining(['server/src/alpha', 'server/src/beta']),
    );
  });

  it('find none in the server and the console today', async () => {
    const { stdout } = await run(depcruise, ['server/src', 'web/src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: root });
    expect(stdout).toContain('no dependency violations found');
  });
});

import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { errorCodes } from '@lanyard/contracts/error-codes';
import type { Permission } from '@lanyard/contracts/permissions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { isAppError, type AppError } from '../errors/app-error.ts';
import { createUserImportsService } from './user-imports-service.ts';

/**
 * The import's background half: a 100,000-row file read and checked in one request, the rate bound, and a
 * job interrupted by a restart that finishes on a new instance without inviting anyone twice.
 */

const header = 'username,email,firstName,lastName,role,team';
const rowsPerSecond = 40;

let t: TestApp;
let admin: SignedInUser;

interface JobView {
  state: 'running' | 'done';
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
}

async function job(jobId: string): Promise<JobView> {
  const response = await t.app.inject({ method: 'GET', url: `/api/v1/admin/users/import/${jobId}`, headers: admin.headers });
  expect(response.statusCode).toBe(200);
  return response.json<JobView>();
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function csvOf(prefix: string, count: number): string {
  const lines = [header];
  for (let index = 0; index < count; index += 1) lines.push(`${prefix}${index},${prefix}${index}@example.test,First${index},Last${index},Agent,`);
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  t = await createTestApp({ LANYARD_IMPORT_ROWS_PER_SECOND: String(rowsPerSecond) });
  admin = await signedInUser(t, { username: 'resume-admin', tenantName: 'Resume tenant' });
}, 60_000);
afterAll(async () => t.close());

describe('a large file', () => {
  it('reads and checks 100,000 rows in one request, and streams their report in batches', async () => {
    const csv = csvOf('bulkrow', 100_000);
    const started = performance.now();
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/admin/users/import', headers: { ...admin.headers, 'content-type': 'text/csv' }, payload: csv });
    const elapsedMs = performance.now() - started;
    expect(response.statusCode).toBe(202);
    const { jobId } = response.json<{ jobId: string }>();
    console.info(`import upload: 100,000 rows (${(csv.length / 1024 / 1024).toFixed(1)} MiB) read, checked and stored in ${Math.round(elapsedMs)} ms (${Math.round(100_000 / (elapsedMs / 1000))} rows/s) on ${t.storage}`);
    // The worker is not started in this file yet: nothing is invited, every row is pending.
    expect(await job(jobId)).toMatchObject({ state: 'running', total: 100_000, processed: 0, failed: 0 });

    const statements = t.deps.statementCount();
    const report = await t.app.inject({ method: 'GET', url: `/api/v1/admin/users/import/${jobId}/report.csv`, headers: admin.headers });
    expect(report.statusCode).toBe(200);
    const lines = report.body.split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(100_001);
    expect(lines[1]).toBe('2,bulkrow0,pending,,');
    expect(lines.at(-1)).toBe('100001,bulkrow99999,pending,,');
    // 100 batches of 1,000 rows and the one that finds the end, plus the guard's and the job's reads.
    expect(t.deps.statementCount() - statements).toBeLessThanOrEqual(110);
    // This job is not invited here (that is measured below on a smaller one).
    await t.deps.db.deleteFrom('user_import_jobs').where('id', '=', jobId).execute();
  }, 240_000);

  it('refuses a file of more rows than the limit (IMPORT_TOO_MANY_ROWS, 413) and stores nothing; one of exactly the limit is taken', async () => {
    // The limit is 200,000 rows (storing that many and deleting them takes a minute): the same service, wired to
    // this app's database and services, with a limit of 5 checks the boundary; the contract's limit is its default.
    const maxRows = 5;
    const imports = createUserImportsService({ db: t.deps.db, clock: t.clock, logger: t.deps.logger, rowsPerSecond, invitations: t.deps.invitations, roles: t.deps.roles, teams: t.deps.teams, users: t.deps.users, audit: t.deps.audit, maxRows });
    const member = await t.deps.users.getMember(admin.tenant.id, admin.userId);
    const principal = { kind: 'session' as const, userId: admin.userId, tenantId: admin.tenant.id, sessionId: randomUUID(), roleId: member.membership.role.id, permissions: new Set(member.membership.role.permissions as Permission[]), passwordChangeRequired: false, secondFactor: false };
    const jobsBefore = await t.deps.db.selectFrom('user_import_jobs').select('id').execute();
    const tooMany = await imports.startImport(principal, Readable.from([csvOf('overrow', maxRows + 1)])).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isAppError(tooMany, 'IMPORT_TOO_MANY_ROWS')).toBe(true);
    expect((tooMany as AppError).details).toEqual({ maxRows });
    expect(errorCodes.IMPORT_TOO_MANY_ROWS.status).toBe(413);
    expect(await t.deps.db.selectFrom('user_import_jobs').select('id').execute()).toEqual(jobsBefore);
    expect(await t.deps.db.selectFrom('user_import_rows').select('line').where('username', 'like', 'overrow%').execute()).toEqual([]);

    const { jobId } = await imports.startImport(principal, Readable.from([csvOf('limitrow', maxRows)]));
    expect(await job(jobId)).toMatchObject({ state: 'running', total: maxRows, processed: 0 });
    await t.deps.db.deleteFrom('user_import_jobs').where('id', '=', jobId).execute();
  });
});

describe('a job interrupted by a restart', () => {
  it('finishes on a new instance: every row invited exactly once, one email each, at the bounded rate', async () => {
    const rows = 80;
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/admin/users/import', headers: { ...admin.headers, 'content-type': 'text/csv' }, payload: csvOf('resumerow', rows) });
    expect(response.statusCode).toBe(202);
    const { jobId } = response.json<{ jobId: string }>();

    const started = performance.now();
    t.deps.userImports.start();
    await until(async () => (await job(jobId)).processed >= 10, 10_000);
    // At most rowsPerSecond rows a second (one row may be on its way when the count is read).
    const firstMs = performance.now() - started;
    const firstCount = (await job(jobId)).processed;
    expect(firstCount).toBeLessThanOrEqual(Math.ceil((firstMs / 1000) * rowsPerSecond) + 2);
    await t.deps.userImports.stop();
    const atStop = await job(jobId);
    expect(atStop.state).toBe('running');
    expect(atStop.processed).toBeLessThan(rows);
    // Nothing moves while no instance works on it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await job(jobId)).processed).toBe(atStop.processed);

    // A new instance on the same database resumes the job when it starts.
    const second = await t.secondInstance();
    try {
      const resumedAt = performance.now();
      second.deps.userImports.start();
      await until(async () => (await job(jobId)).state === 'done', 30_000);
      const resumedMs = performance.now() - resumedAt;
      const remaining = rows - atStop.processed;
      console.info(`import resume: ${remaining} rows invited in ${Math.round(resumedMs)} ms (${(remaining / (resumedMs / 1000)).toFixed(1)} rows/s at a limit of ${rowsPerSecond}) on ${t.storage}`);
      expect(resumedMs).toBeGreaterThanOrEqual(((remaining - 1) / rowsPerSecond) * 1000 * 0.9);
    } finally {
      await second.close();
    }
    expect(await job(jobId)).toMatchObject({ state: 'done', total: rows, processed: rows, succeeded: rows, failed: 0 });

    const users = await t.deps.db.selectFrom('users').select('username').where('username', 'like', 'resumerow%').execute();
    expect(users).toHaveLength(rows);
    expect(new Set(users.map((user) => user.username)).size).toBe(rows);
    const outbox = await t.deps.db.selectFrom('outbox_messages').select('recipient').where('recipient', 'like', 'resumerow%@example.test').execute();
    expect(outbox).toHaveLength(rows);
    expect(new Set(outbox.map((message) => message.recipient)).size).toBe(rows);
    const invited = await t.deps.audit.list(admin.tenant.id, { action: 'user.invited', limit: 500 });
    expect(invited.filter((event) => String(event.details.username).startsWith('resumerow'))).toHaveLength(rows);
    const finished = await t.deps.audit.list(admin.tenant.id, { action: 'user.import.finished', limit: 10 });
    expect(finished.filter((event) => event.targetId === jobId)).toHaveLength(1);
  }, 60_000);

  it('measures the invitation rate with a high limit', async () => {
    const fast = await createTestApp({ LANYARD_IMPORT_ROWS_PER_SECOND: '10000' });
    try {
      const owner = await signedInUser(fast, { username: 'rate-admin', tenantName: 'Rate tenant' });
      const rows = 300;
      const response = await fast.app.inject({ method: 'POST', url: '/api/v1/admin/users/import', headers: { ...owner.headers, 'content-type': 'text/csv' }, payload: csvOf('raterow', rows) });
      const { jobId } = response.json<{ jobId: string }>();
      const started = performance.now();
      fast.deps.userImports.start();
      await until(async () => {
        const view = await fast.app.inject({ method: 'GET', url: `/api/v1/admin/users/import/${jobId}`, headers: owner.headers });
        return view.json<JobView>().state === 'done';
      }, 120_000);
      const elapsed = performance.now() - started;
      console.info(`import invitations: ${rows} rows in ${Math.round(elapsed)} ms (${Math.round(rows / (elapsed / 1000))} rows/s, no rate limit in effect) on ${fast.storage}`);
      const count = await fast.deps.db.selectFrom('outbox_messages').select((eb) => eb.fn.countAll<string>().as('count')).where('recipient', 'like', 'raterow%@example.test').executeTakeFirstOrThrow();
      expect(Number(count.count)).toBe(rows);
    } finally {
      await fast.close();
    }
  }, 180_000);
});

describe('a job whose worker died holding it', () => {
  it('is taken over by another worker once the lease has run out (on the injected clock), every row invited once', async () => {
    const rows = 12;
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/admin/users/import', headers: { ...admin.headers, 'content-type': 'text/csv' }, payload: csvOf('leaserow', rows) });
    expect(response.statusCode).toBe(202);
    const { jobId } = response.json<{ jobId: string }>();
    // What a killed instance leaves behind: its lease on the job, 30 seconds ahead, never renewed or handed back.
    const deadLease = randomUUID();
    await t.deps.db.updateTable('user_import_jobs').set({ lease_id: deadLease, lease_until: new Date(t.clock.now().getTime() + 30_000) }).where('id', '=', jobId).execute();
    const leaseOf = async () => (await t.deps.db.selectFrom('user_import_jobs').select(['lease_id', 'lease_until']).where('id', '=', jobId).executeTakeFirstOrThrow()).lease_id;

    const second = await t.secondInstance();
    try {
      // Two workers, this instance's and the second's: while the lease holds, neither touches the job.
      t.deps.userImports.start();
      second.deps.userImports.start();
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await job(jobId)).toMatchObject({ state: 'running', processed: 0 });
      expect(await leaseOf()).toBe(deadLease);

      // The lease runs out: the next poll of a worker (every 5 s) takes the job over and finishes it.
      t.clock.advance(30_001);
      await until(async () => (await job(jobId)).state === 'done', 20_000);
    } finally {
      await Promise.all([second.deps.userImports.stop(), t.deps.userImports.stop()]);
      await second.close();
    }
    expect(await job(jobId)).toMatchObject({ state: 'done', total: rows, processed: rows, succeeded: rows, failed: 0 });
    expect(await leaseOf()).toBeNull();
    const users = await t.deps.db.selectFrom('users').select('username').where('username', 'like', 'leaserow%').execute();
    expect(users).toHaveLength(rows);
    const outbox = await t.deps.db.selectFrom('outbox_messages').select('recipient').where('recipient', 'like', 'leaserow%@example.test').execute();
    expect(outbox).toHaveLength(rows);
    expect(new Set(outbox.map((message) => message.recipient)).size).toBe(rows);
    const finished = await t.deps.audit.list(admin.tenant.id, { action: 'user.import.finished', limit: 10 });
    expect(finished.filter((event) => event.targetId === jobId)).toHaveLength(1);
  }, 60_000);
});

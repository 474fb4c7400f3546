import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../kernel/ids.ts';
import { signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

/** Bulk invitation from CSV (SPEC §4b "Administration"): the upload, the per-row report, tenancy. */

const header = 'username,email,firstName,lastName,role,team';
const formula = "=cmd|' /C calc'!A0";

let t: TestApp;
let admin: SignedInUser;
let inviter: SignedInUser;
let agent: SignedInUser;
let otherAdmin: SignedInUser;

interface JobView {
  state: 'running' | 'done';
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
  rows: { line: number; username: string; outcome: string; error: { code: string; field?: string } | null }[];
  nextCursor: number | null;
}

function upload(csv: string | Buffer, user: SignedInUser = admin, contentType = 'text/csv') {
  return t.app.inject({ method: 'POST', url: '/api/v1/admin/users/import', headers: { ...user.headers, 'content-type': contentType }, payload: csv });
}

async function job(jobId: string, query = '', user: SignedInUser = admin): Promise<JobView> {
  const response = await t.app.inject({ method: 'GET', url: `/api/v1/admin/users/import/${jobId}${query}`, headers: user.headers });
  expect(response.statusCode).toBe(200);
  return response.json<JobView>();
}

async function untilDone(jobId: string, user: SignedInUser = admin): Promise<JobView> {
  for (let attempt = 0; attempt < 1000; attempt += 1) {
    const view = await job(jobId, '?limit=1000', user);
    if (view.state === 'done') return view;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`import ${jobId} did not finish`);
}

async function jobCount(): Promise<number> {
  const row = await t.deps.db.selectFrom('user_import_jobs').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}

beforeAll(async () => {
  t = await createTestApp({ LANYARD_IMPORT_ROWS_PER_SECOND: '10000' });
  admin = await signedInUser(t, { username: 'import-admin', tenantName: 'Import tenant' });
  await t.deps.teams.createTeam(admin.tenant.id, 'Blue Team');
  // A role that may invite but holds fewer permissions than Agent's.
  await t.deps.db
    .insertInto('roles')
    .values({ id: newId(), tenant_id: admin.tenant.id, name: 'Inviter', name_canonical: 'inviter', built_in: false, permissions: ['users.invite', 'users.view'], password_policy: null, created_at: t.clock.now() })
    .execute();
  inviter = await signedInUser(t, { username: 'import-inviter', tenant: admin.tenant, role: 'Inviter' });
  agent = await signedInUser(t, { username: 'import-agent', tenant: admin.tenant, role: 'Agent' });
  otherAdmin = await signedInUser(t, { username: 'other-import-admin', tenantName: 'Other import tenant' });
  t.deps.userImports.start();
}, 60_000);
afterAll(async () => t.close());

describe('POST /api/v1/admin/users/import', () => {
  it('invites the valid rows and reports every other row with its coded reason; the report escapes formulas', async () => {
    const before = (await t.mailbox()).length;
    const csv = [
      `\ufeff${header}`,
      'ana,ana@example.test,Ana,Shirley,Agent,Blue Team', // 2 invited
      'bob,bob@example.test,Bob,Stone,agent,', // 3 invited (role names compare canonically; no team)
      'ANA,ana2@example.test,Ana,Again,Agent,', // 4 a duplicate in the file
      'import-admin,dup@example.test,Dup,User,Agent,', // 5 taken in the directory
      'carl,not-an-email,Carl,Lee,Agent,', // 6
      'dora,dora@example.test,Dora,Lee,Wizard,', // 7 unknown role
      'emil,emil@example.test,Emil,Lee,Agent,Red Team', // 8 unknown team
      `"${formula}",f@example.test,Eve,Formula,Agent,`, // 9 not a username: reported as given, escaped
      `gina,gina@example.test,${'G'.repeat(101)},Long,Agent,`, // 10 oversized
      'hugo,hugo@example.test,Hugo,Nul\u0000l,Agent,', // 11 NUL
      'ivy,ivy@example.test,Iv\u202ey,Bidi,Agent,', // 12 bidi override
      'jan,jan@example.test,Jan', // 13 three columns
      'ke\u0007n,ken@example.test,Ken,Bell,Agent,', // 14 control character
      '"multi\nline",m@example.test,Multi,Line,Agent,', // 15-16 a line break in a cell
      '@eve,eve@example.test,=1+1,Formula,Agent,', // 17 invited: a legal username and a name that looks like a formula
      'lena,lena@example.test,Lena,Big,Administrator,Blue Team', // 18 invited
      '',
    ].join('\n');
    const response = await upload(csv);
    expect(response.statusCode).toBe(202);
    const { jobId } = response.json<{ jobId: string }>();
    const done = await untilDone(jobId);
    expect(done).toMatchObject({ state: 'done', total: 16, processed: 16, succeeded: 4, failed: 12, nextCursor: null });
    const byLine = Object.fromEntries(done.rows.map((row) => [row.line, row]));
    expect(Object.keys(byLine).map(Number)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18]);
    const outcomes = Object.fromEntries(done.rows.map((row) => [row.line, row.error === null ? row.outcome : `${row.error.code}${row.error.field === undefined ? '' : `:${row.error.field}`}`]));
    expect(outcomes).toEqual({
      2: 'invited',
      3: 'invited',
      4: 'IMPORT_DUPLICATE_USERNAME:username',
      5: 'USERNAME_TAKEN:username',
      6: 'IMPORT_ROW_INVALID:email',
      7: 'ROLE_NOT_FOUND:role',
      8: 'TEAM_NOT_FOUND:team',
      9: 'IMPORT_ROW_INVALID:username',
      10: 'IMPORT_ROW_INVALID:firstName',
      11: 'IMPORT_ROW_INVALID:lastName',
      12: 'IMPORT_ROW_INVALID:firstName',
      13: 'IMPORT_ROW_COLUMNS',
      14: 'IMPORT_ROW_INVALID:username',
      15: 'IMPORT_ROW_INVALID:username',
      17: 'invited',
      18: 'invited',
    });
    expect(byLine[9]?.username).toBe(formula);
    expect(byLine[11]?.username).toBe('hugo');

    // The invited exist once each with their role and team; exactly their emails were queued.
    const ana = await t.deps.users.findUserByUsername('ana');
    expect(ana?.status).toBe('invited');
    const membership = await t.deps.users.findMembership(admin.tenant.id, ana?.id ?? '');
    expect(membership?.team?.name).toBe('Blue Team');
    expect((await t.deps.users.findUserByUsername('carl'))).toBeUndefined();
    const mails = (await t.mailbox()).slice(before);
    expect(mails.map((mail) => mail.to.replace(/^.*<|>$/g, '')).sort()).toEqual(['ana@example.test', 'bob@example.test', 'eve@example.test', 'lena@example.test']);

    // Only failed rows, paged.
    const failedPage = await job(jobId, '?outcome=failed&limit=4');
    expect(failedPage.rows.map((row) => row.line)).toEqual([4, 5, 6, 7]);
    expect(failedPage.nextCursor).toBe(7);
    const nextPage = await job(jobId, `?outcome=failed&limit=4&cursor=${failedPage.nextCursor}`);
    expect(nextPage.rows.map((row) => row.line)).toEqual([8, 9, 10, 11]);

    const report = await t.app.inject({ method: 'GET', url: `/api/v1/admin/users/import/${jobId}/report.csv`, headers: admin.headers });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toMatch(/^text\/csv/);
    expect(report.headers['content-disposition']).toBe(`attachment; filename="user-import-${jobId}.csv"`);
    expect(report.body).toContain(`9,'${formula},failed,IMPORT_ROW_INVALID,username\r\n`);
    expect(report.body).toContain("17,'@eve,invited,,\r\n");
    const records = parse<Record<string, string>>(report.body, { columns: true });
    expect(records).toHaveLength(16);
    expect(records[0]).toEqual({ line: '2', username: 'ana', outcome: 'invited', errorCode: '', errorField: '' });
    for (const record of records) expect(record.username).not.toMatch(/^[=+\-@\t\r]/);

    const audit = await t.deps.audit.list(admin.tenant.id, { action: undefined, limit: 200 });
    const started = audit.find((event) => event.action === 'user.import.started' && event.targetId === jobId);
    const finished = audit.find((event) => event.action === 'user.import.finished' && event.targetId === jobId);
    expect(started).toMatchObject({ actorUserId: admin.userId, result: 'success', details: { total: 16, refusedWhileReading: 11 } });
    expect(finished).toMatchObject({ actorUserId: admin.userId, result: 'success', details: { total: 16, succeeded: 4, failed: 12 } });
  });

  it('refuses a role beyond the importer’s own permissions on that row only (ROLE_NOT_GRANTABLE)', async () => {
    const response = await upload([header, 'nora,nora@example.test,Nora,Ng,Agent,', 'olga,olga@example.test,Olga,Ng,Inviter,'].join('\r\n'), inviter);
    expect(response.statusCode).toBe(202);
    const done = await untilDone(response.json<{ jobId: string }>().jobId, inviter);
    expect(done.rows.map((row) => [row.line, row.outcome, row.error?.code ?? null])).toEqual([
      [2, 'failed', 'ROLE_NOT_GRANTABLE'],
      [3, 'invited', null],
    ]);
    expect(await t.deps.users.findUserByUsername('nora')).toBeUndefined();
  });

  it('refuses a wrong header, a broken file, another media type or charset, and stores no job', async () => {
    const jobs = await jobCount();
    const refusals: [string | Buffer, string, number, string][] = [
      ['email,username,firstName,lastName,role,team\nx@example.test,x,X,Y,Agent,', 'text/csv', 422, 'IMPORT_HEADER_INVALID'],
      ['username,email,firstName,lastName,role\nx,x@example.test,X,Y,Agent', 'text/csv', 422, 'IMPORT_HEADER_INVALID'],
      ['Username,Email,FirstName,LastName,Role,Team\n', 'text/csv', 422, 'IMPORT_HEADER_INVALID'],
      ['', 'text/csv', 422, 'IMPORT_HEADER_INVALID'],
      [`${header}\nquinn,q@example.test,"Quinn,Q,Agent,\n`, 'text/csv', 422, 'IMPORT_CSV_MALFORMED'],
      [Buffer.concat([Buffer.from(`${header}\nr\u00e9,r@example.test,R,`), Buffer.from([0xe9, 0xff]), Buffer.from(',Agent,\n')]), 'text/csv', 422, 'IMPORT_CSV_MALFORMED'],
      [`${header}\nsam,s@example.test,${'S'.repeat(70_000)},T,Agent,\n`, 'text/csv', 422, 'IMPORT_CSV_MALFORMED'],
      [`${header}\n`, 'text/csv; charset=latin1', 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [JSON.stringify({ csv: header }), 'application/json', 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [header, 'text/plain', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ];
    for (const [body, contentType, status, code] of refusals) {
      const response = await upload(body, admin, contentType);
      expect({ status: response.statusCode, code: response.json<{ error: { code: string } }>().error.code }).toEqual({ status, code });
    }
    // A body announced over the 64 MiB limit is refused before it is read.
    const tooLarge = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users/import',
      headers: { ...admin.headers, 'content-type': 'text/csv', 'content-length': String(64 * 1024 * 1024 + 1) },
      payload: `${header}\n`,
    });
    expect({ status: tooLarge.statusCode, code: tooLarge.json<{ error: { code: string } }>().error.code }).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(await jobCount()).toBe(jobs);
    expect(await t.deps.users.findUserByUsername('quinn')).toBeUndefined();
  });

  it('accepts a file of only a header: a job with no rows, done at once', async () => {
    const response = await upload(`${header}\r\n`);
    expect(response.statusCode).toBe(202);
    expect(await untilDone(response.json<{ jobId: string }>().jobId)).toMatchObject({ state: 'done', total: 0, processed: 0, rows: [] });
  });

  it('needs users.invite, and answers another tenant’s (or an unknown) job with 404', async () => {
    const forbidden = await upload(`${header}\n`, agent);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json<{ error: { code: string } }>().error.code).toBe('PERMISSION_DENIED');

    const accepted = await upload(`${header}\npia,pia@example.test,Pia,Lo,Agent,\n`);
    const { jobId } = accepted.json<{ jobId: string }>();
    await untilDone(jobId);
    for (const url of [`/api/v1/admin/users/import/${jobId}`, `/api/v1/admin/users/import/${jobId}/report.csv`]) {
      const foreign = await t.app.inject({ method: 'GET', url, headers: otherAdmin.headers });
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json<{ error: { code: string } }>().error.code).toBe('IMPORT_JOB_NOT_FOUND');
      const unknown = await t.app.inject({ method: 'GET', url: url.replace(jobId, randomUUID()), headers: admin.headers });
      expect(unknown.json<{ error: { code: string } }>().error.code).toBe('IMPORT_JOB_NOT_FOUND');
    }
    // The other tenant's administrator imports into their own tenant: role names are theirs.
    const own = await upload(`${header}\nquentin,quentin@example.test,Quentin,Lo,Agent,Blue Team\n`, otherAdmin);
    const done = await untilDone(own.json<{ jobId: string }>().jobId, otherAdmin);
    expect(done.rows[0]?.error?.code).toBe('TEAM_NOT_FOUND');
  });
});

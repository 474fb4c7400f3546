/**
 * User directory benchmark (SPEC §6: "Admin user search on a 1,000,000-user tenant: p95 ≤ 50 ms").
 *
 *   LANYARD_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node --import tsx bench/admin-users.ts
 *
 * On a scratch database next to the given one (dropped at the end): migrates, creates a tenant with 50
 * teams and 10 signed-in administrators, seeds BENCH_USERS (default 1,000,000) users and memberships with
 * COPY … FROM STDIN (the directory's indexes are dropped for the load and built again after it, as a bulk
 * load would), analyses, starts `lanyard serve` as its own process, and measures GET /api/v1/admin/users
 * for each query below: BENCH_REQUESTS (default 300) requests after 30 of warm-up, BENCH_ADMINS (default 10)
 * at a time, each administrator with their own session. Prints p50/p95/p99 and the EXPLAIN ANALYZE of each query.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { searchKey } from '@lanyard/contracts/search-key';
import { sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import pino from 'pino';
import { loadConfig } from '../server/src/config/config.ts';
import { createDeps } from '../server/src/deps.ts';
import { decodeCursor, searchRange, windowFor } from '../server/src/directory/directory.ts';
import { directoryPageQuery, type DirectoryFilter } from '../server/src/directory/directory-read.ts';
import { migrateToLatest } from '../server/src/storage/migrate.ts';
import { statusCondition } from '../server/src/users/users.ts';
import { createScratchDatabase, percentile, round, startServer } from './support.ts';

const users = Number(process.env.BENCH_USERS ?? 1_000_000);
const requests = Number(process.env.BENCH_REQUESTS ?? 300);
const admins = Number(process.env.BENCH_ADMINS ?? 10);

const firstNames = ['José', 'Éloïse', 'Ana', 'Marta', 'Zoë', 'Łukasz', 'Bo', 'Søren', 'Chloé', 'Ümit', 'Mohammed', 'Priya', 'Kenji', 'Olga', 'Thandiwe', 'Mateo', 'Aïsha', 'Björn', 'Nguyễn', 'Fatima'];
const lastNames = ['Silva', 'Dupont', 'Kowalska', 'Müller', 'García', 'Öztürk', 'Nakamura', 'Ivanova', 'Okafor', 'Jensen', 'Martín', 'Smith', 'Łuczak', 'Rossi', 'Svensson', 'Dubois', 'Khan', 'Pereira', 'Novák', 'Haddad', 'Brown', 'Lefèvre', 'Yilmaz'];

function csvField(value: string | null): string {
  if (value === null) return '';
  return /[",\n\r]/.test(value) || value === '' ? `"${value.replaceAll('"', '""')}"` : value;
}

function uuidFor(prefix: string, index: number): string {
  return `${prefix}-0000-7000-8000-${index.toString(16).padStart(12, '0')}`;
}

async function copyRows(client: pg.PoolClient | pg.Client, statement: string, rows: () => Generator<string>): Promise<void> {
  await pipeline(Readable.from(rows(), { objectMode: false }), client.query(copyFrom(statement)));
}

async function main(): Promise<void> {
  const database = await createScratchDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'lanyard-bench-'));
  const masterKey = randomBytes(32).toString('base64');
  const env = { LANYARD_DATA_DIR: dataDir, LANYARD_DATABASE_URL: database.url, LANYARD_MASTER_KEY: masterKey, LANYARD_LOG_LEVEL: 'warn' };
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  const deps = await createDeps(loadConfig({ ...env, LANYARD_PUBLIC_URL: 'http://127.0.0.1:1' }), {
    logger: pino({ level: 'error' }),
    storage: { kind: 'postgres', url: database.url, maxConnections: 10 },
    deferWarmUp: true,
  });
  try {
    await migrateToLatest(deps.db);
    const tenant = await deps.tenants.createTenant('Bench directory');
    const roles = await deps.roles.listRoles(tenant.id);
    const roleId = (name: string) => roles.find((role) => role.name === name)?.id ?? '';
    const teams: { id: string }[] = [];
    for (let index = 0; index < 50; index += 1) teams.push(await deps.teams.createTeam(tenant.id, `Team ${index + 1}`));

    // The administrators who page, each with a session of their own.
    const cookies: string[] = [];
    for (let index = 0; index < admins; index += 1) {
      const issued = await deps.invitations.inviteUser(tenant.id, { username: `bench.admin${index}`, email: `admin${index}@example.test`, firstName: 'Bench', lastName: 'Admin', roleId: roleId('Administrator') });
      await deps.db.transaction().execute(async (trx) => {
        await deps.passwords.setFirstPassword(trx, issued.user.id, 'not-a-password-hash');
        await deps.users.activate(issued.user.id, trx);
      });
      const session = await deps.sessions.start(issued.user.id, tenant, { ip: '127.0.0.1', userAgent: 'bench', passwordChangeRequired: false });
      cookies.push(`lanyard_session=${session.token}`);
    }

    // --- Seeding with COPY ---
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    const client = await pool.connect();
    const seedStart = performance.now();
    const indexes = await client.query<{ indexname: string; indexdef: string }>(
      `select indexname, indexdef from pg_indexes where tablename = 'memberships' and indexname like 'memberships_directory_%'`,
    );
    for (const index of indexes.rows) await client.query(`drop index ${index.indexname}`);
    const now = new Date();
    const created = now.toISOString();
    const nameOf = (index: number) => {
      const firstName = firstNames[index % firstNames.length] ?? 'Ana';
      const lastName = lastNames[Math.floor(index / firstNames.length) % lastNames.length] ?? 'Silva';
      const username = `${searchKey(firstName)}.${searchKey(lastName)}.${index}`.replace(/[^a-z0-9.]/g, 'x');
      return { firstName, lastName, username, email: `${username}@example.test` };
    };
    const statusOf = (index: number) => {
      const bucket = index % 100;
      if (bucket < 85) return { status: 'active', base: 'enabled', expires: null };
      if (bucket < 90) return { status: 'invited', base: 'invited', expires: new Date(now.getTime() + ((index % 96) - 48) * 3_600_000).toISOString() };
      if (bucket < 93) return { status: 'invited', base: 'invited', expires: null };
      if (bucket < 98) return { status: 'disabled', base: 'disabled', expires: null };
      return { status: 'active', base: 'sso_only', expires: null };
    };
    await copyRows(
      client,
      'copy users (id, username, username_canonical, email, first_name, last_name, status, sso_only, default_tenant_id, home_tenant_id, created_at, updated_at) from stdin with (format csv)',
      function* () {
        for (let index = 0; index < users; index += 1) {
          const name = nameOf(index);
          const { status, base } = statusOf(index);
          yield `${uuidFor('00000000', index)},${name.username},${name.username},${name.email},${csvField(name.firstName)},${csvField(name.lastName)},${status},${base === 'sso_only'},${tenant.id},${tenant.id},${created},${created}\n`;
        }
      },
    );
    const copiedUsers = performance.now();
    await copyRows(
      client,
      'copy memberships (tenant_id, user_id, role_id, team_id, created_at, username_key, email_key, first_name_key, last_name_key, status_base, invitation_expires_at, password_login) from stdin with (format csv)',
      function* () {
        for (let index = 0; index < users; index += 1) {
          const name = nameOf(index);
          const { base, expires } = statusOf(index);
          const role = index % 1000 === 0 ? roleId('Administrator') : index % 20 === 0 ? roleId('Supervisor') : roleId('Agent');
          const team = index % 7 === 0 ? '' : (teams[index % teams.length]?.id ?? '');
          yield `${tenant.id},${uuidFor('00000000', index)},${role},${team},${created},${csvField(searchKey(name.username))},${csvField(searchKey(name.email))},${csvField(searchKey(name.firstName))},${csvField(searchKey(name.lastName))},${base},${expires ?? ''},tenant\n`;
        }
      },
    );
    const copiedMemberships = performance.now();
    for (const index of indexes.rows) await client.query(index.indexdef);
    await client.query('analyze users');
    await client.query('analyze memberships');
    const seeded = performance.now();
    client.release();
    await pool.end();
    console.log(
      `seeded ${users.toLocaleString('en')} users: COPY users ${round((copiedUsers - seedStart) / 1000)} s, COPY memberships ${round((copiedMemberships - copiedUsers) / 1000)} s, indexes + analyze ${round((seeded - copiedMemberships) / 1000)} s, total ${round((seeded - seedStart) / 1000)} s`,
    );

    server = await startServer(env);
    const baseUrl = server.baseUrl;
    const fetchPage = async (query: string, cookie: string) => {
      const started = performance.now();
      const response = await fetch(`${baseUrl}/api/v1/admin/users?${query}`, { headers: { cookie } });
      const body = (await response.json()) as { items?: unknown[]; nextCursor?: string | null };
      if (response.status !== 200) throw new Error(`GET ${query}: ${response.status} ${JSON.stringify(body)}`);
      return { ms: performance.now() - started, body };
    };

    // The cursor of page 1,000: walk 999 pages once.
    let cursor: string | null = null;
    const walkStart = performance.now();
    for (let page = 1; page < 1000; page += 1) {
      const { body } = await fetchPage(`limit=50${cursor === null ? '' : `&cursor=${cursor}`}`, cookies[0] ?? '');
      cursor = body.nextCursor ?? null;
      if (cursor === null) throw new Error(`the list ended at page ${page}`);
    }
    console.log(`walked to page 1,000 in ${round((performance.now() - walkStart) / 1000)} s (${round((performance.now() - walkStart) / 999)} ms a page, one at a time)`);
    const page1000 = cursor ?? '';

    const agent = roleId('Agent');
    const scenarios: { name: string; query: string; filter: DirectoryFilter }[] = [
      { name: 'first page', query: 'limit=50', filter: filterOf({}) },
      { name: 'page 1,000 by cursor', query: `limit=50&cursor=${page1000}`, filter: filterOf({ cursor: decodeCursor(page1000, false) }) },
      { name: 'prefix search "mar"', query: 'limit=50&q=mar', filter: filterOf({ search: searchRange('mar') }) },
      { name: 'role Agent + status Enabled', query: `limit=50&roleId=${agent}&status=enabled`, filter: filterOf({ roleId: agent, status: statusCondition('enabled', new Date()) }) },
      { name: 'search with no hits "zzqx"', query: 'limit=50&q=zzqx', filter: filterOf({ search: searchRange('zzqx') }) },
    ];
    function filterOf(partial: Partial<DirectoryFilter>): DirectoryFilter {
      return { tenantId: tenant.id, search: undefined, roleId: undefined, teamId: undefined, status: undefined, cursor: undefined, ...partial, limit: windowFor(50, partial.search !== undefined) };
    }

    const results: { name: string; count: number; p50: number; p95: number; p99: number; max: number; items: number }[] = [];
    for (const scenario of scenarios) {
      for (let index = 0; index < 30; index += 1) await fetchPage(scenario.query, cookies[index % cookies.length] ?? '');
      const timings: number[] = [];
      let items = 0;
      let next = 0;
      await Promise.all(
        cookies.map(async (cookie) => {
          while (next < requests) {
            next += 1;
            const { ms, body } = await fetchPage(scenario.query, cookie);
            timings.push(ms);
            items = body.items?.length ?? 0;
          }
        }),
      );
      timings.sort((a, b) => a - b);
      results.push({ name: scenario.name, count: timings.length, p50: round(percentile(timings, 50)), p95: round(percentile(timings, 95)), p99: round(percentile(timings, 99)), max: round(timings.at(-1) ?? 0), items });
    }

    console.log(`\nGET /api/v1/admin/users, ${users.toLocaleString('en')} users in one tenant, ${admins} administrators at a time, ${requests} requests each:\n`);
    console.log('| query | requests | items | p50 ms | p95 ms | p99 ms | max ms |');
    console.log('|---|---|---|---|---|---|---|');
    for (const result of results) console.log(`| ${result.name} | ${result.count} | ${result.items} | ${result.p50} | ${result.p95} | ${result.p99} | ${result.max} |`);

    for (const scenario of scenarios) {
      const plan = await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers, costs off) ${directoryPageQuery(scenario.filter)}`.execute(deps.db);
      console.log(`\nEXPLAIN ANALYZE — ${scenario.name}\n${plan.rows.map((row) => row['QUERY PLAN']).join('\n')}`);
    }
  } finally {
    await server?.stop();
    await deps.close();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();

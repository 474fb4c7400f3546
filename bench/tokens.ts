/**
 * Token service benchmark (SPEC §6): access-key grants per second and bearer-authenticated GET /api/v1/me
 * per second, each beside a plain Fastify "hello" route measured in the same run, on PostgreSQL.
 *
 *   LANYARD_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node --import tsx bench/tokens.ts
 *
 * The parent process drives autocannon; a child process (this file with --serve) runs Lanyard on a fresh
 * database next to the given one, plus a bare Fastify instance with GET /bench/hello, both on 127.0.0.1.
 * The hello route is registered only here, never in Lanyard's own routes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon, { type Result } from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { buildApp } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config/config.ts';
import { createDeps } from '../server/src/deps.ts';
import { migrateToLatest } from '../server/src/storage/migrate.ts';

interface Ready {
  lanyard: string;
  hello: string;
  accessKeyId: string;
  secret: string;
  token: string;
}

const adminUrl = process.env.LANYARD_BENCH_DATABASE_URL ?? process.env.LANYARD_TEST_DATABASE_URL;
const seconds = Number(process.env.LANYARD_BENCH_SECONDS ?? 10);
const connections = Number(process.env.LANYARD_BENCH_CONNECTIONS ?? 50);

async function serve(): Promise<void> {
  if (adminUrl === undefined) throw new Error('set LANYARD_BENCH_DATABASE_URL to a PostgreSQL server');
  const name = `lanyard_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'lanyard-bench-'));
  const config = loadConfig({
    LANYARD_DATA_DIR: dataDir,
    LANYARD_DATABASE_URL: url.href,
    LANYARD_MASTER_KEY: randomBytes(32).toString('base64'),
    LANYARD_PUBLIC_URL: 'http://127.0.0.1:1',
    LANYARD_LOG_LEVEL: 'warn',
  });
  const deps = await createDeps(config, { logger: pino({ level: 'error' }), storage: { kind: 'postgres', url: url.href, maxConnections: 20 } });
  await migrateToLatest(deps.db);
  await deps.signingKeys.ensureKey();
  const app = await buildApp(deps);

  // An integrator with one key, set up through the services.
  const tenant = await deps.tenants.createTenant('Bench');
  const role = await deps.roles.getRoleByName(tenant.id, 'Supervisor');
  const issued = await deps.invitations.inviteUser(tenant.id, { username: 'bench', email: 'bench@example.test', firstName: 'B', lastName: 'B', roleId: role.id });
  await deps.db.updateTable('users').set({ status: 'active' }).where('id', '=', issued.user.id).execute();
  const principal = { kind: 'session' as const, userId: issued.user.id, tenantId: tenant.id, sessionId: 'bench', roleId: role.id, permissions: new Set(role.permissions), passwordChangeRequired: false, secondFactor: false };
  const { key, secret } = await deps.accessKeys.createKey(principal, { description: 'bench' });
  const { access_token: token } = await deps.tokens.issue(key.accessKeyId, secret, { ip: '127.0.0.1' });

  const hello = Fastify({ logger: false });
  hello.get('/bench/hello', async () => ({ hello: 'world' }));

  const lanyardAddress = await app.listen({ host: '127.0.0.1', port: 0 });
  const helloAddress = await hello.listen({ host: '127.0.0.1', port: 0 });
  const ready: Ready = { lanyard: lanyardAddress, hello: helloAddress, accessKeyId: key.accessKeyId, secret, token };
  process.send?.(ready);

  process.on('message', (message) => {
    if (message !== 'cpu') return;
    const usage = process.cpuUsage();
    process.send?.(usage.user + usage.system);
  });
  process.once('disconnect', () => {
    void (async () => {
      await hello.close();
      await app.close();
      await deps.close();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
      await rm(dataDir, { recursive: true, force: true });
      process.exit(0);
    })();
  });
}

function run(options: autocannon.Options): Promise<Result> {
  return new Promise((resolve, reject) => {
    autocannon({ connections, duration: seconds, pipelining: 1, ...options }, (error: unknown, result) => (error ? reject(error instanceof Error ? error : new Error('autocannon failed')) : resolve(result)));
  });
}

interface Measured {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  failures: number;
  /** The server process's CPU time (user + system) per request: what the route costs, apart from the load generator. */
  serverCpuMicroseconds: number;
  /** The load generator's CPU time per request: it shares the machine's two cores with the server. */
  clientCpuMicroseconds: number;
}

/** Asks the server process for its CPU time so far (user + system, microseconds). */
function serverCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (message) => resolve(message as number));
    child.send('cpu');
  });
}

async function measureScenario(child: ChildProcess, name: string, options: autocannon.Options): Promise<Measured> {
  const cpuBefore = await serverCpu(child);
  const clientBefore = process.cpuUsage();
  const result = await run(options);
  const client = process.cpuUsage(clientBefore);
  const cpu = (await serverCpu(child)) - cpuBefore;
  const failures = result.non2xx + result.errors + result.timeouts;
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures,
    serverCpuMicroseconds: Math.round(cpu / Math.max(1, result.requests.total)),
    clientCpuMicroseconds: Math.round((client.user + client.system) / Math.max(1, result.requests.total)),
  };
}

async function measure(): Promise<void> {
  const child: ChildProcess = fork(new URL(import.meta.url).pathname, ['--serve'], { execArgv: ['--import', 'tsx', ...(process.env.LANYARD_BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (message) => resolve(message as Ready));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const grantBody = JSON.stringify({ accessKeyId: ready.accessKeyId, accessKeySecret: ready.secret });
  const all = [
    { key: 'hello', name: 'hello (bare Fastify)', options: { url: `${ready.hello}/bench/hello` } },
    { key: 'healthz', name: 'Lanyard GET /healthz', options: { url: `${ready.lanyard}/healthz` } },
    { key: 'grant', name: 'token grant (POST /authentication/v1/token/access-key)', options: { url: `${ready.lanyard}/authentication/v1/token/access-key`, method: 'POST', headers: { 'content-type': 'application/json' }, body: grantBody } },
    { key: 'hello', name: 'hello (again)', options: { url: `${ready.hello}/bench/hello` } },
    { key: 'me', name: 'GET /api/v1/me with a bearer token', options: { url: `${ready.lanyard}/api/v1/me`, headers: { authorization: `Bearer ${ready.token}` } } },
  ] satisfies { key: string; name: string; options: autocannon.Options }[];
  // LANYARD_BENCH_ONLY=grant,me (keys: hello, healthz, grant, me) measures only those, e.g. for a CPU profile of one path.
  const only = (process.env.LANYARD_BENCH_ONLY ?? '').split(',').filter(Boolean);
  const scenarios = only.length === 0 ? all : all.filter((scenario) => only.includes(scenario.key));
  // Warm up every path (JIT, caches, connection pool) before measuring.
  for (const scenario of scenarios) await run({ ...scenario.options, duration: 2 });
  const results: (Measured & { key: string })[] = [];
  for (const scenario of scenarios) results.push({ key: scenario.key, ...(await measureScenario(child, scenario.name, scenario.options)) });
  child.disconnect();

  console.table(results.map(({ key: _key, ...row }) => row));
  const hello = Math.max(0, ...results.filter((result) => result.key === 'hello').map((result) => result.requestsPerSecond));
  if (hello === 0) return;
  for (const result of results.filter((entry) => entry.key !== 'hello')) {
    console.log(`${result.name}: ${result.requestsPerSecond}/s = ${((result.requestsPerSecond / hello) * 100).toFixed(1)} % of hello (${hello}/s); p99 ${result.p99} ms`);
  }
}

if (process.argv.includes('--serve')) await serve();
else await measure();

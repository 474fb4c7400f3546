/**
 * Database faults under load: a `lanyard serve` process on PostgreSQL takes a mixed load (sign-ins,
 * access-key token grants, and access-key create → deactivate → delete as writes) while every backend of
 * its database is terminated (`pg_terminate_backend`) every 10 s. It is a count, not a speed measurement:
 *
 * - answers: 2xx, 503 by code, other 5xx (target 0), transport errors;
 * - process exits (target 0);
 * - writes: every acknowledged one is found afterwards, none answered SERVICE_NOT_READY is (targets: all,
 *   none); SERVICE_OUTCOME_UNKNOWN ones may be either and are counted by what was found;
 * - recovery: after each termination, how long until the next 2xx answer.
 *
 * Run: node --import tsx bench/faults.ts
 *   LANYARD_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the server;
 *   LANYARD_BENCH_SECONDS (default 60) and LANYARD_BENCH_TERMINATE_EVERY_SECONDS (default 10) the run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { loadConfig } from '../server/src/config/config.ts';
import { createDeps } from '../server/src/deps.ts';
import { migrateToLatest } from '../server/src/storage/migrate.ts';
import { adminDatabaseUrl, createScratchDatabase, startServer } from './support.ts';

const seconds = Number(process.env.LANYARD_BENCH_SECONDS ?? 60);
const terminateEverySeconds = Number(process.env.LANYARD_BENCH_TERMINATE_EVERY_SECONDS ?? 10);
const password = 'Correct-Horse-42-battery';
const signInWorkers = 3;
const grantWorkers = 2;
const writeWorkers = 3;

interface Seeded {
  tenantId: string;
  signInUsers: string[];
  writerUsers: string[];
  grantKey: { accessKeyId: string; secret: string };
}

async function seed(databaseUrl: string, masterKey: string, dataDir: string): Promise<Seeded> {
  const config = loadConfig({ LANYARD_DATABASE_URL: databaseUrl, LANYARD_MASTER_KEY: masterKey, LANYARD_DATA_DIR: dataDir, LANYARD_LOG_LEVEL: 'warn' });
  const deps = await createDeps(config, { logger: pino({ level: 'error' }) });
  try {
    await migrateToLatest(deps.db);
    await deps.signingKeys.ensureKey();
    const tenant = await deps.tenants.createTenant('Faults');
    // Writers create and delete keys all run long; the limit must not be what answers.
    await deps.tenants.updateSettings(tenant.id, (settings) => ({ ...settings, accessKeys: { ...settings.accessKeys, maxPerUser: 100 } }));
    const agent = await deps.roles.getRoleByName(tenant.id, 'Agent');
    const supervisor = await deps.roles.getRoleByName(tenant.id, 'Supervisor');
    const person = async (username: string, roleId: string) => {
      const issued = await deps.invitations.inviteUser(tenant.id, { username, email: `${username}@example.test`, firstName: 'Fault', lastName: 'Bench', roleId });
      await deps.invitations.acceptInvitation(issued.url.split('/').pop() ?? '', password);
      return issued.user.id;
    };
    const signInUsers = await Promise.all(Array.from({ length: 6 }, async (_unused, index) => (await person(`agent.${index}`, agent.id), `agent.${index}`)));
    const writerUsers = await Promise.all(Array.from({ length: writeWorkers }, async (_unused, index) => (await person(`writer.${index}`, supervisor.id), `writer.${index}`)));
    const integrator = await person('integrator', supervisor.id);
    const principal = { kind: 'session' as const, userId: integrator, tenantId: tenant.id, sessionId: 'bench', roleId: supervisor.id, permissions: new Set(supervisor.permissions), passwordChangeRequired: false, secondFactor: false };
    const { key, secret } = await deps.accessKeys.createKey(principal, { description: 'grants' });
    return { tenantId: tenant.id, signInUsers, writerUsers, grantKey: { accessKeyId: key.accessKeyId, secret } };
  } finally {
    await deps.close();
  }
}

type Kind = 'sign-in' | 'token grant' | 'key create' | 'key deactivate' | 'key delete';
/** Every answer, by kind of request and answer: `2xx`, `503 SERVICE_NOT_READY`, `transport error`, … */
const answers = new Map<string, Map<string, number>>();
function count(kind: Kind, answer: string): void {
  const byAnswer = answers.get(kind) ?? new Map<string, number>();
  byAnswer.set(answer, (byAnswer.get(answer) ?? 0) + 1);
  answers.set(kind, byAnswer);
}
let lastSuccessAt = 0;

async function call(kind: Kind, url: string, init: RequestInit): Promise<{ status: number; code: string | undefined; body: unknown; cookie: string | undefined }> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const code = (body as { error?: { code?: string } } | undefined)?.error?.code;
    const key = response.status >= 500 ? `${response.status} ${code ?? '(no code)'}` : `${Math.floor(response.status / 100)}xx`;
    count(kind, key);
    if (response.ok) lastSuccessAt = performance.now();
    const cookie = response.headers.getSetCookie().find((entry) => entry.startsWith('lanyard_session='))?.split(';')[0];
    return { status: response.status, code, body, cookie };
  } catch {
    count(kind, 'transport error');
    return { status: 0, code: undefined, body: undefined, cookie: undefined };
  }
}

type Outcome = 'ok' | 'SERVICE_NOT_READY' | 'SERVICE_OUTCOME_UNKNOWN' | 'other';
const outcomeOf = (answer: { status: number; code: string | undefined }, success: number): Outcome =>
  answer.status === success ? 'ok' : answer.code === 'SERVICE_NOT_READY' || answer.code === 'SERVICE_OUTCOME_UNKNOWN' ? answer.code : 'other';

/** One key's life as the writer saw it. */
interface KeyLife {
  description: string;
  create: Outcome;
  deactivate?: Outcome;
  remove?: Outcome;
}

async function main(): Promise<void> {
  const database = await createScratchDatabase();
  const name = new URL(database.url).pathname.slice(1);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'lanyard-faults-'));
  const masterKey = randomBytes(32).toString('base64');
  const admin = new pg.Client({ connectionString: adminDatabaseUrl() });
  admin.on('error', () => undefined);
  await admin.connect();
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const seeded = await seed(database.url, masterKey, dataDir);
    server = await startServer({
      LANYARD_DATABASE_URL: database.url,
      LANYARD_MASTER_KEY: masterKey,
      LANYARD_DATA_DIR: dataDir,
      LANYARD_AUTH_RATE_LIMIT: '100000',
      LANYARD_LOG_LEVEL: 'error',
    });
    const base = server.baseUrl;
    const json = { 'content-type': 'application/json', origin: base };
    const signIn = (username: string) => call('sign-in', `${base}/api/v1/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ username, password }) });

    // Writers sign in before the load starts.
    const writerCookies: string[] = [];
    for (const username of seeded.writerUsers) {
      const answer = await signIn(username);
      if (answer.cookie === undefined) throw new Error(`writer sign-in failed: ${answer.status}`);
      writerCookies.push(answer.cookie);
    }
    answers.clear();

    const endAt = performance.now() + seconds * 1000;
    const running = () => performance.now() < endAt && server?.hasExited() === false;
    const lives: KeyLife[] = [];
    const recoveries: number[] = [];
    let terminated = 0;
    let terminations = 0;
    let notReadyProbes = 0;

    const signInLoad = async (worker: number) => {
      for (let round = 0; running(); round += 1) await signIn(seeded.signInUsers[(worker + round) % seeded.signInUsers.length] ?? '');
    };
    const grantLoad = async () => {
      const body = JSON.stringify({ accessKeyId: seeded.grantKey.accessKeyId, accessKeySecret: seeded.grantKey.secret });
      while (running()) await call('token grant', `${base}/authentication/v1/token/access-key`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    };
    const writeLoad = async (worker: number) => {
      const headers = { ...json, cookie: writerCookies[worker] ?? '' };
      for (let round = 0; running(); round += 1) {
        const life: KeyLife = { description: `w${worker}-${round}`, create: 'other' };
        lives.push(life);
        const created = await call('key create', `${base}/api/v1/me/access-keys`, { method: 'POST', headers, body: JSON.stringify({ description: life.description }) });
        life.create = outcomeOf(created, 201);
        const id = (created.body as { id?: string } | undefined)?.id;
        if (life.create !== 'ok' || id === undefined) continue;
        life.deactivate = outcomeOf(await call('key deactivate', `${base}/api/v1/me/access-keys/${id}`, { method: 'PATCH', headers, body: JSON.stringify({ state: 'inactive' }) }), 200);
        life.remove = outcomeOf(await call('key delete', `${base}/api/v1/me/access-keys/${id}`, { method: 'DELETE', headers: { origin: base, cookie: headers.cookie } }), 204);
      }
    };
    const terminator = async () => {
      while (running()) {
        await new Promise((resolve) => setTimeout(resolve, terminateEverySeconds * 1000));
        if (!running()) break;
        const result = await admin.query<{ ended: boolean }>('select pg_terminate_backend(pid) as ended from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
        terminated += result.rows.filter((row) => row.ended).length;
        terminations += 1;
        const at = performance.now();
        while (lastSuccessAt <= at && running()) await new Promise((resolve) => setTimeout(resolve, 1));
        if (lastSuccessAt > at) recoveries.push(lastSuccessAt - at);
      }
    };
    const readiness = async () => {
      while (running()) {
        try {
          if ((await fetch(`${base}/readyz`)).status !== 200) notReadyProbes += 1;
        } catch {
          notReadyProbes += 1;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    await Promise.all([
      ...Array.from({ length: signInWorkers }, (_unused, worker) => signInLoad(worker)),
      ...Array.from({ length: grantWorkers }, () => grantLoad()),
      ...Array.from({ length: writeWorkers }, (_unused, worker) => writeLoad(worker)),
      terminator(),
      readiness(),
    ]);
    const exits = server.hasExited() ? 1 : 0;

    // What the writes left behind, read directly.
    const reader = new pg.Client({ connectionString: database.url });
    await reader.connect();
    const rows = (await reader.query<{ description: string; state: string }>('select description, state from access_keys where tenant_id = $1', [seeded.tenantId])).rows;
    await reader.end();
    const stored = new Map(rows.map((row) => [row.description, row.state]));

    let acknowledged = 0;
    let acknowledgedFound = 0;
    let refused = 0;
    let refusedFound = 0;
    let unknown = 0;
    let unknownFound = 0;
    const check = (outcome: Outcome | undefined, applied: boolean) => {
      if (outcome === 'ok') {
        acknowledged += 1;
        if (applied) acknowledgedFound += 1;
      } else if (outcome === 'SERVICE_NOT_READY') {
        refused += 1;
        if (applied) refusedFound += 1;
      } else if (outcome === 'SERVICE_OUTCOME_UNKNOWN') {
        unknown += 1;
        if (applied) unknownFound += 1;
      }
    };
    for (const life of lives) {
      const state = stored.get(life.description);
      const removed = state === undefined;
      // Each step is judged by what the later ones leave: a key that was deleted afterwards was created
      // (and, if deleted after a deactivation, tells nothing about it).
      check(life.create, !removed || life.remove !== undefined);
      if (life.deactivate !== undefined && (life.remove === undefined || !removed)) check(life.deactivate, state === 'inactive');
      if (life.remove !== undefined) check(life.remove, removed);
    }

    const all = [...answers.values()].flatMap((byAnswer) => [...byAnswer]);
    const otherServerErrors = all.filter(([key]) => key.startsWith('5') && !key.startsWith('503 SERVICE_')).reduce((sum, [, number]) => sum + number, 0);
    const columns = [...new Set(all.map(([key]) => key))].sort();
    console.log(`\n${seconds} s mixed load (${signInWorkers} sign-in, ${grantWorkers} token-grant, ${writeWorkers} access-key writers), backends terminated every ${terminateEverySeconds} s`);
    console.table([...answers].map(([kind, byAnswer]) => ({ request: kind, ...Object.fromEntries(columns.map((column) => [column, byAnswer.get(column) ?? 0])) })));
    console.table([
      { measure: 'terminations (backends ended)', value: `${terminations} (${terminated})` },
      { measure: 'other 5xx (target 0)', value: otherServerErrors },
      { measure: 'process exits (target 0)', value: exits },
      { measure: 'acknowledged writes whose effect is found afterwards (target all)', value: `${acknowledgedFound} of ${acknowledged}` },
      { measure: 'SERVICE_NOT_READY writes whose effect is found (target 0)', value: `${refusedFound} of ${refused}` },
      { measure: 'SERVICE_OUTCOME_UNKNOWN writes whose effect is found', value: `${unknownFound} of ${unknown}` },
      { measure: '/readyz probes not ready (every 100 ms)', value: notReadyProbes },
      { measure: 'first 2xx after a termination, ms (max)', value: recoveries.length === 0 ? 'n/a' : Math.round(Math.max(...recoveries)) },
    ]);
    if (otherServerErrors > 0 || exits > 0 || acknowledgedFound < acknowledged || refusedFound > 0) process.exitCode = 1;
  } finally {
    await server?.stop();
    await admin.end();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();

/**
 * Password sign-in under load (SPEC §6):
 *   1. the machine's raw argon2id verification rate, one worker thread per core, nothing else running;
 *   2. sign-in throughput against a `lanyard serve` process on PostgreSQL (target ≥ 90 % of 1), with
 *      `GET /healthz` latency measured at the same time (target p99 ≤ 5 ms);
 *   3. 2× overload: excess sign-ins are shed with 503 + Retry-After (target p99 ≤ 5 ms) while admitted
 *      ones keep p99 ≤ 250 ms.
 * Run: node --import tsx bench/login.ts   (LANYARD_BENCH_DATABASE_URL to use another PostgreSQL)
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';
import { hashSync } from '@node-rs/argon2';
import { loadConfig } from '../server/src/config/config.ts';
import { createDeps } from '../server/src/deps.ts';
import { migrateToLatest } from '../server/src/storage/migrate.ts';
import { createScratchDatabase, percentile, round, startServer } from './support.ts';

const durationSeconds = Number(process.env.BENCH_SECONDS ?? 15);
const cores = availableParallelism();
const password = 'Correct-Horse-42-battery';
const users = 20;

/** Raw verifications per second: one thread per core, each verifying in a loop. */
async function rawVerifyRate(seconds: number): Promise<number> {
  const phc = hashSync(password, { memoryCost: 19456, timeCost: 2, parallelism: 1, algorithm: 2 });
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { verifySync } = require('@node-rs/argon2');
    const end = Date.now() + workerData.ms; let count = 0;
    while (Date.now() < end) { verifySync(workerData.phc, workerData.password); count += 1; }
    parentPort.postMessage(count);`;
  const counts = await Promise.all(
    Array.from({ length: cores }, () => new Promise<number>((resolve, reject) => {
      const worker = new Worker(source, { eval: true, workerData: { ms: seconds * 1000, phc, password } });
      worker.once('message', (count: number) => { resolve(count); void worker.terminate(); });
      worker.once('error', reject);
    })),
  );
  return counts.reduce((sum, count) => sum + count, 0) / seconds;
}

async function seed(databaseUrl: string, masterKey: string): Promise<string[]> {
  const config = loadConfig({ LANYARD_DATABASE_URL: databaseUrl, LANYARD_MASTER_KEY: masterKey, LANYARD_LOG_LEVEL: 'warn' });
  const deps = await createDeps(config);
  try {
    await migrateToLatest(deps.db);
    const tenant = await deps.tenants.createTenant('Bench');
    const agent = await deps.roles.getRoleByName(tenant.id, 'Agent');
    const usernames: string[] = [];
    for (let index = 0; index < users; index += 1) {
      const username = `bench.agent.${index}`;
      const issued = await deps.invitations.inviteUser(tenant.id, { username, email: `${username}@example.test`, firstName: 'Bench', lastName: `Agent ${index}`, roleId: agent.id });
      await deps.invitations.acceptInvitation(issued.url.split('/').pop() ?? '', password);
      usernames.push(username);
    }
    return usernames;
  } finally {
    await deps.close();
  }
}

interface Sample { status: number; ms: number }

/** Runs autocannon and records every response's status and latency (autocannon's own histogram mixes them). */
function run(options: autocannon.Options, onResponse: (status: number, ms: number) => void): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error === null || error === undefined ? resolve(result) : reject(error as Error)));
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => onResponse(statusCode, responseTime));
  });
}

function loginLoad(baseUrl: string, usernames: string[], options: { connections: number; overallRate?: number; seconds: number }) {
  let next = 0;
  const samples: Sample[] = [];
  const done = run({
    url: `${baseUrl}/api/v1/auth/login`,
    connections: options.connections,
    duration: options.seconds,
    ...(options.overallRate === undefined ? {} : { overallRate: options.overallRate }),
    requests: [{
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: baseUrl },
      setupRequest: (request) => ({ ...request, body: JSON.stringify({ username: usernames[next++ % usernames.length], password }) }),
    }],
  }, (status, ms) => samples.push({ status, ms }));
  return { done: done.then((result) => ({ result, samples })) };
}

function healthLoad(baseUrl: string, seconds: number) {
  const samples: number[] = [];
  return run({ url: `${baseUrl}/healthz`, connections: 1, overallRate: 50, duration: seconds }, (_status, ms) => samples.push(ms)).then(() => samples);
}

async function main(): Promise<void> {
  const database = await createScratchDatabase();
  const masterKey = Buffer.alloc(32, 9).toString('base64');
  try {
    console.log(`cores: ${cores}; measuring raw argon2id verification for ${durationSeconds} s…`);
    const raw = await rawVerifyRate(durationSeconds);
    console.log(`raw verify rate: ${round(raw)} /s`);

    const usernames = await seed(database.url, masterKey);
    const server = await startServer({ LANYARD_DATABASE_URL: database.url, LANYARD_MASTER_KEY: masterKey, LANYARD_AUTH_RATE_LIMIT: '100000' });
    try {
      // Warm up (connections, JIT, the common-password list).
      await loginLoad(server.baseUrl, usernames, { connections: cores * 5, seconds: 3 }).done;

      // Saturated but not overloaded: as many sign-ins in flight as the server admits (5 per worker).
      const health = healthLoad(server.baseUrl, durationSeconds);
      const steady = await loginLoad(server.baseUrl, usernames, { connections: cores * 5, seconds: durationSeconds }).done;
      const healthSamples = await health;
      const ok = steady.samples.filter((sample) => sample.status === 200);
      const throughput = ok.length / durationSeconds;
      const shedSteady = steady.samples.filter((sample) => sample.status === 503).length;

      // 2× overload: offer twice the measured capacity.
      const overload = await loginLoad(server.baseUrl, usernames, { connections: 64, overallRate: Math.round(throughput * 2), seconds: durationSeconds }).done;
      const admitted = overload.samples.filter((sample) => sample.status === 200).map((sample) => sample.ms);
      const shed = overload.samples.filter((sample) => sample.status === 503).map((sample) => sample.ms);
      const other = overload.samples.filter((sample) => sample.status !== 200 && sample.status !== 503).length;

      const report = {
        rawVerifyPerSecond: round(raw),
        signInPerSecond: round(throughput),
        signInShareOfRaw: `${round((throughput / raw) * 100)} %`,
        steady: { p50: percentile(ok.map((s) => s.ms), 50), p99: percentile(ok.map((s) => s.ms), 99), shed: shedSteady },
        healthzDuringSignIns: { requests: healthSamples.length, p50: percentile(healthSamples, 50), p99: percentile(healthSamples, 99) },
        overload2x: {
          offeredPerSecond: Math.round(throughput * 2),
          admitted: admitted.length,
          admittedPerSecond: round(admitted.length / durationSeconds),
          admittedP99: percentile(admitted, 99),
          shed: shed.length,
          shedP50: percentile(shed, 50),
          shedP99: percentile(shed, 99),
          otherStatuses: other,
        },
      };
      console.log(JSON.stringify(report, null, 2));
    } finally {
      await server.stop();
    }
  } finally {
    await database.drop();
  }
}

await main();

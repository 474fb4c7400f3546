/**
 * Sign-in time for an unknown username against a known one with a wrong password (SPEC §3.2: the same answer in the same time):
 * one sign-in at a time against a `lanyard serve` process on a fresh PostgreSQL database, unknown and known interleaved (each
 * pair in a random order), and the medians compared. Known usernames are spread over enough accounts that none reaches the
 * lockout (at most 5 wrong passwords each, the default policy locking at 6).
 * Run: npm run bench:login-timing   (BENCH_SAMPLES=200 per kind by default; LANYARD_BENCH_DATABASE_URL for another PostgreSQL)
 */
import { Agent, request as httpRequest } from 'node:http';
import { loadConfig } from '../server/src/config/config.ts';
import { createDeps } from '../server/src/deps.ts';
import { migrateToLatest } from '../server/src/storage/migrate.ts';
import { createScratchDatabase, percentile, round, startServer } from './support.ts';

const samples = Number(process.env.BENCH_SAMPLES ?? 200);
const warmUp = 50;
const wrongPerAccount = 5;
const password = 'Correct-Horse-42-battery';

async function seed(databaseUrl: string, masterKey: string, accounts: number): Promise<string[]> {
  const config = loadConfig({ LANYARD_DATABASE_URL: databaseUrl, LANYARD_MASTER_KEY: masterKey, LANYARD_LOG_LEVEL: 'warn' });
  const deps = await createDeps(config);
  try {
    await migrateToLatest(deps.db);
    const tenant = await deps.tenants.createTenant('Timing');
    const agent = await deps.roles.getRoleByName(tenant.id, 'Agent');
    const usernames: string[] = [];
    for (let index = 0; index < accounts; index += 1) {
      const username = `timing.agent.${index}`;
      const issued = await deps.invitations.inviteUser(tenant.id, { username, email: `${username}@example.test`, firstName: 'Timing', lastName: `Agent ${index}`, roleId: agent.id });
      await deps.invitations.acceptInvitation(issued.url.split('/').pop() ?? '', password);
      usernames.push(username);
    }
    return usernames;
  } finally {
    await deps.close();
  }
}

/** One sign-in on a kept-alive connection: its status and the time from sending to the last byte of the answer. */
function signIn(baseUrl: string, agent: Agent, username: string): Promise<{ status: number; ms: number }> {
  const body = JSON.stringify({ username, password: 'Not-The-Password-7' });
  const startedAt = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(new URL('/api/v1/auth/login', baseUrl), { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), origin: baseUrl } }, (response) => {
      response.resume();
      response.once('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - startedAt }));
    });
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}

async function main(): Promise<void> {
  const database = await createScratchDatabase();
  const masterKey = Buffer.alloc(32, 9).toString('base64');
  const accounts = Math.ceil((samples + warmUp) / wrongPerAccount);
  try {
    const usernames = await seed(database.url, masterKey, accounts);
    const server = await startServer({ LANYARD_DATABASE_URL: database.url, LANYARD_MASTER_KEY: masterKey, LANYARD_AUTH_RATE_LIMIT: '100000' });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const unknown: number[] = [];
      const known: number[] = [];
      let nextKnown = 0;
      for (let round_ = 0; round_ < warmUp + samples; round_ += 1) {
        const knownName = usernames[Math.floor(nextKnown++ / wrongPerAccount)] ?? '';
        const unknownName = `nobody.${round_}.${Math.random().toString(36).slice(2, 8)}`;
        const order = Math.random() < 0.5 ? (['unknown', 'known'] as const) : (['known', 'unknown'] as const);
        for (const kind of order) {
          const answer = await signIn(server.baseUrl, agent, kind === 'known' ? knownName : unknownName);
          if (answer.status !== 401) throw new Error(`expected 401 for a ${kind} username, got ${answer.status}`);
          if (round_ >= warmUp) (kind === 'known' ? known : unknown).push(answer.ms);
        }
      }
      const unknownMedian = percentile(unknown, 50);
      const knownMedian = percentile(known, 50);
      console.log(
        JSON.stringify(
          {
            samplesEach: samples,
            unknownUsername: { p50: unknownMedian, p90: percentile(unknown, 90) },
            knownUsernameWrongPassword: { p50: knownMedian, p90: percentile(known, 90) },
            medianDifferenceMs: round(knownMedian - unknownMedian, 2),
            knownOverUnknown: round(knownMedian / unknownMedian, 3),
          },
          null,
          2,
        ),
      );
    } finally {
      agent.destroy();
      await server.stop();
    }
  } finally {
    await database.drop();
  }
}

await main();

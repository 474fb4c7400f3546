import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** Shared plumbing for the benchmarks: a scratch PostgreSQL database and a Lanyard server process. */

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export function adminDatabaseUrl(): string {
  return process.env.LANYARD_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = adminDatabaseUrl();
  const name = `lanyard_bench_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  baseUrl: string;
  pid: number;
  /** Whether the process has ended (by itself, or after stop()). */
  hasExited(): boolean;
  stop(): Promise<void>;
}

/** Starts `lanyard serve` as its own process (as in production), and waits for /readyz. */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // LANYARD_BENCH_SERVER_NODE_ARGS passes node flags to the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/profiles`.
  const nodeArgs = (process.env.LANYARD_BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, 'bin/lanyard.js', 'serve'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', LANYARD_HOST: '127.0.0.1', LANYARD_PORT: String(port), LANYARD_PUBLIC_URL: baseUrl, LANYARD_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error('the server exited before it was ready (see its output above)');
    try {
      if ((await fetch(`${baseUrl}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('server did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    pid: child.pid ?? 0,
    hasExited: () => exited,
    stop: () =>
      new Promise((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** CPU seconds (user + system) used so far, read from /proc: Linux only, empty elsewhere. */
function procCpuSeconds(statPath: string): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(statPath, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * Where the machine's CPU went: the server's main thread, its other threads (hash workers), every
 * PostgreSQL process, and this process (the load generators). Take one before and one after a phase.
 */
export function cpuSnapshot(serverPid: number): { serverMain: number; serverOther: number; postgres: number; loadGenerator: number } {
  let serverMain = 0;
  let serverOther = 0;
  let postgres = 0;
  try {
    for (const tid of readdirSync(`/proc/${serverPid}/task`)) {
      const seconds = procCpuSeconds(`/proc/${serverPid}/task/${tid}/stat`);
      if (Number(tid) === serverPid) serverMain += seconds;
      else serverOther += seconds;
    }
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      try {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') postgres += procCpuSeconds(`/proc/${pid}/stat`);
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // not Linux
  }
  const own = process.cpuUsage();
  return { serverMain, serverOther, postgres, loadGenerator: (own.user + own.system) / 1e6 };
}

/** Milliseconds of CPU per operation in each place, between two snapshots. */
export function cpuPerOperation(before: ReturnType<typeof cpuSnapshot>, after: ReturnType<typeof cpuSnapshot>, operations: number) {
  const per = (key: keyof typeof before) => round(((after[key] - before[key]) * 1000) / Math.max(1, operations), 2);
  return { serverMainMs: per('serverMain'), serverWorkersMs: per('serverOther'), postgresMs: per('postgres'), loadGeneratorMs: per('loadGenerator') };
}

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

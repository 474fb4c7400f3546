import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, repoRoot } from './support.ts';

/**
 * Embedded start times (SPEC §6: first start ≤ 10 s, later starts ≤ 3 s), measured from launching
 * `npm start` until `/readyz` answers 200.
 *
 * - first start: as on a fresh clone after `npm ci`: no console build (web/dist is deleted) and an empty
 *   data directory (PGlite creates its cluster, migrations run, tenant Default is bootstrapped);
 * - later starts: the same data directory again, the console build up to date.
 *
 * BENCH_ROUNDS (default 3) rounds of one first start and BENCH_LATER (default 3) later starts. Prints one
 * line per start, with the server's own `startupMs` and the 1-minute load average when it began, and a
 * summary. Deletes and rebuilds web/dist and server/dist.
 *
 * BENCH_COMPARE=1 also runs, after each later start, one `npm run start:sources` (the same server run from
 * its TypeScript sources through tsx, as before the bundle) on the same data directory, so the two
 * alternate under the same load; the summary gives their ratio.
 */

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const laterPerRound = Number(process.env.BENCH_LATER ?? 3);
const compare = process.env.BENCH_COMPARE === '1';

interface Start {
  kind: 'first' | 'later' | 'sources';
  wallMs: number;
  startupMs: number | undefined;
  /** CPU seconds (user + system) of npm, the build check or build, and the server, start to exit. */
  cpuSeconds: number | undefined;
  load: number;
}

/**
 * CPU time of this process's reaped children (cutime + cstime, Linux): each process adds its own reaped
 * children's, so after `npm start` exits this covers the whole tree. Unlike wall clock it hardly depends
 * on what else the machine is running.
 */
function childrenCpuSeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

async function timeStart(kind: Start['kind'], dataDir: string): Promise<Start> {
  const port = await freePort();
  const load = loadavg()[0] ?? 0;
  const cpuBefore = childrenCpuSeconds();
  const began = performance.now();
  const child = spawn('npm', kind === 'sources' ? ['run', 'start:sources'] : ['start'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LANYARD_DATA_DIR: dataDir,
      LANYARD_HOST: '127.0.0.1',
      LANYARD_PORT: String(port),
      LANYARD_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const deadline = Date.now() + 120_000;
  let wallMs: number | undefined;
  while (wallMs === undefined) {
    if (exited || Date.now() > deadline) throw new Error(`npm start did not become ready:\n${output}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) wallMs = performance.now() - began;
    } catch {
      // not listening yet
    }
    if (wallMs === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  // The "serving" log line (with startupMs) follows readiness by a moment.
  for (let waited = 0; !output.includes('startupMs') && waited < 5_000; waited += 25) await new Promise((resolve) => setTimeout(resolve, 25));
  // Stop the server itself (its pid is in the data directory's lock): it shuts down gracefully, then the
  // shell and npm exit in turn, each reaped by its parent, so the CPU count above covers them all.
  const serverPid = (JSON.parse(readFileSync(path.join(dataDir, 'lanyard.lock'), 'utf8')) as { pid: number }).pid;
  process.kill(serverPid, 'SIGTERM');
  await exit;
  const cpuAfter = childrenCpuSeconds();
  const startupMs = /"startupMs":(\d+)/.exec(output)?.[1];
  return {
    kind,
    wallMs,
    startupMs: startupMs === undefined ? undefined : Number(startupMs),
    cpuSeconds: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
    load,
  };
}

function summary(starts: Start[], kind: Start['kind']): string {
  const walls = starts.filter((start) => start.kind === kind).map((start) => start.wallMs / 1000).sort((a, b) => a - b);
  const median = walls[Math.floor(walls.length / 2)] ?? 0;
  return `${kind}: ${walls.map((wall) => wall.toFixed(1)).join(', ')} s (median ${median.toFixed(1)} s, worst ${(walls.at(-1) ?? 0).toFixed(1)} s)`;
}

const starts: Start[] = [];
for (let round = 0; round < rounds; round += 1) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'lanyard-bench-start-'));
  try {
    await rm(path.join(repoRoot, 'web', 'dist'), { recursive: true, force: true });
    await rm(path.join(repoRoot, 'server', 'dist'), { recursive: true, force: true });
    const later: Start['kind'][] = compare ? ['later', 'sources'] : ['later'];
    const kinds: Start['kind'][] = ['first', ...Array.from({ length: laterPerRound }, () => later).flat()];
    for (const kind of kinds) {
      const start = await timeStart(kind, dataDir);
      starts.push(start);
      process.stdout.write(
        `${kind.padEnd(7)} ${(start.wallMs / 1000).toFixed(2)} s to ready (server's startupMs ${start.startupMs ?? '?'}; ${start.cpuSeconds?.toFixed(2) ?? '?'} CPU s; load average ${start.load.toFixed(1)})\n`,
      );
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
process.stdout.write(`${summary(starts, 'first')}\n${summary(starts, 'later')}\n`);
if (compare) {
  const total = (kind: Start['kind'], pick: (start: Start) => number) =>
    starts.filter((start) => start.kind === kind).reduce((sum, start) => sum + pick(start), 0);
  const wallRatio = total('later', (start) => start.wallMs) / total('sources', (start) => start.wallMs);
  const cpuRatio = total('later', (start) => start.cpuSeconds ?? 0) / total('sources', (start) => start.cpuSeconds ?? 0);
  process.stdout.write(`${summary(starts, 'sources')}\nbundled / sources, summed over the alternating later starts: wall ${wallRatio.toFixed(2)}, CPU ${cpuRatio.toFixed(2)}\n`);
}

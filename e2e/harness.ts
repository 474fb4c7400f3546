import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';

/** The repository root: the server is started from here, as an operator would. */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface LogLine {
  level?: number;
  msg?: string;
  [key: string]: unknown;
}

export interface LanyardServer {
  baseUrl: string;
  dataDir: string;
  /** Every JSON log line the server wrote so far. */
  logs: LogLine[];
  /** Everything that was not a JSON log line (stderr and stray stdout), for diagnostics. */
  otherOutput: string[];
  /** Resolves with the first log line the predicate accepts, waiting for it if needed. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** The `.eml` files the embedded outbox wrote under `<data dir>/outbox/`, waiting until one matches. */
  waitForEmail(predicate: (raw: string) => boolean, timeoutMs?: number): Promise<{ file: string; raw: string }>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('Could not read the port of a probe socket.'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** The inherited environment without any LANYARD_* setting, so the test decides the configuration. */
function cleanEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('LANYARD_')) env[key] = value;
  }
  return env;
}

async function listFiles(directory: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

function describeOutput(server: Pick<LanyardServer, 'logs' | 'otherOutput'>): string {
  const logTail = server.logs.slice(-30).map((line) => JSON.stringify(line));
  const otherTail = server.otherOutput.slice(-30);
  return [`--- last log lines ---`, ...logTail, `--- other output ---`, ...otherTail].join('\n');
}

/**
 * Starts Lanyard as `npm start` does (`scripts/start.js`: the bundled server, built by `npm run build`
 * before the journeys) on a free port of 127.0.0.1 with an empty temporary data directory and the embedded
 * defaults (PGlite, file outbox), plus any `env` of the caller's, and waits until `/readyz` answers 200.
 * `port`: one the caller chose (with `freePort`) so that other servers can be told this one's URL first.
 */
export async function startLanyard(options: { readyTimeoutMs?: number; env?: Record<string, string>; port?: number } = {}): Promise<LanyardServer> {
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'lanyard-e2e-'));
  const child: ChildProcess = spawn(process.execPath, ['scripts/start.js'], {
    cwd: repoRoot,
    env: {
      ...cleanEnvironment(),
      LANYARD_HOST: '127.0.0.1',
      LANYARD_PORT: String(port),
      LANYARD_PUBLIC_URL: baseUrl,
      LANYARD_DATA_DIR: dataDir,
      LANYARD_LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const logs: LogLine[] = [];
  const otherOutput: string[] = [];
  const waiters = new Set<() => void>();
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  const notify = () => {
    for (const waiter of waiters) waiter();
  };

  let pending = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line !== '') {
        try {
          const parsed: unknown = JSON.parse(line);
          if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) logs.push(parsed as LogLine);
          else otherOutput.push(line);
        } catch {
          otherOutput.push(line);
        }
      }
      newline = pending.indexOf('\n');
    }
    notify();
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    otherOutput.push(...chunk.split('\n').filter((line) => line.trim() !== ''));
  });
  const exitPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      notify();
      resolve();
    });
  });

  const server: LanyardServer = {
    baseUrl,
    dataDir,
    logs,
    otherOutput,
    waitForLog(predicate, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = logs.find(predicate);
          if (found !== undefined) {
            finish();
            resolve(found);
          } else if (exited !== null) {
            finish();
            reject(new Error(`The server exited (${JSON.stringify(exited)}) before the expected log line.\n${describeOutput(server)}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`No matching log line within ${timeoutMs} ms.\n${describeOutput(server)}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async waitForEmail(predicate, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      const outbox = join(dataDir, 'outbox');
      for (;;) {
        for (const file of (await listFiles(outbox)).filter((name) => name.endsWith('.eml'))) {
          const raw = await readFile(file, 'utf8');
          if (predicate(raw)) return { file, raw };
        }
        if (Date.now() > deadline) {
          throw new Error(`No matching .eml file under ${outbox} within ${timeoutMs} ms.\n${describeOutput(server)}`);
        }
        await delay(200);
      }
    },
    async stop() {
      if (exited === null) {
        child.kill('SIGTERM');
        const stopped = await Promise.race([exitPromise.then(() => true), delay(10_000).then(() => false)]);
        if (!stopped) {
          child.kill('SIGKILL');
          await exitPromise;
        }
      }
      await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
    },
  };

  const readyDeadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exited !== null) {
      await rm(dataDir, { recursive: true, force: true });
      throw new Error(`The server exited (${JSON.stringify(exited)}) before it was ready.\n${describeOutput(server)}`);
    }
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > readyDeadline) {
      await server.stop();
      throw new Error(`The server was not ready within the time limit.\n${describeOutput(server)}`);
    }
    await delay(200);
  }
  return server;
}

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { normalizePassword } from '@lanyard/contracts/password-policy';
import { AppError } from '../errors/app-error.ts';
import { newSecretToken } from '../kernel/secrets.ts';

/** argon2id parameters; the defaults are OWASP's minimum (m=19456 KiB, t=2, p=1). */
export interface Argon2Parameters {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export const owaspArgon2: Argon2Parameters = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export interface PasswordHasher {
  /** The parameters new hashes are made with. */
  readonly parameters: Argon2Parameters;
  /** PHC string of the NFKC-normalised password. */
  hash(password: string): Promise<string>;
  verify(phc: string, password: string): Promise<boolean>;
  /** Spends the same time as a real verification, for accounts that do not exist. */
  verifyAgainstDummy(password: string): Promise<void>;
  /** Worker threads. */
  readonly size: number;
  /** Tasks that can be running or waiting at once; more are refused. */
  readonly capacity: number;
  /**
   * Work done so far, for metrics and for tests that prove equal work on every sign-in path.
   * `verifications` counts every verification, `dummyVerifications` the part of them against the dummy hash.
   */
  stats(): { hashes: number; verifications: number; dummyVerifications: number; queued: number; rejected: number };
  close(): Promise<void>;
}

interface Task {
  id: number;
  op: 'hash' | 'verify';
  password: string;
  hash?: string;
  options?: Argon2Parameters & { algorithm: 2 };
}

interface Pending {
  task: Task;
  resolve: (value: string | boolean) => void;
  reject: (error: Error) => void;
}

interface WorkerReply {
  id: number;
  ok: boolean;
  result?: string | boolean;
  error?: string;
}

export interface HasherOptions {
  parameters?: Argon2Parameters;
  /** Worker threads; defaults to the number of cores. */
  size?: number;
  /**
   * Tasks allowed to wait beyond those running; past this, callers get SERVICE_OVERLOADED at once. The
   * default, four per worker, keeps workers busy while admitted sign-ins do their database work, and
   * bounds the wait at about four verification times (a warm verification takes ~13 ms per core here).
   */
  maxQueue?: number;
}

/**
 * A bounded pool of worker threads running argon2id. Each worker runs one hash at a time; a full queue
 * refuses new work immediately with 503 + Retry-After instead of letting latency grow without bound.
 */
export function createPasswordHasher(options: HasherOptions = {}): PasswordHasher {
  const parameters = options.parameters ?? owaspArgon2;
  const size = options.size ?? availableParallelism();
  const maxQueue = options.maxQueue ?? size * 4;
  const workers: Worker[] = [];
  const idle: Worker[] = [];
  const running = new Map<Worker, Pending>();
  const queue: Pending[] = [];
  let nextId = 1;
  let closed = false;
  const counts = { hashes: 0, verifications: 0, dummyVerifications: 0, rejected: 0 };

  const dispatch = (): void => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop() as Worker;
      const pending = queue.shift() as Pending;
      running.set(worker, pending);
      worker.postMessage(pending.task);
    }
  };

  for (let index = 0; index < size; index += 1) {
    const worker = new Worker(new URL('./hash-worker.mjs', import.meta.url));
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      const pending = running.get(worker);
      running.delete(worker);
      idle.push(worker);
      if (pending !== undefined) {
        if (reply.ok && reply.result !== undefined) pending.resolve(reply.result);
        else pending.reject(new Error(`argon2 ${pending.task.op} failed: ${reply.error ?? 'unknown'}`));
      }
      dispatch();
    });
    worker.on('error', (error) => {
      running.get(worker)?.reject(error);
      running.delete(worker);
    });
    workers.push(worker);
    idle.push(worker);
  }

  const submit = (task: Omit<Task, 'id'>): Promise<string | boolean> => {
    if (closed) return Promise.reject(new AppError('SERVICE_NOT_READY', { headers: { 'retry-after': '1' } }));
    if (queue.length >= maxQueue) {
      counts.rejected += 1;
      return Promise.reject(new AppError('SERVICE_OVERLOADED', { headers: { 'retry-after': '1' } }));
    }
    if (task.op === 'hash') counts.hashes += 1;
    else counts.verifications += 1;
    return new Promise((resolve, reject) => {
      queue.push({ task: { ...task, id: nextId++ }, resolve, reject });
      dispatch();
    });
  };

  const hash = async (password: string): Promise<string> =>
    (await submit({ op: 'hash', password: normalizePassword(password), options: { ...parameters, algorithm: 2 } })) as string;

  const verify = async (phc: string, password: string): Promise<boolean> =>
    (await submit({ op: 'verify', hash: phc, password: normalizePassword(password) })) as boolean;

  let dummy: Promise<string> | undefined;

  return {
    parameters,
    size,
    capacity: size + maxQueue,
    hash,
    verify,
    async verifyAgainstDummy(password) {
      dummy ??= hash(newSecretToken());
      const phc = await dummy;
      counts.dummyVerifications += 1;
      await verify(phc, password);
    },
    stats: () => ({ ...counts, queued: queue.length }),
    async close() {
      closed = true;
      for (const pending of queue.splice(0)) pending.reject(new AppError('SERVICE_NOT_READY', { headers: { 'retry-after': '1' } }));
      // Let running hashes finish, so requests already admitted still get their answer.
      while (running.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

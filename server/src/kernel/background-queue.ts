/**
 * Work that must not happen before an answer: jobs run one at a time, after the current turn of the event
 * loop, in the order they came. The queue is bounded; a job offered to a full queue is dropped and
 * reported, so a flood costs memory for at most `maxPending` jobs. `idle()` resolves once everything
 * offered so far has run (tests, graceful shutdown).
 */
export interface BackgroundQueue<T> {
  /** Queues a job; false (and nothing queued) when the queue is full or closed. */
  offer(job: T): boolean;
  /** Resolves when every job offered so far has finished. */
  idle(): Promise<void>;
  /** Refuses new jobs and waits for the queued ones. */
  close(): Promise<void>;
  pending(): number;
}

export function createBackgroundQueue<T>(options: {
  run: (job: T) => Promise<void>;
  /** A job that threw: the queue goes on with the next one. */
  onError: (error: unknown) => void;
  maxPending?: number;
}): BackgroundQueue<T> {
  const maxPending = options.maxPending ?? 10_000;
  const jobs: T[] = [];
  let draining: Promise<void> | undefined;
  let closed = false;

  const drain = async (): Promise<void> => {
    // Let the answer of the request that offered the job be written first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (let job = jobs.shift(); job !== undefined; job = jobs.shift()) {
      try {
        await options.run(job);
      } catch (error) {
        options.onError(error);
      }
    }
    draining = undefined;
  };

  return {
    offer(job) {
      if (closed || jobs.length >= maxPending) return false;
      jobs.push(job);
      draining ??= drain();
      return true;
    },
    async idle() {
      while (draining !== undefined) await draining;
    },
    async close() {
      closed = true;
      while (draining !== undefined) await draining;
    },
    pending: () => jobs.length,
  };
}

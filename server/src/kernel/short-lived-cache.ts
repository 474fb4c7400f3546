import type { Clock } from './clock.ts';

/**
 * Hot reads kept in memory for a short time (a second for credentials and profiles), so a change made on
 * another instance is seen within that time even if its invalidation is lost. One read per key at a time:
 * requests that find an entry stale while it is being read wait for that same read. A read that was in
 * flight when something was forgotten is not stored (it may have read what the change replaced).
 */
export interface ShortLivedCache<V> {
  get(key: string, read: () => Promise<V>): Promise<V>;
  forget(key: string): void;
  forgetWhere(predicate: (value: V, key: string) => boolean): void;
  clear(): void;
}

export function createShortLivedCache<V>(options: { ttlMs: number; clock: Clock; maxEntries?: number }): ShortLivedCache<V> {
  const maxEntries = options.maxEntries ?? 100_000;
  const entries = new Map<string, { value: V; loadedAt: number }>();
  const reading = new Map<string, Promise<V>>();
  let epoch = 0;
  /** Every forget also abandons the reads in flight, which then answer their callers but are not kept. */
  const changed = () => {
    epoch += 1;
    reading.clear();
  };

  return {
    get(key, read) {
      const now = options.clock.now().getTime();
      const entry = entries.get(key);
      if (entry !== undefined && now - entry.loadedAt < options.ttlMs && now >= entry.loadedAt) return Promise.resolve(entry.value);
      const pending = reading.get(key);
      if (pending !== undefined) return pending;
      const startedAt = epoch;
      const current = read().then(
        (value) => {
          if (epoch === startedAt) {
            reading.delete(key);
            if (entries.size >= maxEntries) entries.clear();
            entries.set(key, { value, loadedAt: now });
          }
          return value;
        },
        (error: unknown) => {
          if (reading.get(key) === current) reading.delete(key);
          throw error;
        },
      );
      reading.set(key, current);
      return current;
    },
    forget(key) {
      changed();
      entries.delete(key);
    },
    forgetWhere(predicate) {
      changed();
      for (const [key, entry] of entries) if (predicate(entry.value, key)) entries.delete(key);
    },
    clear() {
      changed();
      entries.clear();
    },
  };
}

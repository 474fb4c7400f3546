import { sql } from 'kysely';
import pg from 'pg';
import type { Executor } from './db.ts';

/**
 * Cache invalidation across instances. A change sends `pg_notify` inside its own transaction, so every
 * instance hears about it exactly when it commits (PostgreSQL delivers notifications on commit and drops
 * them on rollback). Each instance keeps one dedicated connection that LISTENs.
 *
 * The instance that made the change must not wait for the round trip: it also calls `dispatchLocal` right
 * after its commit. With PGlite there is only one process, so local dispatch is all there is.
 *
 * Topic `*` means "forget everything": it is dispatched when the listening connection was lost, because
 * notifications sent meanwhile are gone.
 */
export const invalidationChannel = 'lanyard_invalidation';

/** Topics every domain may publish: `user` (id = a user id) when a user's account, role or status changes; `*` for everything. */
export const invalidationTopics = { user: 'user', all: '*' } as const;

export interface Invalidation {
  topic: string;
  id: string;
}

export type InvalidationListener = (message: Invalidation) => void;

export interface Notifications {
  /** Sends the invalidation to every instance when the caller's transaction commits. */
  publish(executor: Executor, message: Invalidation): Promise<void>;
  /** Delivers the invalidation to this instance's listeners now. */
  dispatchLocal(message: Invalidation): void;
  subscribe(listener: InvalidationListener): () => void;
  close(): Promise<void>;
}

function parse(payload: string | undefined): Invalidation | undefined {
  if (payload === undefined) return undefined;
  try {
    const value = JSON.parse(payload) as unknown;
    if (typeof value === 'object' && value !== null && 'topic' in value && 'id' in value) {
      const { topic, id } = value;
      if (typeof topic === 'string' && typeof id === 'string') return { topic, id };
    }
  } catch {
    // Not ours; ignore.
  }
  return undefined;
}

function createDispatcher() {
  const listeners = new Set<InvalidationListener>();
  return {
    listeners,
    dispatch(message: Invalidation) {
      for (const listener of listeners) listener(message);
    },
  };
}

async function sendNotify(executor: Executor, message: Invalidation): Promise<void> {
  await sql`select pg_notify(${invalidationChannel}, ${JSON.stringify(message)})`.execute(executor);
}

/** One process (PGlite): the change's own instance is the only one. */
export function createLocalNotifications(): Notifications {
  const dispatcher = createDispatcher();
  return {
    publish: async () => {},
    dispatchLocal: (message) => dispatcher.dispatch(message),
    subscribe(listener) {
      dispatcher.listeners.add(listener);
      return () => dispatcher.listeners.delete(listener);
    },
    close: async () => {},
  };
}

/**
 * PostgreSQL: LISTEN on a dedicated client; reconnects after a second when the connection drops and then
 * dispatches `*`, since notifications sent while it was away are lost.
 */
export async function createPostgresNotifications(url: string, onProblem: (error: Error) => void): Promise<Notifications> {
  const dispatcher = createDispatcher();
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (notification) => {
      if (notification.channel !== invalidationChannel) return;
      const message = parse(notification.payload);
      if (message !== undefined) dispatcher.dispatch(message);
    });
    next.on('error', (error) => {
      onProblem(error);
      scheduleReconnect(next);
    });
    next.on('end', () => scheduleReconnect(next));
    await next.connect();
    await next.query(`listen ${invalidationChannel}`);
    client = next;
  };

  const scheduleReconnect = (lost: pg.Client): void => {
    if (closed || client !== lost || retry !== undefined) return;
    client = undefined;
    void lost.end().catch(() => undefined);
    retry = setTimeout(() => {
      retry = undefined;
      connect().then(
        () => dispatcher.dispatch({ topic: '*', id: '' }),
        (error: unknown) => {
          onProblem(error instanceof Error ? error : new Error(String(error)));
          if (client === undefined && !closed) scheduleReconnect(lost);
        },
      );
    }, 1000);
    retry.unref();
  };

  await connect();
  return {
    publish: sendNotify,
    dispatchLocal: (message) => dispatcher.dispatch(message),
    subscribe(listener) {
      dispatcher.listeners.add(listener);
      return () => dispatcher.listeners.delete(listener);
    },
    async close() {
      closed = true;
      if (retry !== undefined) clearTimeout(retry);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}

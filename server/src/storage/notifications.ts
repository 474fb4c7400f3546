import { Redis } from 'ioredis';
import { sql } from 'kysely';
import pg from 'pg';
import type { Executor } from './db.ts';

/**
 * Cache invalidation across instances, in two steps a change always takes:
 *
 * 1. `publish(trx, message)` inside the change's transaction;
 * 2. `deliverCommitted(message)` right after that transaction committed.
 *
 * Which step reaches the other instances depends on the transport:
 *
 * - **PostgreSQL** (LISTEN/NOTIFY, the default with `LANYARD_DATABASE_URL`): step 1 sends `pg_notify`, which
 *   PostgreSQL delivers exactly when the transaction commits and drops on rollback. Each instance keeps one
 *   dedicated connection that LISTENs.
 * - **Redis** (pub/sub, whenever `LANYARD_REDIS_URL` is set; it replaces LISTEN/NOTIFY, on PostgreSQL and on
 *   PGlite alike): Redis cannot take part in a database transaction, so step 1 does nothing and step 2
 *   PUBLISHes. A rolled-back change never reaches step 2, so it sends nothing; a committed one is published
 *   within a round trip of the commit. The one gap is a process that dies between its COMMIT and its
 *   PUBLISH: the other instances then learn nothing, and rely on their caches' own limits (the credential
 *   and profile caches trust an entry for at most a second; a signing key nobody heard of is loaded when a
 *   token names it). Redis replaces LISTEN/NOTIFY rather than doubling it: no instance then holds a LISTEN
 *   connection on the database (which a pooler in transaction mode cannot carry), and each change is sent once.
 * - **Local** (PGlite without Redis): one process, so step 2's local delivery is all there is.
 *
 * Step 2 always also delivers to this instance's listeners at once, so the instance that made the change
 * never waits for a round trip. (An instance hears its own messages again through the transport; dropping
 * a cache entry twice is harmless.)
 *
 * Topic `*` means "forget everything": it is dispatched when a listening connection was lost and is back,
 * because messages sent meanwhile are gone.
 */
/** The PostgreSQL LISTEN/NOTIFY channel. */
export const invalidationChannel = 'lanyard_invalidation';

/** The Redis pub/sub channel. Channels are not scoped by database index, so tests pass their own. */
export const redisInvalidationChannel = 'lanyard:invalidation';

/** Topics every domain may publish: `user` (id = a user id) when a user's account, role or status changes; `*` for everything. */
export const invalidationTopics = { user: 'user', all: '*' } as const;

export interface Invalidation {
  topic: string;
  id: string;
}

export type InvalidationListener = (message: Invalidation) => void;

export interface Notifications {
  /**
   * Step 1, inside the change's transaction: on PostgreSQL, queues the invalidation for every instance on
   * commit (`pg_notify`); with Redis or locally it does nothing (see `deliverCommitted`).
   */
  publish(executor: Executor, message: Invalidation): Promise<void>;
  /**
   * Step 2, right after the transaction that called `publish` committed (never after a rollback): delivers
   * the invalidation to this instance's listeners now and, with Redis, PUBLISHes it to every other instance.
   */
  deliverCommitted(message: Invalidation): void;
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

/** This instance's listeners: every transport delivers into one of these. */
function createDispatcher() {
  const listeners = new Set<InvalidationListener>();
  return {
    dispatch: (message: Invalidation): void => {
      for (const listener of listeners) listener(message);
    },
    subscribe: (listener: InvalidationListener): (() => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
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
    deliverCommitted: (message) => dispatcher.dispatch(message),
    subscribe: dispatcher.subscribe,
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
    try {
      await next.connect();
      await next.query(`listen ${invalidationChannel}`);
    } catch (error) {
      void next.end().catch(() => undefined);
      throw error;
    }
    if (closed) {
      void next.end().catch(() => undefined);
      return;
    }
    client = next;
  };

  /** After the listening client was lost (or, with none, after a failed attempt), tries again in a second, until it is back. */
  const scheduleReconnect = (lost: pg.Client | undefined): void => {
    if (closed || retry !== undefined) return;
    if (lost !== undefined) {
      if (client !== lost) return;
      client = undefined;
      void lost.end().catch(() => undefined);
    }
    retry = setTimeout(() => {
      connect().then(
        () => {
          retry = undefined;
          if (!closed) dispatcher.dispatch({ topic: '*', id: '' });
        },
        (error: unknown) => {
          retry = undefined;
          onProblem(error instanceof Error ? error : new Error(String(error)));
          scheduleReconnect(undefined);
        },
      );
    }, 1000);
    retry.unref();
  };

  await connect();
  return {
    publish: sendNotify,
    deliverCommitted: (message) => dispatcher.dispatch(message),
    subscribe: dispatcher.subscribe,
    async close() {
      closed = true;
      if (retry !== undefined) clearTimeout(retry);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}

/**
 * Redis pub/sub: one subscriber connection and one publisher. The subscriber reconnects on its own (after
 * 0.2 s, backing off to a second) and, once it is subscribed again, dispatches `*`, since messages
 * published while it was away are lost. A PUBLISH that cannot be sent is queued while the publisher
 * reconnects; every listener that lost its connection too forgets everything when it is back anyway.
 *
 * Fails (like the PostgreSQL listener) when Redis cannot be reached at start, so a wrong URL is noticed
 * before the instance serves.
 */
export async function createRedisNotifications(
  url: string,
  options: { channel?: string | undefined; onProblem: (error: Error) => void },
): Promise<Notifications> {
  const channel = options.channel ?? redisInvalidationChannel;
  const dispatcher = createDispatcher();
  const retryStrategy = (attempt: number) => Math.min(attempt * 200, 1000);
  const subscriber = new Redis(url, {
    lazyConnect: true,
    // Resubscribing is done below, so that `*` is dispatched only once the subscription is back.
    autoResubscribe: false,
    maxRetriesPerRequest: null,
    connectionName: `${channel}:subscriber`,
    retryStrategy,
  });
  const publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, connectionName: `${channel}:publisher`, retryStrategy });
  let subscribed = false;
  let closed = false;

  subscriber.on('message', (from: string, payload: string) => {
    if (from !== channel) return;
    const message = parse(payload);
    if (message !== undefined) dispatcher.dispatch(message);
  });
  subscriber.on('ready', () => {
    // The first `ready` is the start, which subscribes below; every later one is a reconnection.
    if (!subscribed || closed) return;
    subscriber.subscribe(channel).then(
      () => dispatcher.dispatch({ topic: invalidationTopics.all, id: '' }),
      // The connection dropped again before the subscription was back; the next `ready` tries again.
      (error: unknown) => options.onProblem(error instanceof Error ? error : new Error(String(error))),
    );
  });
  subscriber.on('error', (error: Error) => options.onProblem(error));
  publisher.on('error', (error: Error) => options.onProblem(error));

  try {
    await Promise.all([subscriber.connect(), publisher.connect()]);
    await subscriber.subscribe(channel);
    subscribed = true;
  } catch (error) {
    subscriber.disconnect();
    publisher.disconnect();
    throw error;
  }

  return {
    publish: async () => {},
    deliverCommitted(message) {
      dispatcher.dispatch(message);
      publisher.publish(channel, JSON.stringify(message)).catch((error: unknown) => {
        if (!closed) options.onProblem(error instanceof Error ? error : new Error(String(error)));
      });
    },
    subscribe: dispatcher.subscribe,
    async close() {
      closed = true;
      subscriber.disconnect();
      // Sends what is still queued when Redis is there; otherwise there is nobody to tell.
      if (publisher.status === 'ready') await publisher.quit().catch(() => undefined);
      publisher.disconnect();
    },
  };
}

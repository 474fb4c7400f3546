import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { uniqueInvalidationChannel } from '../testing/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { openDatabase, type Db } from './db.ts';
import { createRedisNotifications, type Invalidation, type Notifications } from './notifications.ts';

// Redis runs beside PostgreSQL in CI; the tests use the default local address unless told otherwise.
// eslint-disable-next-line no-restricted-properties -- test-only address of the shared Redis
const redisUrl = process.env.LANYARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One instance's view of the channel: what its listeners received, in order. */
interface Instance {
  notifications: Notifications;
  received: Invalidation[];
}


const open: Instance[] = [];

async function instance(channel: string): Promise<Instance> {
  const notifications = await createRedisNotifications(redisUrl, { channel, onProblem: () => {} });
  const received: Invalidation[] = [];
  notifications.subscribe((message) => received.push(message));
  const created = { notifications, received };
  open.push(created);
  return created;
}

/** Long enough for a message that was sent to arrive (they take about a millisecond), to show one was not. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

let database: TestDatabase;
let db: Db;
beforeAll(async () => {
  database = await createTestDatabase();
  db = await openDatabase(database.target);
});
afterAll(async () => {
  await Promise.all(open.map((entry) => entry.notifications.close()));
  await db.destroy();
  await database.drop();
});

describe('cache invalidation over Redis pub/sub', () => {
  it('delivers a committed invalidation to this instance at once and to every instance on the channel within a second', async () => {
    const channel = uniqueInvalidationChannel();
    const [first, second, elsewhere] = await Promise.all([instance(channel), instance(channel), instance(uniqueInvalidationChannel())]);
    const message = { topic: 'access-key', id: 'AKIDTEST1' };

    const sentAt = Date.now();
    first.notifications.deliverCommitted(message);
    expect(first.received).toEqual([message]);
    await vi.waitFor(() => expect(second.received).toEqual([message]), { timeout: 1000, interval: 5 });
    expect(Date.now() - sentAt).toBeLessThan(1000);
    await settle();
    // The sender hears its own message once more through Redis; another channel hears nothing.
    expect(first.received).toEqual([message, message]);
    expect(elsewhere.received).toEqual([]);
  });

  it('sends nothing for a transaction that rolls back, and nothing before the commit', async () => {
    const channel = uniqueInvalidationChannel();
    const [first, second] = await Promise.all([instance(channel), instance(channel)]);
    const message = { topic: 'access-key', id: 'AKIDROLLEDBACK' };

    const rollback = db.transaction().execute(async (trx) => {
      await first.notifications.publish(trx, message);
      throw new Error('the change fails after publishing');
    });
    await expect(rollback).rejects.toThrow('the change fails after publishing');
    await db.transaction().execute(async (trx) => {
      await first.notifications.publish(trx, message);
      await settle();
      // Still inside the transaction: nobody may hear of a change that is not committed yet.
      expect(second.received).toEqual([]);
    });
    await settle();
    expect(second.received).toEqual([]);
    expect(first.received).toEqual([]);
  });

  it('ignores payloads that are not invalidations', async () => {
    const channel = uniqueInvalidationChannel();
    const listener = await instance(channel);
    const raw = new Redis(redisUrl);
    try {
      for (const payload of ['not json', '{"topic":1,"id":"x"}', '{"topic":"user"}', '[]', '{"topic":"user","id":"u1"}']) await raw.publish(channel, payload);
    } finally {
      await raw.quit();
    }
    await vi.waitFor(() => expect(listener.received).toEqual([{ topic: 'user', id: 'u1' }]), { timeout: 1000, interval: 5 });
  });

  it('forgets everything when its subscriber connection comes back after being lost, and hears later messages', async () => {
    const channel = uniqueInvalidationChannel();
    const [first, second] = await Promise.all([instance(channel), instance(channel)]);
    const admin = new Redis(redisUrl);
    try {
      // Both instances' subscribers are named after the channel; cut one of them.
      const clients = String(await admin.client('LIST', 'TYPE', 'PUBSUB')).split('\n');
      const ids = clients.filter((line) => line.includes(` name=${channel}:subscriber `)).map((line) => /\bid=(\d+)/.exec(line)?.[1]);
      expect(ids).toHaveLength(2);
      await admin.client('KILL', 'ID', String(ids[0]));
    } finally {
      await admin.quit();
    }
    const lost = await vi.waitFor(
      () => {
        const forgot = [first, second].find((entry) => entry.received.some((message) => message.topic === '*'));
        expect(forgot).toBeDefined();
        return forgot as Instance;
      },
      { timeout: 3000, interval: 10 },
    );
    const other = lost === first ? second : first;
    expect(lost.received).toEqual([{ topic: '*', id: '' }]);
    expect(other.received).toEqual([]);

    other.notifications.deliverCommitted({ topic: 'user', id: 'after-reconnect' });
    await vi.waitFor(() => expect(lost.received).toEqual([{ topic: '*', id: '' }, { topic: 'user', id: 'after-reconnect' }]), { timeout: 1000, interval: 5 });
  });

  it('refuses to start when Redis cannot be reached', async () => {
    await expect(createRedisNotifications('redis://127.0.0.1:1', { onProblem: () => {} })).rejects.toThrow();
  });
});

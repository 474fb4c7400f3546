import { createServer, type Server, type Socket } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStorageKind } from '../testing/test-database.ts';
import { databaseFaultOf } from './database-faults.ts';
import { openDatabase } from './db.ts';

/** A "PostgreSQL" that accepts TCP connections and never says a word, as a hung server or a black-holed route does. */
describe.runIf(testStorageKind() === 'postgres')('a PostgreSQL that accepts connections and never answers', () => {
  let silent: Server;
  let port = 0;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    port = address.port;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('gives up waiting for a connection within seconds, as a fault that answers 503 SERVICE_NOT_READY', async () => {
    const db = await openDatabase({ kind: 'postgres', url: `postgres://lanyard@127.0.0.1:${port}/lanyard` });
    const began = performance.now();
    const failure = await sql`select 1`.execute(db).then(
      () => undefined,
      (error: unknown) => error,
    );
    const waitedMs = performance.now() - began;
    expect(failure).toBeInstanceOf(Error);
    expect((failure as { code?: string }).code).toBe('SERVICE_NOT_READY');
    expect(databaseFaultOf((failure as Error).cause)).toBe('unavailable');
    expect(waitedMs).toBeGreaterThanOrEqual(4_500);
    expect(waitedMs).toBeLessThan(20_000);
    await db.destroy();
  });
});

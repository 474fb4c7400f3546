import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAuditEvent } from '../audit/audit-repo.ts';
import type { AuditEvent } from '../audit/audit.ts';
import { newId } from '../kernel/ids.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { writeTogether } from './write-together.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const event = (action: string, details: Record<string, unknown>, id = newId(Date.now())): AuditEvent => ({
  id,
  tenantId: null,
  actorUserId: null,
  action,
  result: 'success',
  targetType: 'test',
  targetId: action,
  ip: '192.0.2.1',
  details,
  occurredAt: new Date('2026-01-15T09:00:00.000Z'),
});

const rowsOf = (action: string) =>
  t.deps.db.selectFrom('audit_events').select(['action', 'target_id', 'ip', 'details']).where('action', 'like', `${action}%`).orderBy('action').execute();

describe('writeTogether', () => {
  it('writes every statement, each with its own values, in one statement', async () => {
    await writeTogether(t.deps.db, async (writes) => {
      await insertAuditEvent(writes, event('together.a', { n: 1, text: 'first' }));
      await insertAuditEvent(writes, event('together.b', { n: 2, text: 'second $1' }));
      await insertAuditEvent(writes, event('together.c', { n: 3 }));
    });
    const rows = await rowsOf('together.');
    expect(rows.map((row) => [row.action, row.target_id, row.ip])).toEqual([
      ['together.a', 'together.a', '192.0.2.1'],
      ['together.b', 'together.b', '192.0.2.1'],
      ['together.c', 'together.c', '192.0.2.1'],
    ]);
    expect(rows.map((row) => row.details)).toEqual([{ n: 1, text: 'first' }, { n: 2, text: 'second $1' }, { n: 3 }]);
  });

  it('writes nothing when any statement fails', async () => {
    const id = newId(Date.now());
    await expect(
      writeTogether(t.deps.db, async (writes) => {
        await insertAuditEvent(writes, event('atomic.a', {}, id));
        await insertAuditEvent(writes, event('atomic.b', {}, id));
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await rowsOf('atomic.')).toEqual([]);
  });

  it('runs a lone statement as it is, and refuses reads', async () => {
    await writeTogether(t.deps.db, async (writes) => insertAuditEvent(writes, event('alone', {})));
    expect(await rowsOf('alone')).toHaveLength(1);
    await expect(writeTogether(t.deps.db, async (writes) => void (await writes.selectFrom('audit_events').selectAll().execute()))).rejects.toBeInstanceOf(Error);
  });
});

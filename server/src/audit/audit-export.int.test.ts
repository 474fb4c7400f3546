import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../kernel/ids.ts';
import { signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

/** The audit log's result filter and its export (CSV and NDJSON), streamed in keyset batches. */

const seeded = 20_000;
const formula = '=HYPERLINK("http://evil.example","click")';

let t: TestApp;
let admin: SignedInUser;
let other: SignedInUser;
let agent: SignedInUser;
/** Events of the tenant before seeding (sign-ins, invitations). */
let baseline: number;

interface EventView {
  id: string;
  action: string;
  result: string;
  targetId: string | null;
  details: Record<string, unknown>;
  occurredAt: string;
}

/** 20,000 events, every fourth a failure, each with about 1 KB of details; one has a target that looks like a formula. */
async function seed(tenantId: string): Promise<void> {
  const start = t.clock.now().getTime() - seeded * 1000;
  for (let offset = 0; offset < seeded; offset += 1000) {
    const rows = [];
    for (let index = offset; index < offset + 1000; index += 1) {
      const at = start + index * 1000;
      const failure = index % 4 === 0;
      rows.push({
        id: newId(at),
        tenant_id: tenantId,
        actor_user_id: null,
        action: failure ? 'auth.login.failed' : 'auth.login.succeeded',
        result: failure ? ('failure' as const) : ('success' as const),
        target_type: 'user',
        target_id: index === 7 ? formula : `target-${index}`,
        ip: '127.0.0.1',
        details: JSON.stringify({ index, padding: 'x'.repeat(1000) }),
        occurred_at: new Date(at),
      });
    }
    await t.deps.db.insertInto('audit_events').values(rows).execute();
  }
}

const exportOf = (who: SignedInUser, query: string) => t.app.inject({ method: 'GET', url: `/api/v1/admin/audit-events/export${query}`, headers: who.headers });

beforeAll(async () => {
  t = await createTestApp();
  admin = await signedInUser(t, { username: 'export-admin', tenantName: 'Export tenant' });
  agent = await signedInUser(t, { username: 'export-agent', tenant: admin.tenant, role: 'Agent' });
  other = await signedInUser(t, { username: 'export-other', tenantName: 'Other export tenant' });
  baseline = (await t.deps.audit.list(admin.tenant.id, { limit: 1000 })).length;
  await seed(admin.tenant.id);
}, 120_000);
afterAll(async () => t.close());

describe('GET /api/v1/admin/audit-events?result=', () => {
  it('filters by result and keeps keyset paging', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/api/v1/admin/audit-events?result=failure&limit=3', headers: admin.headers });
    expect(first.statusCode).toBe(200);
    const page = first.json<{ items: EventView[]; nextCursor: string }>();
    expect(page.items.map((event) => event.result)).toEqual(['failure', 'failure', 'failure']);
    const second = await t.app.inject({ method: 'GET', url: `/api/v1/admin/audit-events?result=failure&limit=3&before=${page.nextCursor}`, headers: admin.headers });
    const next = second.json<{ items: EventView[] }>().items;
    expect(next.every((event) => event.result === 'failure' && event.id < page.nextCursor)).toBe(true);
    const refused = await t.app.inject({ method: 'GET', url: '/api/v1/admin/audit-events?result=maybe', headers: admin.headers });
    expect(refused.statusCode).toBe(400);
  });
});

describe('GET /api/v1/admin/audit-events/export', () => {
  it('streams every event as NDJSON in keyset batches, one statement per 1,000 events', async () => {
    const statements = t.deps.statementCount();
    const response = await exportOf(admin, '?format=ndjson');
    const used = t.deps.statementCount() - statements;
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="audit-events-[\d-]+T[\d-]+\.ndjson"$/);
    const lines = response.body.split('\n').filter(Boolean);
    // Every event of the tenant, the export's own record included, newest first.
    expect(lines).toHaveLength(seeded + baseline + 1);
    const events = lines.map((line) => JSON.parse(line) as EventView);
    expect(events[0]?.action).toBe('audit.exported');
    const ids = events.map((event) => event.id);
    expect([...ids].sort().reverse()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // 21 batch reads, the guard's session read and the export's own audit row: never one statement per event.
    expect(used).toBeGreaterThanOrEqual(21);
    expect(used).toBeLessThanOrEqual(30);
  }, 60_000);

  it('writes CSV with a header, defusing formulas, and applies the filters', async () => {
    const response = await exportOf(admin, '?format=csv&result=failure&action=auth.login.failed');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="audit-events-.*\.csv"$/);
    expect(response.body.startsWith('id,occurredAt,action,result,actorUserId,targetType,targetId,ip,details\r\n')).toBe(true);
    const records = parse<Record<string, string>>(response.body, { columns: true });
    expect(records).toHaveLength(seeded / 4);
    expect(records.every((record) => record.result === 'failure' && record.action === 'auth.login.failed')).toBe(true);
    expect(JSON.parse(records[0]?.details ?? '{}')).toMatchObject({ index: seeded - 4 });

    const all = await exportOf(admin, '?format=csv&action=auth.login.succeeded');
    const succeeded = parse<Record<string, string>>(all.body, { columns: true });
    const trap = succeeded.find((record) => record.targetId?.includes('HYPERLINK'));
    expect(trap?.targetId).toBe(`'${formula}`);
    expect(all.body).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);

    // A time range: the last 100 seeded seconds.
    const to = t.clock.now();
    const from = new Date(to.getTime() - 100_000);
    const ranged = await exportOf(admin, `?format=ndjson&from=${from.toISOString()}&to=${to.toISOString()}`);
    const inRange = ranged.body.split('\n').filter(Boolean).map((line) => JSON.parse(line) as EventView);
    expect(inRange.filter((event) => event.action.startsWith('auth.login.') && event.targetId?.startsWith('target-'))).toHaveLength(100);
  }, 60_000);

  it('is audited, needs audit.view, and never shows another tenant’s events', async () => {
    const exported = await t.deps.audit.list(admin.tenant.id, { action: 'audit.exported', limit: 10 });
    expect(exported.length).toBeGreaterThanOrEqual(1);
    expect(exported[0]).toMatchObject({ actorUserId: admin.userId, result: 'success' });
    expect(exported.some((event) => event.details.format === 'csv' && (event.details.filters as Record<string, unknown>).result === 'failure')).toBe(true);

    const forbidden = await exportOf(agent, '?format=csv');
    expect(forbidden.statusCode).toBe(403);
    const foreign = await exportOf(other, '?format=ndjson');
    expect(foreign.statusCode).toBe(200);
    const theirs = foreign.body.split('\n').filter(Boolean).map((line) => JSON.parse(line) as EventView);
    expect(theirs.length).toBeLessThan(20);
    expect(theirs.some((event) => event.targetId?.startsWith('target-'))).toBe(false);
    const bad = await exportOf(admin, '?format=xml');
    expect(bad.statusCode).toBe(400);
  });

  it('reads ahead only as far as the client takes the answer (backpressure), holding one batch at a time', async () => {
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as AddressInfo;
    expect(address).toContain('127.0.0.1');
    const statements = t.deps.statementCount();
    let received = 0;
    const whilePaused = await new Promise<number>((resolve, reject) => {
      const request = http.get({ host: '127.0.0.1', port, path: '/api/v1/admin/audit-events/export?format=ndjson', headers: admin.headers }, (response) => {
        response.once('data', (chunk: Buffer) => {
          received += chunk.length;
          response.pause();
          // The client reads nothing for a while: the server stops reading batches once the socket is full.
          setTimeout(() => {
            const used = t.deps.statementCount() - statements;
            response.on('data', (more: Buffer) => {
              received += more.length;
            });
            response.on('end', () => resolve(used));
            response.resume();
          }, 1000);
        });
        response.on('error', reject);
      });
      request.on('error', reject);
    });
    // The full export is about 23 MB (21 batches); the socket's buffers hold a few batches at most.
    expect(received).toBeGreaterThan(20 * 1024 * 1024);
    expect(whilePaused).toBeLessThan(15);
    console.info(`audit export: ${(received / 1024 / 1024).toFixed(1)} MiB streamed; statements read while the client paused: ${whilePaused}`);
  }, 60_000);
});

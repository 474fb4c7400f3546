import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import { signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import type { AuditEventInput } from './audit.ts';

let t: TestApp;
let adminA: SignedInUser;
let adminB: SignedInUser;
let supervisorA: SignedInUser;

interface EventView {
  id: string;
  actorUserId: string | null;
  action: string;
  result: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  occurredAt: string;
}

beforeAll(async () => {
  t = await createTestApp();
  adminA = await signedInUser(t, { tenantName: 'Audit A', username: 'audit.admin.a' });
  adminB = await signedInUser(t, { tenantName: 'Audit B', username: 'audit.admin.b' });
  supervisorA = await signedInUser(t, { tenant: adminA.tenant, username: 'audit.sup.a', role: 'Supervisor' });
});
afterAll(async () => t.close());

const events = (who: SignedInUser | undefined, query = '') =>
  t.app.inject({ method: 'GET', url: `/api/v1/admin/audit-events${query}`, headers: who?.headers ?? { origin: t.config.publicUrl.origin } });
const items = async (who: SignedInUser, query = ''): Promise<EventView[]> => {
  const response = await events(who, query);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items as EventView[];
};
const record = (input: Partial<AuditEventInput> & Pick<AuditEventInput, 'tenantId' | 'action'>) =>
  t.deps.audit.record(t.deps.db, { actorUserId: null, result: 'success', ...input });
const auditRows = () => t.deps.db.selectFrom('audit_events').selectAll().orderBy('id').execute();

/** Every page of a query, following nextCursor. */
async function allPages(who: SignedInUser, query: string, limit: number): Promise<{ pages: EventView[][]; cursors: (string | null)[] }> {
  const pages: EventView[][] = [];
  const cursors: (string | null)[] = [];
  let before: string | null = null;
  do {
    const response = await events(who, `?limit=${limit}${query}${before === null ? '' : `&before=${before}`}`);
    expect(response.statusCode, response.body).toBe(200);
    pages.push(response.json().items as EventView[]);
    before = response.json().nextCursor as string | null;
    cursors.push(before);
  } while (before !== null && pages.length < 100);
  return { pages, cursors };
}

describe('the audit trail', () => {
  it('is append-only: the database refuses to change or delete an event', async () => {
    await record({ tenantId: adminA.tenant.id, action: 'policy.changed', targetType: 'tenant', targetId: adminA.tenant.id });
    const before = await auditRows();
    await expect(t.deps.db.updateTable('audit_events').set({ action: 'tampered' }).where('tenant_id', '=', adminA.tenant.id).execute()).rejects.toThrow(/append-only/);
    await expect(t.deps.db.updateTable('audit_events').set({ details: JSON.stringify({}) }).execute()).rejects.toThrow(/append-only/);
    await expect(t.deps.db.deleteFrom('audit_events').where('tenant_id', '=', adminA.tenant.id).execute()).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_events`.execute(t.deps.db)).rejects.toThrow(/append-only/);
    await expect(
      t.deps.db.transaction().execute(async (trx) => {
        await t.deps.audit.record(trx, { tenantId: adminA.tenant.id, actorUserId: null, action: 'user.unlocked', result: 'success' });
        await trx.deleteFrom('audit_events').execute();
      }),
    ).rejects.toThrow(/append-only/);
    // The refused delete rolled back the event recorded in its transaction too.
    expect(await auditRows()).toEqual(before);
  });

  it('answers every field of an event, newest first', async () => {
    t.clock.advance(MINUTE);
    const targetId = newId();
    await record({ tenantId: adminA.tenant.id, actorUserId: adminA.userId, action: 'accessKey.deleted', result: 'failure', targetType: 'accessKey', targetId, ip: '192.0.2.7', details: { reason: 'test', count: 2 } });
    const [newest] = await items(adminA, '?limit=1');
    expect(newest).toEqual({
      id: expect.any(String),
      actorUserId: adminA.userId,
      action: 'accessKey.deleted',
      result: 'failure',
      targetType: 'accessKey',
      targetId,
      ip: '192.0.2.7',
      details: { reason: 'test', count: 2 },
      occurredAt: t.clock.now().toISOString(),
      actor: { id: adminA.userId, username: adminA.username, name: 'Gilbert Blythe' },
      // No such key in the tenant (any more): the id stays, no name.
      target: { type: 'accessKey', id: targetId, name: null },
    });
    const all = await items(adminA, '?limit=500');
    expect(all.map((event) => event.id)).toEqual([...all.map((event) => event.id)].sort().reverse());
  });

  it('pages by id with no event missed or repeated, even for events of the same millisecond', async () => {
    const tenant = await t.deps.tenants.createTenant('Audit Paging');
    const admin = await signedInUser(t, { tenant, username: 'audit.pager' });
    for (let index = 0; index < 7; index += 1) await record({ tenantId: tenant.id, action: 'user.unlocked', details: { index } });
    const expected = (await t.deps.audit.list(tenant.id, { limit: 1000 })).map((event) => event.id);
    expect(expected.length).toBeGreaterThanOrEqual(7);

    const { pages, cursors } = await allPages(admin, '', 3);
    expect(pages.flat().map((event) => event.id)).toEqual(expected);
    expect(pages.slice(0, -1).every((page) => page.length === 3)).toBe(true);
    expect(cursors.at(-1)).toBeNull();
    expect(cursors.slice(0, -1)).toEqual(pages.slice(0, -1).map((page) => page.at(-1)?.id));

    // A page that ends exactly at the last event says there is no next page.
    const exact = await events(admin, `?limit=${expected.length}`);
    expect(exact.json().items).toHaveLength(expected.length);
    expect(exact.json().nextCursor).toBeNull();
    const short = await events(admin, `?limit=${expected.length - 1}`);
    expect(short.json().nextCursor).toBe(expected.at(-2));
    expect((await items(admin, `?before=${expected.at(-1)}`))).toEqual([]);
  });

  it('filters by user (as actor or as the target user), by action and by time, combined with paging', async () => {
    const tenant = await t.deps.tenants.createTenant('Audit Filters');
    const admin = await signedInUser(t, { tenant, username: 'audit.filterer' });
    const subject = newId();
    const other = newId();
    t.clock.advance(MINUTE);
    const from = t.clock.now();
    await record({ tenantId: tenant.id, actorUserId: subject, action: 'password.changed', targetType: 'user', targetId: subject });
    t.clock.advance(MINUTE);
    await record({ tenantId: tenant.id, actorUserId: admin.userId, action: 'user.unlocked', targetType: 'user', targetId: subject });
    t.clock.advance(MINUTE);
    // Same id, but not a user target: not an event about that user.
    await record({ tenantId: tenant.id, actorUserId: other, action: 'accessKey.created', targetType: 'accessKey', targetId: subject });
    t.clock.advance(MINUTE);
    const to = t.clock.now();
    await record({ tenantId: tenant.id, actorUserId: subject, action: 'auth.logout' });

    const bySubject = await items(admin, `?userId=${subject}`);
    expect(bySubject.map((event) => event.action)).toEqual(['auth.logout', 'user.unlocked', 'password.changed']);
    expect((await items(admin, `?userId=${other}`)).map((event) => event.action)).toEqual(['accessKey.created']);
    expect((await items(admin, '?action=user.unlocked')).map((event) => event.targetId)).toEqual([subject]);
    expect((await items(admin, '?action=no.such.action')).length).toBe(0);

    // from is inclusive, to is exclusive.
    const window = await items(admin, `?from=${from.toISOString()}&to=${to.toISOString()}`);
    expect(window.map((event) => event.action)).toEqual(['accessKey.created', 'user.unlocked', 'password.changed']);
    const { pages } = await allPages(admin, `&userId=${subject}&from=${from.toISOString()}`, 1);
    expect(pages.flat().map((event) => event.action)).toEqual(['auth.logout', 'user.unlocked', 'password.changed']);
  });

  it('refuses a bad query with a coded 400', async () => {
    const before = await auditRows();
    for (const query of [
      '?limit=0',
      '?limit=501',
      '?limit=ten',
      '?limit=1.5',
      '?limit=1&limit=2',
      '?userId=not-a-uuid',
      '?action=user;drop',
      `?action=${'a'.repeat(65)}`,
      '?from=yesterday',
      // Year 0 is a valid ISO 8601 year but not a PostgreSQL one in this form (PGlite answered 500).
      '?from=0000-01-01T00:00:00Z',
      '?to=0000-12-31T23:59:59.999Z',
      '?to=2026-13-01T00:00:00Z',
      '?before=last',
      '?tenantId=00000000-0000-4000-8000-000000000000',
    ]) {
      const response = await events(adminA, query);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect(await auditRows()).toEqual(before);
  });

  it('needs audit.view, and a signed-in caller', async () => {
    const denied = await events(supervisorA);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toMatchObject({ code: 'PERMISSION_DENIED', details: { missing: ['audit.view'] } });
    const anonymous = await events(undefined);
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('AUTH_REQUIRED');
  });

  it('offers no route that changes or removes events', async () => {
    const before = await auditRows();
    const [newest] = await items(adminA, '?limit=1');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      for (const url of ['/api/v1/admin/audit-events', `/api/v1/admin/audit-events/${newest?.id ?? ''}`]) {
        const response = await t.app.inject({ method, url, headers: adminA.headers, payload: { action: 'tampered' } });
        expect(response.statusCode, `${method} ${url}`).toBe(404);
        expect(response.json().error.code).toBe('ROUTE_NOT_FOUND');
      }
    }
    expect(await auditRows()).toEqual(before);
  });
});

describe('tenant isolation', () => {
  it("never shows tenant B's administrator an event of tenant A, whatever the filter or cursor", async () => {
    await record({ tenantId: adminA.tenant.id, actorUserId: adminA.userId, action: 'policy.changed', targetType: 'user', targetId: supervisorA.userId });
    await record({ tenantId: null, action: 'token.issue.failed', result: 'failure', details: { reason: 'unknown key' } });
    const ofA = new Set((await t.deps.audit.list(adminA.tenant.id, { limit: 1000 })).map((event) => event.id));
    const rowsBefore = await auditRows();
    const newestOfA = (await t.deps.audit.list(adminA.tenant.id, { limit: 1 }))[0]?.id ?? '';

    for (const query of [
      '?limit=500',
      `?userId=${adminA.userId}`,
      `?userId=${supervisorA.userId}`,
      '?action=policy.changed',
      '?action=token.issue.failed',
      `?before=${newestOfA}&limit=500`,
      `?before=${newId()}&limit=500`,
    ]) {
      const seen = await items(adminB, query);
      expect(seen.some((event) => ofA.has(event.id)), query).toBe(false);
      expect(seen.some((event) => event.action === 'token.issue.failed'), query).toBe(false);
    }
    expect((await items(adminB, `?userId=${adminA.userId}`))).toEqual([]);
    // B sees its own events.
    expect((await items(adminB, `?userId=${adminB.userId}`)).length).toBeGreaterThan(0);
    expect(await auditRows()).toEqual(rowsBefore);
  });
});

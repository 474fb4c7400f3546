import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

/** SPEC §3.7: the accessibility statement's feedback, signed in or not, rate limited, stored, read by the tenant's administrators only. */
let t: TestApp;
let adminA: SignedInUser;
let agentA: SignedInUser;
let adminB: SignedInUser;
let address = 0;
/** Each test sends from its own network, so the rate limit of one does not reach another. */
const nextAddress = () => `10.${Math.floor(++address / 250)}.${address % 250}.1`;

beforeAll(async () => {
  t = await createTestApp();
  adminA = await signedInUser(t, { tenantName: 'Feedback A', username: 'feedback.admin.a' });
  agentA = await signedInUser(t, { tenant: adminA.tenant, username: 'feedback.agent.a', role: 'Agent' });
  adminB = await signedInUser(t, { tenantName: 'Feedback B', username: 'feedback.admin.b' });
});
afterAll(async () => t.close());

const send = (user: SignedInUser | undefined, payload: Record<string, unknown>, remoteAddress = nextAddress()) =>
  t.app.inject({ method: 'POST', url: '/api/v1/accessibility-feedback', headers: user?.headers ?? {}, payload, remoteAddress });
const list = (user: SignedInUser, query = '') => t.app.inject({ method: 'GET', url: `/api/v1/admin/accessibility-feedback${query}`, headers: user.headers });
const count = async () => Number((await t.deps.db.selectFrom('accessibility_feedback').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

describe('accessibility feedback', () => {
  it('signed in: stored for the sender and their tenant', async () => {
    const response = await send(agentA, { message: 'The date picker cannot be used with a keyboard.\nSteps: …', page: '/profile/account', contactEmail: 'agent@example.test' });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ tenantId: adminA.tenant.id, userId: agentA.userId, page: '/profile/account', contactEmail: 'agent@example.test' });
    const listed = (await list(adminA)).json();
    expect(listed.items[0]).toMatchObject({ message: 'The date picker cannot be used with a keyboard.\nSteps: …', userId: agentA.userId, username: 'feedback.agent.a' });
  });

  it('signed out: stored for the tenant the form names, without a sender', async () => {
    const response = await send(undefined, { message: 'Contrast of the sign-in button is too low.', tenantId: adminB.tenant.id });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ tenantId: adminB.tenant.id, userId: null, contactEmail: null });
    const unknown = await send(undefined, { message: 'x', tenantId: '00000000-0000-7000-8000-000000000000' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('TENANT_NOT_FOUND');
  });

  /** @see issue 21, item 9: sent signed out without a tenant, it was stored for no tenant, so no administrator could ever read it. */
  it('signed out without a tenant: stored for the deployment\'s first tenant, whose administrators read it; never for none', async () => {
    const first = await t.deps.db.selectFrom('tenants').select('id').orderBy('created_at').orderBy('id').executeTakeFirstOrThrow();
    expect(first.id).toBe(adminA.tenant.id);
    const response = await send(undefined, { message: 'No tenant named.' });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ tenantId: adminA.tenant.id, userId: null });
    const stored = await t.deps.db.selectFrom('accessibility_feedback').select('tenant_id').where('id', '=', response.json().id).executeTakeFirstOrThrow();
    expect(stored.tenant_id).toBe(adminA.tenant.id);
    expect((await list(adminA)).json().items.map((item: { message: string }) => item.message)).toContain('No tenant named.');
    expect((await list(adminB)).json().items.map((item: { message: string }) => item.message)).not.toContain('No tenant named.');
    const unassigned = await t.deps.db.selectFrom('accessibility_feedback').select('id').where('tenant_id', 'is', null).execute();
    expect(unassigned).toEqual([]);
  });

  it('feedback an older version stored for no tenant is read by the first tenant\'s administrators only', async () => {
    const id = '018f0000-0000-7000-8000-000000000001';
    await t.deps.db.insertInto('accessibility_feedback').values({ id, tenant_id: null, user_id: null, message: 'Stored for nobody.', page: null, contact_email: null, created_at: new Date() }).execute();
    expect((await list(adminA, '?limit=200')).json().items.map((item: { id: string }) => item.id)).toContain(id);
    expect((await list(adminB, '?limit=200')).json().items.map((item: { id: string }) => item.id)).not.toContain(id);
    await t.deps.db.deleteFrom('accessibility_feedback').where('id', '=', id).execute();
  });

  it('another tenant\'s administrator never reads it; a member without audit.view cannot list', async () => {
    const a = (await list(adminA)).json().items.map((item: { message: string }) => item.message);
    const b = (await list(adminB)).json().items.map((item: { message: string }) => item.message);
    expect(a).toContain('The date picker cannot be used with a keyboard.\nSteps: …');
    expect(a).not.toContain('Contrast of the sign-in button is too low.');
    expect(b).toEqual(['Contrast of the sign-in button is too low.']);
    const denied = await list(agentA);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('PERMISSION_DENIED');
  });

  it('pages with a keyset cursor', async () => {
    for (let index = 0; index < 3; index += 1) await send(adminB, { message: `Page ${index}` });
    const first = (await list(adminB, '?limit=2')).json();
    expect(first.items.map((item: { message: string }) => item.message)).toEqual(['Page 2', 'Page 1']);
    const second = (await list(adminB, `?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.items.map((item: { message: string }) => item.message)).toEqual(['Page 0', 'Contrast of the sign-in button is too low.']);
    expect((await list(adminB, '?cursor=not-a-cursor')).statusCode).toBe(400);
  });

  it.each([
    [{ message: '' }],
    [{ message: '   ' }],
    [{ message: 'x'.repeat(4001) }],
    [{ message: 'bell \u0007' }],
    [{ message: 'ok', contactEmail: 'not an email' }],
    [{ message: 'ok', extra: true }],
  ])('refuses %j with 400 and stores nothing', async (payload) => {
    const before = await count();
    const response = await send(undefined, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
    expect(await count()).toBe(before);
  });

  it('accepts 4,000 characters', async () => {
    expect((await send(undefined, { message: 'x'.repeat(4000) })).statusCode).toBe(201);
  });

  it('is rate limited per network', async () => {
    const from = '192.0.2.77';
    const answers: number[] = [];
    for (let index = 0; index < 11; index += 1) answers.push((await send(undefined, { message: `Flood ${index}` }, from)).statusCode);
    expect(answers.slice(0, 10).every((status) => status === 201)).toBe(true);
    expect(answers[10]).toBe(429);
  });

  it('a bad session is refused rather than treated as signed out', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/accessibility-feedback', headers: { cookie: 'lanyard_session=bogus', origin: t.config.publicUrl.origin }, payload: { message: 'x' }, remoteAddress: nextAddress() });
    expect(response.statusCode).toBe(401);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECOND } from '../kernel/clock.ts';
import { invalidationTopics } from '../storage/notifications.ts';
import { signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let user: SignedInUser;

beforeAll(async () => {
  t = await createTestApp();
  user = await signedInUser(t, { tenantName: 'Profile Tenant', username: 'profile.user', role: 'Agent' });
});
afterAll(async () => t.close());

const me = async () => (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: user.cookie } })).json();
const rename = (firstName: string) => t.deps.db.updateTable('users').set({ first_name: firstName }).where('id', '=', user.userId).execute();

describe('GET /api/v1/me', () => {
  it('serves profile facts from memory for at most a second', async () => {
    expect((await me()).user.firstName).toBe('Gilbert');
    await rename('Changed');
    expect((await me()).user.firstName).toBe('Gilbert');
    t.clock.advance(SECOND);
    expect((await me()).user.firstName).toBe('Changed');
  });

  it('forgets a user at once when a change to them is announced', async () => {
    await me();
    await rename('Announced');
    t.deps.notifications.deliverCommitted({ topic: invalidationTopics.user, id: user.userId });
    expect((await me()).user.firstName).toBe('Announced');
    await rename('Everything');
    t.deps.notifications.deliverCommitted({ topic: invalidationTopics.all, id: '' });
    expect((await me()).user.firstName).toBe('Everything');
  });
});

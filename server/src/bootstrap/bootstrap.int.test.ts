import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acceptInvitation, login, tokenFromLink } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { bootstrapIfEmpty } from './bootstrap-service.ts';

let t: TestApp;

beforeEach(async () => {
  t = await createTestApp({ LANYARD_BOOTSTRAP_ADMIN: 'root.admin', LANYARD_BOOTSTRAP_ADMIN_EMAIL: 'ops@example.test' });
});
afterEach(async () => t.close());

const bootstrap = () => bootstrapIfEmpty({ ...t.deps, admin: t.config.bootstrapAdmin });

describe('first start', () => {
  it('creates tenant "Default" and emails a first-access link for the first administrator, once', async () => {
    const issued = await bootstrap();
    expect(issued?.user.username).toBe('root.admin');
    const log = t.logLines().map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(log.find((line) => line.firstAccessUrl !== undefined)?.firstAccessUrl).toBe(issued?.url);

    const [email] = await t.mailbox();
    expect(email?.to).toContain('ops@example.test');
    expect(email?.links).toContain(issued?.url);
    // The first administrator has no name yet: greeted without one, never as "Hello Lanyard,".
    expect(email?.text.split('\n')[0]).toBe('Hello,');

    await acceptInvitation(t, tokenFromLink(issued?.url ?? ''));
    const cookie = await login(t, 'root.admin');
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    expect(me.json()).toMatchObject({ tenant: { name: 'Default' }, role: { name: 'Administrator' }, team: null });

    expect(await bootstrap()).toBeUndefined();
    expect(await t.deps.tenants.countTenants()).toBe(1);
  });

  it('bootstraps exactly once when several instances start together', async () => {
    const results = await Promise.all([bootstrap(), bootstrap(), bootstrap()]);
    expect(results.filter((result) => result !== undefined)).toHaveLength(1);
    expect(await t.deps.tenants.countTenants()).toBe(1);
    expect(await t.mailbox()).toHaveLength(1);
  });
});

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.ts';
import { freePort, startLanyard, type LanyardServer } from './harness.ts';
import { activateBootstrapAdmin, expectAccessible, expectAccessibleNarrow, serverApi, sessionCookie, signIn, type BootstrapAdmin } from './journeys.ts';

/**
 * Regions (issue 15, SPEC §3.11) in Chromium: two deployments, na1 and eu1, each with its own data and the
 * other as its peer. The login page of one, given `?tenantId=` of the other's tenant, sends the person to
 * the other's console; signed in there, My Profile › General says where their data lives.
 */

const password = 'Harbour-Lantern-2048';
let na: LanyardServer;
let eu: LanyardServer;
let euAdmin: BootstrapAdmin;
let euTenantId: string;
let naTenantId: string;
let browser: Browser;
const pages: Page[] = [];

/** The tenant of a deployment's bootstrap administrator, as `/api/v1/me` answers it after a sign-in. */
async function tenantOf(server: LanyardServer, username: string): Promise<string> {
  const me = await serverApi(server, await sessionCookie(server, username, password), 'GET', '/me');
  return (me.json as { tenant: { id: string } }).tenant.id;
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  pages.push(page);
  return page;
}

beforeAll(async () => {
  const [naPort, euPort] = await Promise.all([freePort(), freePort()]);
  const peers = `na1=http://127.0.0.1:${naPort},eu1=http://127.0.0.1:${euPort}`;
  [na, eu, browser] = await Promise.all([
    startLanyard({ port: naPort, env: { LANYARD_REGION: 'na1', LANYARD_PEER_REGIONS: peers } }),
    startLanyard({ port: euPort, env: { LANYARD_REGION: 'eu1', LANYARD_PEER_REGIONS: peers } }),
    launchChromium(),
  ]);
  const [naAdmin, activated] = await Promise.all([activateBootstrapAdmin(na, password), activateBootstrapAdmin(eu, password)]);
  euAdmin = activated;
  [naTenantId, euTenantId] = await Promise.all([tenantOf(na, naAdmin.username), tenantOf(eu, euAdmin.username)]);
});

afterAll(async () => {
  for (const page of pages) await page.context().close().catch(() => undefined);
  await browser?.close();
  await Promise.all([na?.stop(), eu?.stop()]);
});

describe('regions', () => {
  it("sends the login page to the console of the tenant's region; signed in there, General says where the data lives", async () => {
    const page = await newPage();
    // The first trip to the other console is cut short (as a network that drops it would): the page here
    // then keeps its message and the link, which are checked, and the link takes the person there.
    await page.route(`${eu.baseUrl}/login**`, (route) => route.abort('aborted'), { times: 1 });
    const cut = page.waitForEvent('requestfailed', (request) => request.url().startsWith(`${eu.baseUrl}/login`));
    await page.goto(`${na.baseUrl}/login?tenantId=${euTenantId}`);
    await cut;
    await page.getByText('Your tenant is served in the eu1 region. Taking you to its console…').waitFor();
    const link = page.getByRole('link', { name: 'Go to the eu1 console' });
    expect(await link.getAttribute('href')).toBe(`${eu.baseUrl}/login?tenantId=${euTenantId}`);
    await expectAccessible(page, 'regions-01-redirecting');
    await expectAccessibleNarrow(page, 'regions-01-redirecting');
    await link.click();
    await page.waitForURL((url) => url.origin === eu.baseUrl && url.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('tenantId')).toBe(euTenantId);
    await page.getByRole('heading', { level: 1, name: 'Sign in to Lanyard' }).waitFor();
    await page.unrouteAll();

    await signIn(page, euAdmin.username, password);
    expect(new URL(page.url()).origin).toBe(eu.baseUrl);
    await page.goto(`${eu.baseUrl}/profile/general`);
    await page.getByText('Your data is stored in the eu1 region').waitFor();
    await expectAccessible(page, 'regions-02-eu-general');
  });

  it('stays on the login page for a tenant of this region, and for one no region knows', async () => {
    const page = await newPage();
    for (const tenantId of [naTenantId, '01890a5d-ac96-774b-bcce-b302099a8057']) {
      const answered = page.waitForResponse((response) => response.url().includes('/.well-known/lanyard-configuration'));
      await page.goto(`${na.baseUrl}/login?tenantId=${tenantId}`);
      expect((await answered).status(), tenantId).toBe(tenantId === naTenantId ? 200 : 404);
      // The redirect would start in the frame after the answer: a navigation then would end this evaluation.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      expect(new URL(page.url()).origin, tenantId).toBe(na.baseUrl);
      await page.getByRole('heading', { level: 1, name: 'Sign in to Lanyard' }).waitFor();
      expect(await page.getByText(/Taking you to its console/).count(), tenantId).toBe(0);
    }
  });
});

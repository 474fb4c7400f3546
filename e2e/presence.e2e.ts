import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.ts';
import {
  activateBootstrapAdmin,
  expectAccessible,
  expectAccessibleNarrow,
  inviteWithPassword,
  joinTenant,
  lanyardCli,
  pageApi,
  sessionCookie,
  signIn,
  startJourney,
  waitForPath,
  type BootstrapAdmin,
  type Journey,
} from './journeys.ts';

/**
 * Contact-center sign-in (issue 15) in Chromium: the microphone step at first sign-in with the permission
 * denied and then with a fake microphone, Administration › Presence reason lists, the Ready to work? panel,
 * switching tenants from the top bar, and the presence-list error on the login page. Axe on every state.
 */

const password = 'Harbour-Lantern-2048';
const fakeMicrophone = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

let journey: Journey;
let admin: BootstrapAdmin;
/** An agent of the administrator's tenant: presence.use is an agent capability (the built-in Administrator does not hold it). */
const agent = 'ana.agent';
/** A Chromium without the fake prompt: microphone requests are refused, as when a person clicks Block. */
let denyingBrowser: Browser;

beforeAll(async () => {
  journey = await startJourney({ chromiumArgs: fakeMicrophone });
  admin = await activateBootstrapAdmin(journey.server, password);
  await inviteWithPassword(journey.server, password, '--tenant', admin.tenant, '--username', agent, '--email', 'ana.agent@example.test', '--role', 'Agent', '--first-name', 'Ana', '--last-name', 'Agent');
  denyingBrowser = await launchChromium(['--use-fake-device-for-media-stream']);
});

afterAll(async () => {
  await denyingBrowser?.close();
  await journey?.close();
});

/** The CLI and a session cookie as a script would use them, against this file's server. */
const lanyard = (...args: string[]) => lanyardCli(journey.server, ...args);
const cookieOf = (username: string, secret: string) => sessionCookie(journey.server, username, secret);

describe('the microphone at first sign-in', () => {
  it('explains why, and shows what to do when the browser blocks it', async () => {
    const context = await denyingBrowser.newContext({ baseURL: journey.server.baseUrl, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, agent, password);
    await waitForPath(page, '/profile/general');
    const step = page.getByRole('region', { name: 'Allow your microphone' });
    await step.getByText('The microphone is needed for calls').waitFor();
    await expectAccessible(page, 'presence-microphone-ask');
    await step.getByRole('button', { name: 'Allow microphone' }).click();
    await step.getByText('Microphone blocked').waitFor();
    await step.getByText('open Site settings, set Microphone to Allow').waitFor();
    await expectAccessible(page, 'presence-microphone-blocked');
    await expectAccessibleNarrow(page, 'presence-microphone-blocked');
    const recorded = await page.evaluate(async () => (await (await fetch('/api/v1/me/microphone')).json()) as { outcome: string; promptNeeded: boolean });
    expect(recorded).toMatchObject({ outcome: 'blocked', promptNeeded: true });
    await context.close();
  });

  it('records "allowed" with a microphone, and does not ask again', async () => {
    const page = await journey.newPage();
    await signIn(page, agent, password);
    await waitForPath(page, '/profile/general');
    const step = page.getByRole('region', { name: 'Allow your microphone' });
    // Keyboard only: Tab to the button, Enter.
    await step.getByRole('button', { name: 'Allow microphone' }).focus();
    await page.keyboard.press('Enter');
    await step.getByText('Microphone allowed').waitFor();
    await expectAccessible(page, 'presence-microphone-allowed');
    await page.reload();
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByRole('region', { name: 'Allow your microphone' }).count()).toBe(0);
  });
});

describe('Administration › Presence reason lists', () => {
  it('lists the default list, creates one with reasons, and refuses to delete the default', async () => {
    const page = await journey.newPage();
    await signIn(page, admin.username, password);
    await page.goto('/admin/presence-reason-lists');
    await page.getByRole('heading', { level: 1, name: 'Presence reason lists' }).waitFor();
    await page.getByRole('rowheader', { name: /Default/ }).waitFor();
    await page.getByRole('textbox', { name: 'List name' }).fill('Night shift');
    await page.getByRole('textbox', { name: 'Reasons' }).fill('Break\nLunch\nTraining\nMeeting');
    await page.getByRole('button', { name: 'Create list' }).click();
    await page.getByRole('row', { name: /Night shift/ }).getByText('Break, Lunch, Training, Meeting').waitFor();
    await expectAccessible(page, 'presence-lists');
    await expectAccessibleNarrow(page, 'presence-lists');
    await page.getByRole('button', { name: 'Delete Default' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText("This is the tenant's default presence reason list").first().waitFor();
  });
});

describe('Ready to work?', () => {
  it('shows each check on My Profile › General, with the data location', async () => {
    const page = await journey.newPage();
    await signIn(page, agent, password);
    await waitForPath(page, '/profile/general');
    const panel = page.getByRole('region', { name: 'Ready to work?' });
    await panel.locator('[data-check="mfa"]').waitFor();
    for (const check of ['presence-list', 'microphone', 'device', 'browser', 'mfa', 'password']) {
      expect(await panel.locator(`[data-check="${check}"]`).getAttribute('data-ok'), check).toBe('yes');
    }
    await panel.getByText('You use the tenant\'s default list, Default.').waitFor();
    await panel.getByText('No password expiry applies to you.').waitFor();
    await page.getByText('Your data is stored in the local region').waitFor();

    // The administrator makes passwords expire 10 days after they change: Check again shows the days left as a red cross.
    const adminPage = await journey.newPage();
    await signIn(adminPage, admin.username, password);
    await waitForPath(adminPage, '/admin/users');
    const settings = (await pageApi(adminPage, 'GET', '/admin/security/password-policy')).json as { tenantPolicy: Record<string, unknown> };
    const setPolicy = async (policy: Record<string, unknown>) => expect((await pageApi(adminPage, 'PUT', '/admin/security/password-policy', { passwordPolicy: policy })).status).toBe(204);
    await setPolicy({ ...settings.tenantPolicy, expiryDays: 10 });
    try {
      await panel.getByRole('button', { name: 'Check again' }).click();
      await panel.getByText(/Your password expires in 10 days\. Change it now/).waitFor();
      expect(await panel.locator('[data-check="password"]').getAttribute('data-ok')).toBe('no');
      await expectAccessible(page, 'presence-readiness');
      await expectAccessibleNarrow(page, 'presence-readiness');
    } finally {
      await setPolicy(settings.tenantPolicy);
    }
  });
});

describe('several tenants', () => {
  it('switches tenants from the top bar; the other role applies at once', async () => {
    await lanyard('tenant', 'create', 'Harbour Two');
    await inviteWithPassword(journey.server, password, '--tenant', 'Harbour Two', '--username', 'boss.two', '--email', 'boss.two@example.test', '--role', 'Administrator');
    await joinTenant(journey.server, await cookieOf('boss.two', password), admin.username, password, 'Agent');

    const page = await journey.newPage();
    await signIn(page, admin.username, password);
    await waitForPath(page, '/admin/users');
    const picker = page.getByRole('banner').getByRole('button', { name: /Tenant/ });
    await picker.click();
    await page.getByRole('option', { name: 'Harbour Two' }).click();
    await page.getByText('You are now working in Harbour Two.').waitFor();
    // An Agent lands on My Profile and has no Administration.
    await waitForPath(page, '/profile/general');
    await page.getByRole('navigation', { name: 'Administration' }).waitFor({ state: 'detached' });
    await expectAccessible(page, 'presence-tenant-switched');
    // And back, from the keyboard.
    await page.getByRole('banner').getByRole('button', { name: /Tenant/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('option', { name: admin.tenant }).click();
    await waitForPath(page, '/admin/users');
  });
});

describe('the login page', () => {
  it('shows the presence reason list message when the user has none', async () => {
    const page = await journey.newPage();
    await signIn(page, admin.username, password);
    const cleared = await page.evaluate(async () => (await fetch('/api/v1/admin/presence-reason-lists/default', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ listId: null }) })).status);
    expect(cleared).toBe(204);
    const other = await journey.newPage();
    await other.goto('/login');
    await other.getByRole('textbox', { name: 'Username' }).fill(agent);
    await other.getByLabel('Password', { exact: true }).fill(password);
    await other.getByRole('button', { name: 'Submit' }).click();
    await other.getByText('You need a Presence Reason list to sign in. Contact your administrator.').waitFor();
    expect(new URL(other.url()).pathname).toBe('/login');
    await expectAccessible(other, 'presence-login-refused');
  });
});

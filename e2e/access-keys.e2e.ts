import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations, launchChromium, saveScreenshot } from './browser.ts';
import { startLanyard, type LanyardServer } from './harness.ts';
import { activateBootstrapAdmin, arrowToTab, signIn } from './journeys.ts';

/**
 * Seed 000 "Generate Access Keys" and seed 001 "Access Keys Tab", step by step in Chromium: My Profile ›
 * Access Keys › Add access key › copy the Access Key ID › (SHOW SECRET KEY) › Copy › Done (the secret is
 * gone) › State Inactive (the key stops working) › Active (it works again) › delete with confirmation.
 */

const password = 'Harbour-Lantern-2048';
let server: LanyardServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

async function expectAccessible(name: string): Promise<void> {
  await saveScreenshot(page, name);
  const report = await accessibilityViolations(page);
  expect(report, `axe found violations (${name})`).toBe('');
}

function exchange(accessKeyId: string, accessKeySecret: string) {
  return fetch(`${server.baseUrl}/authentication/v1/token/access-key`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKeyId, accessKeySecret }),
  });
}

const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

beforeAll(async () => {
  server = await startLanyard();
  browser = await launchChromium();
  context = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
});

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

describe('My Profile › Access Keys in Chromium', () => {
  it('walks the seed: add, copy, show the secret once, switch State, delete', async () => {
    const { username } = await activateBootstrapAdmin(server, password);
    await signIn(page, username, password);

    // Steps 1–2: initials in the upper-right corner › My Profile.
    await page.getByRole('button', { name: /^Account menu/ }).press('Enter');
    await page.getByRole('menuitem', { name: 'My Profile' }).press('Enter');
    await page.waitForURL((url) => url.pathname === '/profile/general');

    // Step 3: the Access Keys tab (keyboard: arrow keys move between tabs).
    await page.getByRole('tab', { name: 'General' }).focus();
    await arrowToTab(page, 'Access Keys');
    await page.waitForURL((url) => url.pathname === '/profile/access-keys');
    await page.getByRole('heading', { level: 2, name: 'Access Keys' }).waitFor();
    await page.getByText('You have no access keys.').waitFor();
    expect(await page.title()).toBe('Access Keys · My Profile · Lanyard');
    await expectAccessible('ak-01-empty');

    // Add access key (with a description), by keyboard.
    await page.getByRole('textbox', { name: 'Description (optional)' }).fill('Seed walkthrough');
    await page.getByRole('button', { name: 'Add access key' }).press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Access key created' });
    await dialog.waitFor();
    const accessKeyId = (await dialog.locator('[data-field="access-key-id"]').textContent()) ?? '';
    expect(accessKeyId).toMatch(/^LAK[A-Z2-7]{20}$/);
    expect(await dialog.locator('[data-field="secret-access-key"]').count()).toBe(0);
    await expectAccessible('ak-02-created');

    // Step 4: copy the Access Key ID with the copy icon.
    await dialog.getByRole('button', { name: 'Copy Access Key ID' }).press('Enter');
    // The toast is found by its accessible name (a non-modal alertdialog labelled by its text).
    await page.getByRole('alertdialog', { name: 'Access Key ID copied.' }).waitFor();
    expect(await accessibilityViolations(page, ['aria-dialog-name']), 'every dialog and toast has a name').toBe('');
    expect(await clipboard()).toBe(accessKeyId);

    // Steps 5–6: (SHOW SECRET KEY), then Copy.
    await dialog.getByRole('button', { name: '(SHOW SECRET KEY)' }).press('Enter');
    const secret = (await dialog.locator('[data-field="secret-access-key"]').textContent()) ?? '';
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await dialog.getByText("You can't see the Secret Access Key again after you close this window.").waitFor();
    await dialog.getByRole('button', { name: 'Copy', exact: true }).press('Enter');
    await page.getByRole('alertdialog', { name: 'Secret Access Key copied.' }).waitFor();
    expect(await clipboard()).toBe(secret);
    await expectAccessible('ak-03-secret-shown');

    // Escape does not close it: only Done does, and then the secret is gone for good.
    await page.keyboard.press('Escape');
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Done' }).press('Enter');
    await dialog.waitFor({ state: 'detached' });
    const row = page.locator(`tr[data-access-key-id="${accessKeyId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Seed walkthrough');
    expect(await row.textContent()).toContain('Never');
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(secret);
    const listed = await page.evaluate(async () => (await fetch('/api/v1/me/access-keys')).text());
    expect(listed).toContain(accessKeyId);
    expect(listed).not.toContain(secret);
    for (const header of ['Access Key ID', 'Description', 'Created', 'Last used', 'State']) {
      await page.getByRole('columnheader', { name: header, exact: true }).waitFor();
    }
    await expectAccessible('ak-04-table');

    // At 390 px the rows become cards: nothing overflows the page, and the cells keep their column names.
    await page.setViewportSize({ width: 390, height: 844 });
    await row.getByRole('switch').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await row.evaluate((element) => getComputedStyle(element).display)).toBe('grid');
    await page.getByRole('columnheader', { name: 'Access Key ID', exact: true }).waitFor({ state: 'attached' });
    expect(await row.getByRole('cell').count()).toBe(6);
    await expectAccessible('ak-04b-table-390');
    await page.setViewportSize({ width: 1280, height: 800 });

    // The key works.
    expect((await exchange(accessKeyId, secret)).status).toBe(200);

    // Step 7: State › Inactive, with the keyboard; the key stops working.
    const state = page.getByRole('switch', { name: `State of ${accessKeyId}` });
    expect(await state.isChecked()).toBe(true);
    await state.focus();
    await page.keyboard.press('Space');
    await page.getByText(`Access key ${accessKeyId} is now Inactive.`).waitFor();
    expect(await state.isChecked()).toBe(false);
    expect(await row.textContent()).toContain('Inactive');
    const refused = await exchange(accessKeyId, secret);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('ACCESS_KEY_INVALID_CREDENTIALS');
    await expectAccessible('ak-05-inactive');

    // Active again: it works again.
    await page.keyboard.press('Space');
    await page.getByText(`Access key ${accessKeyId} is now Active.`).waitFor();
    expect(await state.isChecked()).toBe(true);
    expect((await exchange(accessKeyId, secret)).status).toBe(200);

    // Delete, with a confirmation first; Cancel keeps the key.
    await row.getByRole('button', { name: `Delete access key ${accessKeyId}` }).press('Enter');
    const confirm = page.getByRole('alertdialog', { name: 'Delete access key?' });
    await confirm.waitFor();
    await expectAccessible('ak-06-delete-confirmation');
    await confirm.getByRole('button', { name: 'Cancel' }).press('Enter');
    await confirm.waitFor({ state: 'detached' });
    expect((await exchange(accessKeyId, secret)).status).toBe(200);

    await row.getByRole('button', { name: `Delete access key ${accessKeyId}` }).press('Enter');
    await confirm.getByRole('button', { name: 'Delete' }).press('Enter');
    await page.getByText(`Access key ${accessKeyId} deleted.`).waitFor();
    await row.waitFor({ state: 'detached' });
    await page.getByText('You have no access keys.').waitFor();
    expect((await exchange(accessKeyId, secret)).status).toBe(401);
    await expectAccessible('ak-07-deleted');
  });

  it('raised no uncaught errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LanyardServer } from './harness.ts';
import { activateBootstrapAdmin, arrowToTab, expectAccessible, expectAccessibleNarrow, fullNameOf, signIn, startJourney, waitForPath, type BootstrapAdmin, type Journey } from './journeys.ts';

/**
 * Seed 001's Admin › My Account in Chromium, step by step: the app selector › Admin › My Account; the
 * Details tab (the field table, its Edit mode); the Access Keys tab: Edit › Generate New Access Key ›
 * (Show Secret Key) › Copy › Done, after which the secret cannot be retrieved. Also My Zone › My Profile and
 * the initials menu's entries.
 */

const password = 'Harbour-Lantern-2048';
let journey: Journey;
let server: LanyardServer;
let page: Page;
let admin: BootstrapAdmin;

const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

function exchange(accessKeyId: string, accessKeySecret: string) {
  return fetch(`${server.baseUrl}/authentication/v1/token/access-key`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKeyId, accessKeySecret }),
  });
}

async function openAppSelector(): Promise<void> {
  await page.getByRole('banner').getByRole('button', { name: 'App selector' }).click();
  await page.getByRole('menu', { name: 'App selector' }).waitFor();
}

beforeAll(async () => {
  journey = await startJourney();
  server = journey.server;
  page = await journey.newPage();
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
  admin = await activateBootstrapAdmin(server, password);
  await signIn(page, admin.username, password);
  await waitForPath(page, '/admin/users');
});

afterAll(async () => {
  await journey?.close();
});

describe('Admin › My Account in Chromium (seed 001)', () => {
  it('the app selector offers My Zone (→ My Profile) and Admin (→ My Account and the administration pages)', async () => {
    await openAppSelector();
    const items = (await page.getByRole('menu', { name: 'App selector' }).getByRole('menuitem').allTextContents()).map((text) => text.trim());
    expect(items).toEqual(['My Zone', 'Admin']);
    await expectAccessible(page, 'my-account-01-app-selector');
    // Admin opens its submenu with the keyboard (ArrowRight), listing My Account first.
    await page.getByRole('menuitem', { name: 'Admin' }).focus();
    await page.keyboard.press('ArrowRight');
    const adminMenu = page.getByRole('menu', { name: 'Admin' });
    await adminMenu.waitFor();
    const adminItems = (await adminMenu.getByRole('menuitem').allTextContents()).map((text) => text.trim());
    expect(adminItems[0]).toBe('My Account');
    expect(adminItems).toContain('Users');
    expect(adminItems).toContain('Audit log');
    await expectAccessible(page, 'my-account-02-admin-submenu');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');

    // My Zone › My Profile.
    await openAppSelector();
    await page.getByRole('menuitem', { name: 'My Zone' }).click();
    await waitForPath(page, '/profile/general');

    // The initials menu keeps My Profile, Change Password, Support and Downloads and Log out.
    await page.getByRole('button', { name: `Account menu, ${fullNameOf(admin)}` }).click();
    const accountItems = (await page.getByRole('menu').getByRole('menuitem').allTextContents()).map((text) => text.trim());
    for (const item of ['My Profile', 'Change Password', 'Support and Downloads', 'Log out']) expect(accountItems).toContain(item);
    await page.keyboard.press('Escape');
  });

  it('Details: the seed field table, with an Edit mode using the account form', async () => {
    // "Click the app selector and select Admin. Go to My Account."
    await openAppSelector();
    await page.getByRole('menuitem', { name: 'Admin' }).click();
    await page.getByRole('menu', { name: 'Admin' }).getByRole('menuitem', { name: 'My Account' }).click();
    await waitForPath(page, '/my-account/details');
    await page.getByRole('heading', { level: 1, name: 'My Account' }).waitFor();
    expect(await page.title()).toBe('Details · My Account · Lanyard');
    const table = page.getByRole('table', { name: 'Your account details' });
    await table.waitFor();
    for (const field of ['Username', 'User ID', 'First Name', 'Last Name', 'Email', 'Location', 'Time Zone', 'Language', 'Default Dialing Pattern', 'MFA Secret', 'MFA Period']) {
      await table.getByRole('rowheader', { name: field, exact: true }).waitFor();
    }
    expect(await table.locator('tr[data-field="username"] td').textContent()).toBe(admin.username);
    expect(await table.locator('tr[data-field="mfaPeriod"] td').textContent()).toContain('30 seconds');
    const mfaLink = table.getByRole('link', { name: 'Set up or change it in My Profile › Security' });
    expect(await mfaLink.getAttribute('href')).toBe('/profile/security');
    await expectAccessible(page, 'my-account-03-details');
    await expectAccessibleNarrow(page, 'my-account-03-details');

    // Edit › change the Location › Save: back to the table, showing it.
    await page.getByRole('button', { name: 'Edit', exact: true }).press('Enter');
    const location = page.getByRole('textbox', { name: 'Location' });
    await location.waitFor();
    await expectAccessible(page, 'my-account-04-details-edit');
    await location.fill('Harbour Office, Pier 4');
    await page.getByRole('button', { name: 'Save' }).press('Enter');
    await page.getByText('Your account details were saved.').waitFor();
    await table.waitFor();
    expect(await table.locator('tr[data-field="location"] td').textContent()).toBe('Harbour Office, Pier 4');
    // Edit › Cancel changes nothing.
    await page.getByRole('button', { name: 'Edit', exact: true }).press('Enter');
    await location.fill('Elsewhere');
    await page.getByRole('button', { name: 'Cancel' }).press('Enter');
    expect(await table.locator('tr[data-field="location"] td').textContent()).toBe('Harbour Office, Pier 4');
  });

  it('Access Keys: Edit › Generate New Access Key › (Show Secret Key) › Copy › Done', async () => {
    // "Click the Access Keys tab, then click Edit."
    await page.getByRole('tab', { name: 'Details' }).focus();
    await arrowToTab(page, 'Access Keys');
    await waitForPath(page, '/my-account/access-keys');
    // The title follows the path by a render: wait for it rather than read it at once.
    await page.waitForFunction(() => document.title === 'Access Keys · My Account · Lanyard');
    await page.getByText('You have no access keys.').waitFor();
    await expectAccessible(page, 'my-account-05-keys');
    expect(await page.getByRole('button', { name: 'Generate New Access Key' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Edit', exact: true }).press('Enter');

    // "Click Generate New Access Key."
    await page.getByRole('button', { name: 'Generate New Access Key' }).press('Enter');
    const table = page.getByRole('table', { name: 'Your access keys' });
    const row = table.locator('tr[data-access-key-id]');
    await row.waitFor();
    const accessKeyId = (await row.getAttribute('data-access-key-id')) ?? '';
    expect(accessKeyId).toMatch(/^LAK[A-Z2-7]{20}$/);
    await page.getByText("You can't retrieve your secret key after you click Done.").waitFor();
    expect(await page.locator('[data-field="secret-access-key"]').count()).toBe(0);
    await expectAccessible(page, 'my-account-06-generated');

    // "In the Access Keys table, click (Show Secret Key)."
    await row.getByRole('button', { name: '(Show Secret Key)' }).press('Enter');
    const secret = (await row.locator('[data-field="secret-access-key"]').textContent()) ?? '';
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // "Click Copy."
    await row.getByRole('button', { name: 'Copy', exact: true }).press('Enter');
    await page.getByRole('alertdialog', { name: 'Secret Access Key copied.' }).waitFor();
    expect(await clipboard()).toBe(secret);
    await expectAccessible(page, 'my-account-07-secret-shown');
    // At 390 px the rows are cards and the secret wraps inside its card.
    await page.setViewportSize({ width: 390, height: 844 });
    const secretBox = await row.locator('[data-field="secret-access-key"]').boundingBox();
    const rowBox = await row.boundingBox();
    expect(secretBox !== null && rowBox !== null && secretBox.x + secretBox.width <= rowBox.x + rowBox.width).toBe(true);
    await expectAccessibleNarrow(page, 'my-account-07-secret-shown');
    expect((await exchange(accessKeyId, secret)).status).toBe(200);

    // "Click Done. You can't retrieve your secret key after you click Done."
    await page.getByRole('button', { name: 'Done' }).press('Enter');
    await page.getByRole('button', { name: 'Edit', exact: true }).waitFor();
    expect(await page.content()).not.toContain(secret);
    expect(await row.textContent()).toContain('Hidden');
    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(secret);
    await expectAccessible(page, 'my-account-08-done');
  });

  it('raised no uncaught errors in the page', () => {
    expect(journey.pageErrors).toEqual([]);
  });
});

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveScreenshot } from './browser.ts';
import {
  activateBootstrapAdmin,
  chooseFromAccountMenu,
  expectAccessible,
  expectAccessibleNarrow,
  inviteWithPassword,
  logOut,
  signIn,
  startJourney,
  waitForEmailWithSubject,
  waitForPath,
  type BootstrapAdmin,
  type Journey,
} from './journeys.ts';

/**
 * Issue 14 in Chromium: My Profile › Accessibility (the toast slider applied to every toast, high contrast
 * and larger text everywhere and in a new browser), › Account (details, email change through the mailbox),
 * Support and Downloads, and the accessibility statement's feedback sent signed out.
 */
const password = 'Harbour-Lantern-2048';
let journey: Journey;
let admin: BootstrapAdmin;

beforeAll(async () => {
  journey = await startJourney();
  admin = await activateBootstrapAdmin(journey.server, password);
});
afterAll(async () => {
  await journey?.close();
});

async function bothWidths(page: Page, name: string): Promise<void> {
  await expectAccessible(page, `${name}-1280`);
  await expectAccessibleNarrow(page, name);
}

const rootData = (page: Page) => page.evaluate(() => ({ ...document.documentElement.dataset }));

describe('My Profile › Accessibility', () => {
  it('the slider set to 7 with the keyboard: a toast stays 7 s, and stays while hovered', async () => {
    const page = await journey.newPage();
    await page.clock.install();
    await signIn(page, admin.username, password);
    await page.goto('/profile/accessibility');
    const slider = page.getByRole('slider', { name: 'Toast message duration' });
    await slider.waitFor();
    expect(await slider.getAttribute('aria-valuetext')).toBe('3 seconds');
    await bothWidths(page, 'account-01-accessibility');

    await slider.focus();
    const saved = page.waitForResponse(
      (response) => response.url().endsWith('/api/v1/me/preferences') && response.request().method() === 'PUT' && (response.request().postData() ?? '').includes('"toastDurationSeconds":7'),
    );
    for (let step = 0; step < 4; step += 1) await page.keyboard.press('ArrowRight');
    expect(await slider.getAttribute('aria-valuetext')).toBe('7 seconds');
    expect((await (await saved).json()).toastDurationSeconds).toBe(7);
    await page.clock.runFor(100);

    // The slider announces its value itself: no toast per step.
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    await page.getByRole('button', { name: 'Show a sample toast' }).click();
    const toast = page.getByRole('alertdialog', { name: 'This is a sample toast message.' });
    await toast.waitFor();
    await page.mouse.move(0, 0);
    await page.clock.runFor(6500);
    expect(await toast.isVisible()).toBe(true);
    await page.clock.runFor(1000);
    await toast.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Show a sample toast' }).click();
    await toast.waitFor();
    await toast.hover();
    await page.clock.runFor(15_000);
    expect(await toast.isVisible(), 'a hovered toast stays').toBe(true);
    await page.mouse.move(0, 0);
    await page.clock.runFor(16_000);
    await toast.waitFor({ state: 'detached' });
  });

  it('high contrast and larger text apply on another page and after signing in again in a new browser', async () => {
    // An agent: their role has presence.use, so the console asks for the microphone (an administrator is not asked).
    await inviteWithPassword(journey.server, password, '--tenant', admin.tenant, '--username', 'ada.agent', '--email', 'ada.agent@example.test', '--role', 'Agent', '--first-name', 'Ada', '--last-name', 'Agent');
    const agent = 'ada.agent';
    const page = await journey.newPage();
    await signIn(page, agent, password);
    // The microphone step (the agent has presence.use) answers late here: the page must not be drawn
    // before it, or the panel would push the checkbox away under the pointer and the press would do nothing.
    await page.route('**/api/v1/me/microphone', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await route.continue();
    });
    await page.goto('/profile/accessibility');
    const checkbox = page.getByText('High contrast', { exact: true });
    await checkbox.waitFor();
    const firstDrawn = await checkbox.boundingBox();
    await page.getByRole('heading', { name: 'Allow your microphone' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await checkbox.boundingBox(), 'nothing moved the checkbox after it was drawn').toEqual(firstDrawn);
    await page.unrouteAll();
    let saved = page.waitForResponse((response) => response.url().endsWith('/api/v1/me/preferences') && response.request().method() === 'PUT');
    await page.getByText('High contrast', { exact: true }).click();
    await saved;
    saved = page.waitForResponse((response) => response.url().endsWith('/api/v1/me/preferences') && response.request().method() === 'PUT');
    await page.getByText('Larger', { exact: true }).click();
    await saved;
    expect(await rootData(page)).toMatchObject({ highContrast: 'true', textSize: 'larger' });
    await bothWidths(page, 'account-02-high-contrast-larger');

    await page.getByRole('tab', { name: 'General' }).click();
    await waitForPath(page, '/profile/general');
    expect(await rootData(page)).toMatchObject({ highContrast: 'true', textSize: 'larger' });
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('20px');

    const fresh = await journey.newPage();
    await signIn(fresh, agent, password);
    await fresh.getByRole('heading', { level: 1 }).first().waitFor();
    expect(await rootData(fresh)).toMatchObject({ highContrast: 'true', textSize: 'larger' });
    await saveScreenshot(fresh, 'account-03-new-browser');
    // A reload applies them before the first paint: they are on <html> before the app has asked the server.
    await fresh.reload({ waitUntil: 'commit' });
    await fresh.waitForFunction(() => document.documentElement.dataset.textSize !== undefined);
    expect(await rootData(fresh)).toMatchObject({ highContrast: 'true', textSize: 'larger' });

    // Back to the defaults for the journeys that follow.
    await fresh.goto('/profile/accessibility');
    saved = fresh.waitForResponse((response) => response.url().endsWith('/api/v1/me/preferences') && response.request().method() === 'PUT');
    await fresh.getByText('Default', { exact: true }).click();
    await saved;
    saved = fresh.waitForResponse((response) => response.url().endsWith('/api/v1/me/preferences') && response.request().method() === 'PUT');
    await fresh.getByText('High contrast', { exact: true }).click();
    await saved;
  });
});

describe('My Profile › Account', () => {
  it('edits the account details', async () => {
    const page = await journey.newPage();
    await signIn(page, admin.username, password);
    await page.goto('/profile/account');
    await page.getByRole('heading', { level: 2, name: 'Account Details' }).waitFor();
    await bothWidths(page, 'account-04-details');
    await page.getByRole('textbox', { name: 'First Name' }).fill('Anne');
    await page.getByRole('textbox', { name: 'Last Name' }).fill('Shirley');
    await page.getByRole('textbox', { name: 'Location' }).fill('Avonlea');
    // The field in the middle of the screen first: its list then opens within the page, so choosing from it
    // scrolls nothing (a React Aria combobox closes its list when the page scrolls).
    const timeZone = page.getByRole('combobox', { name: 'Time Zone' });
    await timeZone.evaluate((input) => input.scrollIntoView({ block: 'center' }));
    await timeZone.fill('Halifax');
    await page.getByRole('option', { name: 'America/Halifax' }).click();
    await expect.poll(() => timeZone.inputValue()).toBe('America/Halifax');
    await page.getByRole('textbox', { name: 'Language' }).fill('en-ca');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alertdialog', { name: 'Your account details were saved.' }).waitFor();
    // The top bar follows the new name.
    await page.getByRole('button', { name: 'Account menu, Anne Shirley' }).waitFor();
    await page.reload();
    expect(await page.getByRole('textbox', { name: 'Location' }).inputValue()).toBe('Avonlea');
    expect(await page.getByRole('combobox', { name: 'Time Zone' }).inputValue()).toBe('America/Halifax');
    expect(await page.getByRole('textbox', { name: 'Language' }).inputValue()).toBe('en-CA');
    admin = { ...admin, firstName: 'Anne', lastName: 'Shirley' };
  });

  it('changes the email through the mailbox', async () => {
    const page = await journey.newPage();
    await signIn(page, admin.username, password);
    await page.goto('/profile/account');
    await page.getByRole('textbox', { name: 'New email address' }).fill('anne.shirley@example.test');
    await page.getByLabel('Current password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Change Email' }).click();
    await page.getByText('Waiting for confirmation: we sent a link to anne.shirley@example.test.').waitFor();
    await expectAccessible(page, 'account-05-email-pending');

    const email = await waitForEmailWithSubject(journey.server, 'Confirm your new Lanyard email address');
    expect(JSON.stringify(email.to)).toContain('anne.shirley@example.test');
    await waitForEmailWithSubject(journey.server, 'A change of your Lanyard email address was requested');
    const link = email.links.find((url) => url.includes('/confirm-email/'));
    expect(link).toBeDefined();
    const other = await journey.newPage();
    await other.goto(link ?? '');
    await other.getByRole('heading', { level: 1, name: 'Confirm Your Email Address' }).waitFor();
    await bothWidths(other, 'account-06-confirm-email');
    await other.getByRole('button', { name: 'Confirm Email Address' }).click();
    await other.getByText('Your email address was changed.').waitFor();

    await page.reload();
    await page.getByText('anne.shirley@example.test', { exact: true }).waitFor();
  });
});

describe('Support and Downloads', () => {
  it('downloads a file and its SHA-256 matches', async () => {
    const page = await journey.newPage();
    await signIn(page, admin.username, password);
    // The administrator adds the application in Administration › Downloads and uploads its file.
    const content = Buffer.from(Array.from({ length: 3_000_000 }, (_, index) => (index * 7) % 256));
    const sha256 = createHash('sha256').update(content).digest('hex');
    await page.goto('/admin/downloads');
    await page.getByRole('heading', { level: 1, name: 'Support and Downloads' }).waitFor();
    await page.getByRole('textbox', { name: 'Name' }).fill('Lanyard Agent');
    await page.getByRole('textbox', { name: 'Version' }).fill('1.2.3');
    await page.getByRole('textbox', { name: 'Platform' }).fill('Windows');
    await page.getByRole('textbox', { name: 'Installation instructions link (optional)' }).fill('https://docs.example.test/install');
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'lanyard-agent-1.2.3.msi', mimeType: 'application/octet-stream', buffer: content });
    await bothWidths(page, 'account-07a-downloads-admin');
    await page.getByRole('button', { name: 'Add and Upload' }).click();
    await page.getByRole('alertdialog', { name: 'Lanyard Agent was added.' }).waitFor();
    await page.getByText(sha256).waitFor();

    await chooseFromAccountMenu(page, admin, 'Support and Downloads');
    await waitForPath(page, '/profile/downloads');
    await page.getByRole('cell', { name: sha256 }).waitFor();
    await bothWidths(page, 'account-07-downloads');
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download Lanyard Agent 1.2.3' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('lanyard-agent-1.2.3.msi');
    const saved = await readFile((await file.path()) ?? '');
    expect(createHash('sha256').update(saved).digest('hex')).toBe(sha256);
  });
});

describe('Accessibility statement', () => {
  it('sends feedback signed out; the administrator reads it', async () => {
    const page = await journey.newPage();
    await signIn(page, admin.username, password);
    await logOut(page, admin);
    await page.getByRole('link', { name: 'Accessibility statement' }).click();
    await waitForPath(page, '/accessibility-statement');
    await page.getByRole('heading', { level: 1, name: 'Accessibility Statement' }).waitFor();
    await bothWidths(page, 'account-08-statement');
    await page.getByRole('textbox', { name: 'Your feedback' }).fill('The time zone list is hard to use with a screen reader.');
    await page.getByRole('button', { name: 'Send Feedback' }).click();
    await page.getByText('Thank you. Your feedback was sent.').waitFor();

    await signIn(page, admin.username, password);
    await page.goto('/admin/accessibility-feedback');
    await page.getByText('The time zone list is hard to use with a screen reader.').waitFor();
    // The feedback names the page the footer's link was followed from (the login page, after signing out).
    await page.getByText(/Not signed in · page: \/login/).first().waitFor();
    await bothWidths(page, 'account-09-feedback-admin');
  });
});

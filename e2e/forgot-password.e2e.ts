import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activateBootstrapAdmin,
  checklistItem,
  expectAccessible,
  meStatus,
  signIn,
  startJourney,
  waitForEmailWithSubject,
  waitForPath,
  type BootstrapAdmin,
  type Journey,
} from './journeys.ts';

/**
 * Forgotten password (SPEC §3.3): "Forgot your password?" on the sign-in page, the username, the same
 * confirmation whether or not the account exists, a reset link by email (60 minutes, single use), a new
 * password against the live rules (the common-password rule asked of the server as one types), then sign-in;
 * no public page makes a request that answers 401.
 */

const firstPassword = 'Harbour-Lantern-2048';
const commonPassword = 'Password1234';
const resetPassword = 'Saltmarsh-Heron-4096';
const confirmationText = 'If an account exists for that username, we sent a link to reset the password. It is valid for 60 minutes.';

let journey: Journey;
let admin: BootstrapAdmin;
let resetLink = '';

beforeAll(async () => {
  journey = await startJourney();
  admin = await activateBootstrapAdmin(journey.server, firstPassword);
});

afterAll(async () => {
  await journey?.close();
});

describe('forgotten password in Chromium', () => {
  it('asks for the username and answers the same whether or not the account exists', async () => {
    const page = await journey.newPage();
    await page.goto('/login');
    await page.getByRole('heading', { level: 1, name: 'Sign in to Lanyard' }).waitFor();
    // A stranger's sign-in page asks nothing that answers 401 (no GET /api/v1/me without a session).
    await page.getByRole('button', { name: 'Submit' }).waitFor();
    expect(journey.unauthorizedResponses).toEqual([]);
    expect(journey.consoleErrors).toEqual([]);
    await expectAccessible(page, 'forgot-password-00-login');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await waitForPath(page, '/forgot-password');
    await page.getByRole('heading', { level: 1, name: 'Forgot your password?' }).waitFor();
    expect(await page.title()).toBe('Forgot your password? · Lanyard');
    await expectAccessible(page, 'forgot-password-01-username');

    // An unknown username gets exactly the same answer as a real one.
    await page.getByRole('textbox', { name: 'Username' }).fill('nobody-here');
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText(confirmationText).waitFor();
    await page.getByRole('button', { name: 'Use another username' }).click();

    await page.getByRole('textbox', { name: 'Username' }).fill(admin.username);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
    await page.getByText(confirmationText).waitFor();
    await expectAccessible(page, 'forgot-password-02-check-your-email');

    const email = await waitForEmailWithSubject(journey.server, 'Reset your Lanyard password');
    expect(JSON.stringify(email.to)).toContain(admin.email);
    const link = email.links.find((candidate) => candidate.startsWith(`${journey.server.baseUrl}/reset-password/`));
    expect(link, `the reset email (${email.file}) holds a link to /reset-password/…`).toBeDefined();
    resetLink = link ?? '';
    expect(journey.unauthorizedResponses).toEqual([]);
    expect(journey.consoleErrors).toEqual([]);
  });

  it('sets a new password with the link: the live check refuses a common one, an uncommon one passes, then the person signs in', async () => {
    expect(resetLink, 'needs the link from the previous step').not.toBe('');
    const page = await journey.newPage();
    await page.goto(resetLink);
    await page.getByRole('heading', { level: 1, name: 'Reset your password' }).waitFor();
    expect(await page.title()).toBe('Reset your password · Lanyard');
    const username = page.getByRole('textbox', { name: 'Username' });
    expect(await username.inputValue()).toBe(admin.username);
    expect(await username.getAttribute('readonly')).not.toBeNull();
    const save = page.getByRole('button', { name: 'Save' });
    expect(await save.isDisabled()).toBe(true);
    await expectAccessible(page, 'forgot-password-03-reset-form');

    // "Password1234" meets every rule the console checks by itself; the common-password rule is asked of
    // the server (signed out here) once typing pauses. The answers are held back until the check is seen.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const checked: string[] = [];
    await page.route('**/api/v1/passwords/common-check', async (route) => {
      checked.push(route.request().postData() ?? '');
      await held;
      await route.continue();
    });
    const notCommon = checklistItem(page, 'notCommon');
    await page.getByLabel('New Password', { exact: true }).fill(commonPassword);
    await page.getByLabel('Confirm New Password', { exact: true }).fill(commonPassword);
    expect(await notCommon.textContent()).toContain('Is not a commonly used password');
    expect(await notCommon.getAttribute('data-state'), 'pending is not passed').toBe('checking');
    expect(await notCommon.textContent()).toContain('Checking');
    expect(await page.locator('.checklist-item[data-state="unmet"]').count()).toBe(0);
    expect(await save.isDisabled()).toBe(true);
    await expect.poll(() => checked.length, { timeout: 5000 }).toBe(1);
    release();
    await page.locator('.checklist-item[data-rule="notCommon"][data-state="unmet"]').waitFor();
    expect(await save.isDisabled()).toBe(true);
    expect(JSON.parse(checked[0] ?? '{}')).toEqual({ password: commonPassword });
    await expectAccessible(page, 'forgot-password-04-common-password');

    // An uncommon one passes, and Save turns on.
    await page.getByLabel('New Password', { exact: true }).fill(resetPassword);
    await page.getByLabel('Confirm New Password', { exact: true }).fill(resetPassword);
    await page.locator('.checklist-item[data-rule="notCommon"][data-state="met"]').waitFor();
    expect(await page.locator('.checklist-item:not([data-state="met"])').count()).toBe(0);
    expect(await save.isEnabled()).toBe(true);
    // One question per password, each after typing paused.
    expect(checked).toHaveLength(2);
    expect(journey.unauthorizedResponses).toEqual([]);
    expect(journey.consoleErrors).toEqual([]);
    await save.click();

    await waitForPath(page, '/login');
    await page.getByText('Your password was reset. Sign in with your username and new password.').waitFor();
    expect(await page.getByRole('textbox', { name: 'Username' }).inputValue()).toBe(admin.username);
    await expectAccessible(page, 'forgot-password-05-login-after-reset');

    // The old password is gone; the new one signs in.
    await page.getByLabel('Password', { exact: true }).fill(firstPassword);
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByRole('alert').filter({ hasText: 'The username or password is incorrect.' }).waitFor();
    await signIn(page, admin.username, resetPassword);
    await waitForPath(page, '/admin/users');
    expect(await meStatus(page)).toBe(200);
  });

  it('explains links that cannot be used, with a way to request a new one', async () => {
    const page = await journey.newPage();
    await page.goto(resetLink);
    await page.getByRole('heading', { level: 1, name: 'Reset link already used' }).waitFor();
    await page.getByText('This password reset link has already been used.').waitFor();
    await expectAccessible(page, 'forgot-password-06-link-used');

    await page.goto('/reset-password/this-token-does-not-exist-0123456789');
    await page.getByRole('heading', { level: 1, name: 'Reset link not valid' }).waitFor();
    await expectAccessible(page, 'forgot-password-07-link-not-valid');
    await page.getByRole('link', { name: 'Request a new link' }).click();
    await waitForPath(page, '/forgot-password');
    await page.getByRole('heading', { level: 1, name: 'Forgot your password?' }).waitFor();
  });

  it('raised no uncaught errors in the pages', () => {
    expect(journey.pageErrors).toEqual([]);
  });
});

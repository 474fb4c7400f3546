import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LanyardServer } from './harness.ts';
import {
  bootstrapInvitation,
  checklistItem,
  checklistSettled,
  fullNameOf,
  initialsOf,
  expectAccessible,
  meStatus,
  startJourney,
  tabUntil,
  waitForPath,
  type BootstrapAdmin,
  type Journey,
} from './journeys.ts';

/**
 * The first operator's journey (SPEC §3.1, §3.2, §3.7; seeds 000 and 002): the first start prints a
 * first-access link and mails it; the link sets a password against the live rule checklist; the
 * administrator signs in with the keyboard, reads My Profile › General, and logs out.
 */

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const weakPassword = 'abc';
const strongPassword = 'Harbour-Lantern-2048';

let journey: Journey;
let server: LanyardServer;

/** Shared between the steps: the link and what the invitation says about the administrator. */
let firstAccessUrl = '';
let invitee: BootstrapAdmin | undefined;

const newPage = () => journey.newPage();

beforeAll(async () => {
  journey = await startJourney();
  server = journey.server;
});

afterAll(async () => {
  await journey?.close();
});

describe('first access, sign-in and My Profile in Chromium', () => {
  it('prints the first-access link and writes the same link in the invitation email', async () => {
    invitee = await bootstrapInvitation(server);
    firstAccessUrl = invitee.firstAccessUrl;
    const escapedBase = server.baseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(firstAccessUrl).toMatch(new RegExp(`^${escapedBase}/first-access/[A-Za-z0-9_-]{16,128}$`));

    const email = await server.waitForEmail((raw) => raw.length > 0);
    const parsed = await simpleParser(email.raw);
    const text = parsed.text ?? '';
    expect(text, `the invitation email (${email.file}) should hold the link`).toContain(firstAccessUrl);
    if (typeof parsed.html === 'string') expect(parsed.html).toContain(firstAccessUrl);

    expect(invitee.username).toBe('admin');
    expect(invitee.tenant).toBe('Default');
    // Seed 002: the email "contains your username and a link".
    expect(text).toContain(invitee.username);
  });

  it('sets the first password against the live rule checklist', async () => {
    expect(firstAccessUrl, 'needs the link from the previous step').not.toBe('');
    const page = await newPage();
    await page.goto(firstAccessUrl);
    await page.getByRole('heading', { level: 1, name: 'Set your password' }).waitFor();
    expect(await page.title()).toBe('Set your password · Lanyard');
    expect(await page.getByRole('textbox', { name: 'Username' }).inputValue()).toBe('admin');
    expect(await page.getByRole('textbox', { name: 'Username' }).getAttribute('readonly')).not.toBeNull();
    expect(await page.locator('main').textContent()).toContain('Default');
    const save = page.getByRole('button', { name: 'Save' });
    expect(await save.isDisabled()).toBe(true);
    await expectAccessible(page, '01-first-access');

    // A weak password: the rules it breaks stay red with a cross, and Save stays disabled.
    await page.getByLabel('New Password', { exact: true }).fill(weakPassword);
    await page.getByLabel('Confirm New Password', { exact: true }).fill(weakPassword);
    expect(await checklistItem(page, 'minLength').getAttribute('data-state')).toBe('unmet');
    expect(await checklistItem(page, 'minLength').textContent()).toContain('Not met');
    expect(await checklistItem(page, 'match').getAttribute('data-state')).toBe('met');
    expect(await page.locator('.checklist-item[data-state="unmet"]').count()).toBeGreaterThan(0);
    expect(await save.isDisabled()).toBe(true);
    await expectAccessible(page, '02-first-access-weak-password');

    // A compliant password that does not match its confirmation is still not enough.
    await page.getByLabel('New Password', { exact: true }).fill(strongPassword);
    await page.getByLabel('Confirm New Password', { exact: true }).fill(`${strongPassword}x`);
    expect(await checklistItem(page, 'minLength').getAttribute('data-state')).toBe('met');
    expect(await checklistItem(page, 'match').getAttribute('data-state')).toBe('unmet');
    expect(await save.isDisabled()).toBe(true);

    await page.getByLabel('Confirm New Password', { exact: true }).fill(strongPassword);
    await checklistSettled(page);
    expect(await page.locator('.checklist-item[data-state="unmet"]').count()).toBe(0);
    expect(await checklistItem(page, 'minLength').textContent()).toContain('Met');
    expect(await save.isEnabled()).toBe(true);
    await expectAccessible(page, '03-first-access-ready');

    await save.click();
    await waitForPath(page, '/login');
    await page.getByText('Your password is set. Sign in with your username and new password.').waitFor();
    expect(await page.title()).toBe('Sign in · Lanyard');
    expect(await page.getByRole('textbox', { name: 'Username' }).inputValue()).toBe('admin');
    await expectAccessible(page, '04-login-after-first-access');

    // Seed 002: sign in with Username, Password and Submit — here with the keyboard alone.
    await tabUntil(page, () => document.activeElement?.getAttribute('name') === 'username');
    await tabUntil(page, () => document.activeElement?.getAttribute('name') === 'password', 2);
    await page.keyboard.type(strongPassword);
    await page.keyboard.press('Enter');

    // Seed 002: "A successful login brings you to the User Management window for your default tenant."
    await waitForPath(page, '/admin/users');
    await page.getByRole('heading', { level: 1, name: 'User Management' }).waitFor();
    await page.goto('/profile/general');
    await waitForPath(page, '/profile/general');
    const profile = page.locator('main');
    await page.getByRole('heading', { level: 1, name: 'My Profile' }).waitFor();
    expect(await page.title()).toBe('My Profile · Lanyard');
    // The first administrator has no name yet: the console shows the username instead.
    const fullName = invitee === undefined ? '' : fullNameOf(invitee);
    await page.getByRole('heading', { level: 2, name: fullName }).waitFor();
    expect(await profile.locator('[data-field="role"]').textContent()).toBe('Administrator');
    expect(await profile.locator('[data-field="team"]').textContent()).toBe('Not assigned to a team');
    expect(await profile.locator('[data-field="username"]').textContent()).toBe('admin');
    expect(await profile.locator('[data-field="email"]').textContent()).toBe(invitee?.email);
    expect(await profile.locator('[data-field="user-id"]').textContent()).toMatch(uuidPattern);
    expect(await profile.locator('[data-field="tenant"]').textContent()).toBe('Default');
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json() as Promise<{ tenant: { region: string }; system: { version: string } }>);
    expect(await profile.locator('[data-field="region"]').textContent()).toBe(me.tenant.region);
    expect(await profile.locator('[data-field="version"]').textContent()).toBe(me.system.version);
    for (const label of ['Role', 'Team', 'User Information', 'Username', 'Email', 'User ID', 'General Information', 'Tenant', 'Region', 'Version']) {
      expect(await profile.textContent()).toContain(label);
    }
    for (const tab of ['General', 'Account', 'Security', 'Access Keys', 'Accessibility', 'Support and Downloads']) {
      await page.getByRole('tab', { name: tab }).waitFor();
    }
    await expectAccessible(page, '05-profile-general');

    // Tabs have their own URLs: the arrow key moves to Account; only tabs that work are shown.
    expect(await page.getByRole('tab').count()).toBe(6);
    await page.getByRole('tab', { name: 'General' }).focus();
    await page.keyboard.press('ArrowRight');
    await waitForPath(page, '/profile/account');
    await page.getByRole('heading', { level: 2, name: 'Password' }).waitFor();
    await expectAccessible(page, '06-profile-account');

    // Seed 000: "click your initials in the upper right corner and then select My Profile".
    const initials = invitee === undefined ? '' : initialsOf(invitee);
    const menuButton = page.getByRole('button', { name: `Account menu, ${fullName}` });
    expect((await menuButton.textContent())?.trim()).toBe(initials);
    const box = await menuButton.boundingBox();
    expect(box, 'the initials button is visible').not.toBeNull();
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeGreaterThan(1280 * 0.9);
    expect(box?.y ?? 800).toBeLessThan(80);
    await menuButton.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menu').waitFor();
    await page.getByRole('menuitem', { name: 'My Profile' }).waitFor();
    await page.getByRole('menuitem', { name: 'Change Password' }).waitFor();
    await page.getByRole('menuitem', { name: 'Log out' }).waitFor();
    await expectAccessible(page, '07-account-menu');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('My Profile');
    await page.keyboard.press('Enter');
    await waitForPath(page, '/profile/general');
    await page.getByRole('heading', { level: 2, name: fullName }).waitFor();

    // Log out from the same menu, still with the keyboard.
    await menuButton.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menu').waitFor();
    await page.keyboard.press('End');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Log out');
    await page.keyboard.press('Enter');
    await waitForPath(page, '/login');
    await page.getByText('You have signed out.').waitFor();
    expect(await meStatus(page)).toBe(401);
    await expectAccessible(page, '08-login-after-log-out');

    // Signed out means signed out: My Profile sends the person back to sign in.
    await page.goto('/profile/general');
    await waitForPath(page, '/login');
  });

  it('answers a wrong password with the generic error, then returns to the page the person wanted', async () => {
    const page = await newPage();
    await page.goto('/profile/account');
    await waitForPath(page, '/login');
    await page.getByRole('heading', { level: 1, name: 'Sign in to Lanyard' }).waitFor();

    await page.getByRole('textbox', { name: 'Username' }).fill('admin');
    await page.getByLabel('Password', { exact: true }).fill('Not-The-Password-1');
    await page.getByRole('button', { name: 'Submit' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'The username or password is incorrect.' });
    await alert.waitFor();
    expect(await meStatus(page)).toBe(401);
    await expectAccessible(page, '09-login-wrong-password');

    // An unknown username gets the very same answer (SPEC §3.2).
    await page.getByRole('textbox', { name: 'Username' }).fill('nobody-here');
    await page.getByLabel('Password', { exact: true }).fill('Not-The-Password-1');
    await page.getByRole('button', { name: 'Submit' }).click();
    await alert.waitFor();

    await page.getByRole('textbox', { name: 'Username' }).fill('admin');
    await page.getByLabel('Password', { exact: true }).fill(strongPassword);
    await page.getByRole('button', { name: 'Submit' }).click();
    await waitForPath(page, '/profile/account');
    await page.getByRole('heading', { level: 2, name: 'Password' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Account' }).getAttribute('aria-selected')).toBe('true');

    // A signed-in person who opens /login is sent on.
    await page.goto('/login');
    await waitForPath(page, '/admin/users');
    await page.getByRole('heading', { level: 1, name: 'User Management' }).waitFor();
    await page.goto('/profile/general');
    await page.getByRole('heading', { level: 2, name: 'User Information' }).waitFor();

    // WCAG 1.4.10 / 1.4.4: at 200% zoom (640 CSS px here) and at 320 CSS px the page reflows without
    // sideways scrolling.
    for (const width of [640, 320]) {
      await page.setViewportSize({ width, height: 800 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `horizontal overflow at ${width} px`).toBeLessThanOrEqual(0);
      await expectAccessible(page, `13-profile-general-${width}px`);
    }
  });

  it('explains invitation links that cannot be used', async () => {
    const page = await newPage();
    await page.goto(firstAccessUrl);
    await page.getByRole('heading', { level: 1, name: 'Invitation already used' }).waitFor();
    await expectAccessible(page, '10-invitation-used');

    await page.goto('/first-access/this-token-does-not-exist-0123456789');
    await page.getByRole('heading', { level: 1, name: 'Invitation link not valid' }).waitFor();
    await expectAccessible(page, '11-invitation-not-valid');
  });

  it('shows a not-found page for unknown addresses', async () => {
    const page = await newPage();
    await page.goto('/no-such-page');
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    expect(await page.title()).toBe('Page not found · Lanyard');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expectAccessible(page, '12-not-found');
  });

  it('raised no uncaught errors in the pages', () => {
    expect(journey.pageErrors).toEqual([]);
  });
});

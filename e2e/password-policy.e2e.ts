import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activateBootstrapAdmin,
  checklistItem,
  chooseFromAccountMenu,
  expectAccessible,
  fullNameOf,
  logOut,
  meStatus,
  signIn,
  startJourney,
  waitForPath,
  type BootstrapAdmin,
  type Journey,
} from './journeys.ts';

/**
 * Administration › Security › Password policy (SPEC §3.3): the administrator starts from the NIST preset,
 * raises the minimum length, and saves; a role gets its own policy and loses it again; at the next
 * sign-in the administrator's own password no longer meets the rules and must be changed before anything
 * else, after which the console opens as usual.
 */

const firstPassword = 'Harbour-Lantern-2048';
const longPassword = 'quiet-orchard-lantern-river-stone-2048';

let journey: Journey;
let admin: BootstrapAdmin;

beforeAll(async () => {
  journey = await startJourney();
  admin = await activateBootstrapAdmin(journey.server, firstPassword);
});

afterAll(async () => {
  await journey?.close();
});

async function choosePreset(page: Page, scope: Page | Locator, preset: string): Promise<void> {
  await scope.getByRole('button', { name: /Start from a preset/ }).click();
  await page.getByRole('listbox').waitFor();
  await page.getByRole('option', { name: preset }).click();
}

async function tenantPolicy(page: Page): Promise<Record<string, unknown>> {
  return page.evaluate(async () => {
    const response = await fetch('/api/v1/admin/security/password-policy');
    return ((await response.json()) as { tenantPolicy: Record<string, unknown> }).tenantPolicy;
  });
}

describe('password policy administration and the forced change in Chromium', () => {
  it('starts from the NIST preset, raises the minimum length, saves, and sets and clears a role policy', async () => {
    const page = await journey.newPage();
    await signIn(page, admin.username, firstPassword);
    await waitForPath(page, '/admin/users');

    await chooseFromAccountMenu(page, admin, 'Security policies');
    await waitForPath(page, '/admin/security/password-policy');
    await page.getByRole('heading', { level: 1, name: 'Password policy' }).waitFor();
    expect(await page.title()).toBe('Password policy · Administration · Lanyard');
    await page.getByText('must change it the next time they sign in').waitFor();
    const tenant = page.getByRole('region', { name: 'Tenant policy' });
    expect(await tenant.getByLabel('Minimum length').inputValue()).toBe('12');
    expect(await tenant.getByRole('checkbox', { name: 'At least one uppercase letter (A, B, C)' }).isChecked()).toBe(true);
    await expectAccessible(page, 'password-policy-01-page');

    // A value out of range is refused where it was typed, never clamped, and nothing is sent.
    const minimum = tenant.getByLabel('Minimum length');
    const save = tenant.getByRole('button', { name: 'Save' });
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT') sent.push(request.url());
    });
    await minimum.fill('0');
    await page.keyboard.press('Tab');
    expect(await minimum.inputValue(), 'the typed value stays').toBe('0');
    const refusal = tenant.getByText('Enter a whole number from 1 to 256.');
    await refusal.waitFor();
    expect(await minimum.getAttribute('aria-invalid')).toBe('true');
    const refusalId = (await refusal.getAttribute('id')) ?? 'missing';
    expect(((await minimum.getAttribute('aria-describedby')) ?? '').split(' '), 'the message describes the field').toContain(refusalId);
    expect(await save.isDisabled()).toBe(true);
    await tenant.getByText('Save becomes available when every value is valid.').waitFor();
    await minimum.press('Enter');
    await expectAccessible(page, 'password-policy-01b-refused-minimum');
    await minimum.fill('12.5');
    await page.keyboard.press('Tab');
    await refusal.waitFor();
    expect(await minimum.inputValue()).toBe('12.5');
    expect(await save.isDisabled()).toBe(true);
    expect(sent, 'nothing was sent').toEqual([]);
    expect(await tenantPolicy(page)).toMatchObject({ minLength: 12 });
    await minimum.fill('12');
    await page.keyboard.press('Tab');
    await refusal.waitFor({ state: 'detached' });
    expect(await save.isEnabled()).toBe(true);

    await choosePreset(page, tenant, 'NIST SP 800-63B-4');
    expect(await tenant.getByLabel('Minimum length').inputValue()).toBe('15');
    expect(await tenant.getByLabel('Not reused among the last').inputValue()).toBe('0');
    expect(await tenant.getByRole('checkbox', { name: 'At least one uppercase letter (A, B, C)' }).isChecked()).toBe(false);
    expect(await tenant.getByRole('checkbox', { name: 'Must not be a commonly used or breached password' }).isChecked()).toBe(true);

    // The bootstrap password (20 characters) would still pass NIST's 15: ask for 30.
    await tenant.getByLabel('Minimum length').fill('30');
    await page.keyboard.press('Tab');
    expect(await tenant.getByLabel('Minimum length').inputValue()).toBe('30');
    await expectAccessible(page, 'password-policy-02-nist-min-30');

    await tenant.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'The tenant password policy was saved.' }).waitFor();
    expect(await tenantPolicy(page)).toMatchObject({ minLength: 30, requireUppercase: false, historyCount: 0, blocklist: true });

    // A role of its own: Supervisor gets PCI DSS in a dialog, then goes back to the tenant policy.
    const roles = page.getByRole('region', { name: 'Role policies' });
    const supervisor = roles.locator('tr[data-role="Supervisor"]');
    expect(await supervisor.textContent()).toContain('Uses the tenant policy');
    await roles.getByRole('button', { name: 'Set own policy for Supervisor' }).click();
    const dialog = page.getByRole('dialog', { name: 'Password policy for Supervisor' });
    await dialog.waitFor();
    await choosePreset(page, dialog, 'PCI DSS 4.0');
    expect(await dialog.getByLabel('Expires after').inputValue()).toBe('90');
    await expectAccessible(page, 'password-policy-03-role-dialog');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'The password policy of Supervisor was saved.' }).waitFor();
    expect(await supervisor.textContent()).toContain('Own policy');
    expect(await supervisor.textContent()).toContain('expires after 90 days');
    await expectAccessible(page, 'password-policy-04-role-own-policy');
    // At 390 px the role table becomes cards and the page does not overflow.
    await page.setViewportSize({ width: 390, height: 844 });
    await roles.getByRole('button', { name: 'Use tenant policy for Supervisor' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectAccessible(page, 'password-policy-04b-role-policies-390');
    await page.setViewportSize({ width: 1280, height: 800 });

    await roles.getByRole('button', { name: 'Use tenant policy for Supervisor' }).click();
    await page.getByRole('status').filter({ hasText: 'Supervisor now uses the tenant policy.' }).waitFor();
    expect(await supervisor.textContent()).toContain('Uses the tenant policy');

    // A minimum above the maximum cannot be saved.
    await tenant.getByLabel('Maximum length').fill('20');
    await page.keyboard.press('Tab');
    await tenant.getByText('The maximum length must be at least the minimum length.').waitFor();
    expect(await tenant.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await tenant.getByLabel('Maximum length').fill('128');
    await page.keyboard.press('Tab');
    expect(await tenant.getByRole('button', { name: 'Save' }).isEnabled()).toBe(true);

    await logOut(page, admin);
  });

  it('makes the administrator change the password at the next sign-in, then opens the console', async () => {
    const page = await journey.newPage();
    await signIn(page, admin.username, firstPassword);
    await waitForPath(page, '/profile/password');
    await page.getByRole('heading', { level: 1, name: 'Change your password' }).waitFor();
    expect(await page.title()).toBe('Change your password · Lanyard');
    await page.getByText("Your password has expired or no longer meets your company's rules. Change it to continue.").waitFor();
    // No tabs: nothing else is available until the password is changed.
    expect(await page.getByRole('tab').count()).toBe(0);
    await expectAccessible(page, 'password-policy-05-forced-change');

    // Other pages lead back here; the menu keeps only Change Password and Log out.
    await page.goto('/profile/general');
    await waitForPath(page, '/profile/password');
    await page.goto('/admin/security/password-policy');
    await waitForPath(page, '/profile/password');
    await page.getByRole('heading', { level: 1, name: 'Change your password' }).waitFor();
    await page.getByRole('button', { name: `Account menu, ${fullNameOf(admin)}` }).click();
    await page.getByRole('menu').waitFor();
    const items = await page.getByRole('menuitem').allTextContents();
    expect(items.map((item) => item.trim())).toEqual(['Change Password', 'Log out']);
    await page.keyboard.press('Escape');

    await page.getByLabel('Current Password', { exact: true }).fill(firstPassword);
    await page.getByLabel('New Password', { exact: true }).fill(firstPassword.slice(0, 10));
    expect(await checklistItem(page, 'minLength').textContent()).toContain('At least 30 characters');
    expect(await checklistItem(page, 'minLength').getAttribute('data-state')).toBe('unmet');
    await page.getByLabel('New Password', { exact: true }).fill(longPassword);
    await page.getByLabel('Confirm New Password', { exact: true }).fill(longPassword);
    expect(await page.locator('.checklist-item[data-state="unmet"]').count()).toBe(0);
    await expectAccessible(page, 'password-policy-06-forced-change-ready');
    await page.getByRole('button', { name: 'Save' }).click();

    // Changed: the console opens where the person was last going (the policy page), with the confirmation.
    await waitForPath(page, '/admin/security/password-policy');
    await page.getByRole('status').filter({ hasText: `Your password was changed. We sent a confirmation to ${admin.email}.` }).waitFor();
    await page.getByRole('heading', { level: 1, name: 'Password policy' }).waitFor();
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json() as Promise<{ passwordChangeRequired: boolean }>);
    expect(me.passwordChangeRequired).toBe(false);
    await expectAccessible(page, 'password-policy-07-console-after-change');
    await page.goto('/profile/general');
    await page.getByRole('heading', { level: 2, name: 'User Information' }).waitFor();

    // And the new password signs in without any further request.
    await logOut(page, admin);
    await signIn(page, admin.username, longPassword);
    await waitForPath(page, '/admin/users');
    expect(await meStatus(page)).toBe(200);
  });

  it('raised no uncaught errors in the pages', () => {
    expect(journey.pageErrors).toEqual([]);
  });
});

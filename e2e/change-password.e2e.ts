import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activateBootstrapAdmin,
  checklistItem,
  checklistSettled,
  chooseFromAccountMenu,
  expectAccessible,
  logOut,
  meStatus,
  signIn,
  startJourney,
  waitForEmailWithSubject,
  waitForPath,
  type BootstrapAdmin,
  type Journey,
} from './journeys.ts';

/**
 * Seed 000 "Change Your Password" (SPEC §3.3): click the initials, select Change Password, enter the
 * Current Password, then the New Password — a list of the company's rules pops up, each red with a cross
 * until met, then black with a check — and Confirm New Password; Save stays disabled until every rule is
 * met; an email confirms the change.
 */

const firstPassword = 'Harbour-Lantern-2048';
const newPassword = 'Tidewater-Beacon-7731';

/** The checklist's colours (styles.css): --color-danger for unmet rules, --color-text for met ones. */
const red = 'rgb(180, 35, 24)';
const black = 'rgb(26, 31, 39)';

let journey: Journey;
let admin: BootstrapAdmin;

beforeAll(async () => {
  journey = await startJourney();
  admin = await activateBootstrapAdmin(journey.server, firstPassword);
});

afterAll(async () => {
  await journey?.close();
});

function field(page: Page, label: string) {
  return page.getByLabel(label, { exact: true });
}

async function ruleLook(page: Page, rule: string): Promise<{ state: string | null; color: string; icon: string }> {
  const item = checklistItem(page, rule);
  return {
    state: await item.getAttribute('data-state'),
    color: await item.evaluate((element) => getComputedStyle(element).color),
    // The cross has two strokes from corner to corner; the check is one polyline.
    icon: (await item.locator('svg path').getAttribute('d'))?.startsWith('M7.2') === true ? 'cross' : 'check',
  };
}

describe('Change Password in Chromium', () => {
  it('follows the seed: initials › Change Password, rules pop up and turn from red crosses to black checks, Save, email', async () => {
    const page = await journey.newPage();
    await signIn(page, admin.username, firstPassword);
    await waitForPath(page, '/admin/users');

    // 1. Click your initials in the top navigation bar and select Change Password.
    await chooseFromAccountMenu(page, admin, 'Change Password');
    await waitForPath(page, '/profile/password');
    await page.getByRole('heading', { level: 2, name: 'Change Password' }).waitFor();
    expect(await page.title()).toBe('Change Password · My Profile · Lanyard');
    expect(await page.getByRole('tab', { name: 'Account' }).getAttribute('aria-selected')).toBe('true');
    const save = page.getByRole('button', { name: 'Save' });
    expect(await save.isDisabled()).toBe(true);
    // Before the person types a new password there is no rule list yet.
    expect(await page.locator('.checklist').count()).toBe(0);
    await expectAccessible(page, 'change-password-01-empty');

    // 2. Enter your Current Password.
    await field(page, 'Current Password').fill(firstPassword);

    // 3. Start typing a New Password: the list pops up, every unmet rule red with a cross.
    await field(page, 'New Password').click();
    await page.keyboard.type('t');
    const checklist = page.locator('.checklist');
    await checklist.waitFor();
    const describedBy = (await field(page, 'New Password').getAttribute('aria-describedby')) ?? '';
    const checklistId = (await checklist.getAttribute('id')) ?? 'missing';
    expect(describedBy.split(' '), 'the rule list describes the New Password field').toContain(checklistId);
    for (const rule of ['minLength', 'uppercase', 'digit', 'match']) {
      expect(await ruleLook(page, rule), rule).toEqual({ state: 'unmet', color: red, icon: 'cross' });
    }
    expect(await checklistItem(page, 'minLength').textContent()).toContain('Not met');
    // Lowercase is already met by "t": black with a check.
    expect(await ruleLook(page, 'lowercase')).toEqual({ state: 'met', color: black, icon: 'check' });
    // The list does not take focus: typing goes on in the field.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('new-password');
    await expectAccessible(page, 'change-password-02-rules-pop-up');

    // Each rule turns to a check as the password meets it.
    await page.keyboard.type('idewater');
    expect((await ruleLook(page, 'uppercase')).state).toBe('unmet');
    await field(page, 'New Password').fill('');
    await field(page, 'New Password').pressSequentially(newPassword);
    for (const rule of ['minLength', 'maxLength', 'uppercase', 'lowercase', 'digit', 'notUsername', 'notEmail']) {
      expect(await ruleLook(page, rule), rule).toEqual({ state: 'met', color: black, icon: 'check' });
    }
    // Only the confirmation is missing, so Save is still disabled.
    expect(await ruleLook(page, 'match')).toEqual({ state: 'unmet', color: red, icon: 'cross' });
    expect(await save.isDisabled()).toBe(true);
    await expectAccessible(page, 'change-password-03-rules-met');

    // Tab leaves the New Password field for Confirm New Password: nothing traps the keyboard.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('confirm-new-password');
    await page.keyboard.type(`${newPassword}x`);
    expect(await save.isDisabled()).toBe(true);
    await page.keyboard.press('Backspace');
    expect(await ruleLook(page, 'match')).toEqual({ state: 'met', color: black, icon: 'check' });
    await checklistSettled(page);
    expect(await page.locator('.checklist-item[data-state="unmet"]').count()).toBe(0);
    expect(await save.isEnabled()).toBe(true);
    await expectAccessible(page, 'change-password-04-ready');

    // 4. Click Save: the confirmation names the address the email went to, and the fields are cleared.
    await save.click();
    const confirmation = page.getByRole('status').filter({ hasText: `Your password was changed. We sent a confirmation to ${admin.email}.` });
    await confirmation.waitFor();
    expect(await field(page, 'Current Password').inputValue()).toBe('');
    expect(await field(page, 'New Password').inputValue()).toBe('');
    expect(await field(page, 'Confirm New Password').inputValue()).toBe('');
    expect(await page.locator('.checklist').count()).toBe(0);
    expect(await meStatus(page), 'this session stays signed in').toBe(200);
    await expectAccessible(page, 'change-password-05-changed');

    // The system sends an email notification to the address of the account.
    const email = await waitForEmailWithSubject(journey.server, 'Your Lanyard password was changed');
    expect(email.subject).toBe('Your Lanyard password was changed');
    expect(JSON.stringify(email.to)).toContain(admin.email);

    // The old password no longer signs in; the new one does.
    await logOut(page, admin);
    await page.getByRole('textbox', { name: 'Username' }).fill(admin.username);
    await field(page, 'Password').fill(firstPassword);
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByRole('alert').filter({ hasText: 'The username or password is incorrect.' }).waitFor();
    expect(await meStatus(page)).toBe(401);
    await signIn(page, admin.username, newPassword);
    await waitForPath(page, '/admin/users');
    expect(await meStatus(page)).toBe(200);
  });

  it('reaches Change Password from the Account tab, and explains a wrong current password and a reused password', async () => {
    const page = await journey.newPage();
    await signIn(page, admin.username, newPassword);
    await page.goto('/profile/account');
    await page.getByRole('heading', { level: 2, name: 'Password' }).waitFor();
    // Seed 000: "On the Account tab, click Change Password."
    await page.getByRole('link', { name: 'Change Password' }).click();
    await waitForPath(page, '/profile/password');
    await page.getByRole('heading', { level: 2, name: 'Change Password' }).waitFor();

    const save = page.getByRole('button', { name: 'Save' });
    await field(page, 'Current Password').fill('Not-My-Password-99');
    await field(page, 'New Password').fill('Quarry-Sparrow-5150');
    await field(page, 'Confirm New Password').fill('Quarry-Sparrow-5150');
    await save.click();
    await page.getByRole('alert').filter({ hasText: 'The current password is incorrect.' }).waitFor();
    // The wrong entry is cleared and focus goes back to it; the new password stays.
    expect(await field(page, 'Current Password').inputValue()).toBe('');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('current-password');
    expect(await field(page, 'New Password').inputValue()).toBe('Quarry-Sparrow-5150');
    expect(await save.isDisabled()).toBe(true);
    await expectAccessible(page, 'change-password-06-wrong-current-password');

    // Going back to the previous password: only the server knows it was used, and says so.
    await field(page, 'Current Password').fill(newPassword);
    await field(page, 'New Password').fill(firstPassword);
    await field(page, 'Confirm New Password').fill(firstPassword);
    await checklistSettled(page);
    expect(await save.isEnabled()).toBe(true);
    await save.click();
    await page.getByRole('alert').filter({ hasText: 'The password does not meet the password rules.' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Is not one of your recent passwords');
    expect(await ruleLook(page, 'notReused')).toEqual({ state: 'unmet', color: red, icon: 'cross' });
    expect(await save.isDisabled()).toBe(true);
    await expectAccessible(page, 'change-password-07-recent-password');
    expect(await meStatus(page)).toBe(200);

    // WCAG 1.4.10: at 320 CSS px the rule list sits below the field and nothing scrolls sideways.
    await page.setViewportSize({ width: 320, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, 'horizontal overflow at 320 px').toBeLessThanOrEqual(0);
    await expectAccessible(page, 'change-password-08-320px');
  });

  it('raised no uncaught errors in the pages', () => {
    expect(journey.pageErrors).toEqual([]);
  });
});

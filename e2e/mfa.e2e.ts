import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateBootstrapAdmin, arrowToTab, expectAccessible, expectAccessibleNarrow, logOut, pageApi, meStatus, startJourney, totpCode, waitForPath, type BootstrapAdmin, type Journey } from './journeys.ts';

/**
 * The second factor (issue 12) in Chromium, keyboard first, axe on every state: the administrator sets up
 * TOTP by typing a secret (seed 001's MFA Secret), signs out and in again with a code computed here, then
 * with a recovery code, ends another session, and turns MFA off; then a policy that requires MFA for
 * agents makes an agent enrol at sign-in through the same screens.
 */

const password = 'Harbour-Lantern-2048';
const agentPassword = 'Quiet-Orchard-Lantern-77';
/** What the person types: lower case with spaces, as an authenticator app or a letter prints it. */
const typedSecret = 'jbsw y3dp ehpk 3pxp';
const secret = 'JBSWY3DPEHPK3PXP';

let journey: Journey;
let admin: BootstrapAdmin;
let page: Page;

beforeAll(async () => {
  journey = await startJourney();
  admin = await activateBootstrapAdmin(journey.server, password);
  page = await journey.newPage();
});

afterAll(async () => {
  await journey?.close();
});

/** Username and password on /login, Submit; stays on /login when a second step follows. */
async function passwordStep(target: Page, username: string, secretWord: string): Promise<void> {
  await target.goto('/login');
  await target.getByRole('heading', { level: 1, name: 'Sign in to Lanyard' }).waitFor();
  await target.getByRole('textbox', { name: 'Username' }).fill(username);
  await target.getByLabel('Password', { exact: true }).fill(secretWord);
  await target.getByRole('button', { name: 'Submit' }).press('Enter');
}

async function openSecurityTab(target: Page): Promise<void> {
  await target.goto('/profile/general');
  await target.getByRole('tab', { name: 'General' }).focus();
  await arrowToTab(target, 'Security');
  await target.keyboard.press('Enter');
  await waitForPath(target, '/profile/security');
  await target.getByRole('heading', { level: 2, name: 'Multi-factor authentication (MFA)' }).waitFor();
}

/** The ten codes the recovery-codes panel shows. */
async function shownRecoveryCodes(target: Page): Promise<string[]> {
  const list = target.getByRole('list', { name: 'Recovery codes' });
  await list.waitFor();
  return (await list.locator('code').allTextContents()).map((code) => code.trim());
}

let recoveryCodes: string[] = [];

describe('Second factor in Chromium', () => {
  it('sets up MFA by typing a secret: the period, the QR code and secret shown back, a code confirms it, ten recovery codes to download', async () => {
    await passwordStep(page, admin.username, password);
    await waitForPath(page, '/admin/users');
    await openSecurityTab(page);
    expect(await page.locator('[data-mfa-status]').getAttribute('data-mfa-status')).toBe('off');
    // Where you are signed in: this browser, marked as such, with nothing to sign out.
    const sessions = page.getByRole('table', { name: 'Your sessions' });
    await sessions.locator('tr[data-current="true"]').waitFor();
    expect(await sessions.locator('tbody tr').count()).toBe(1);
    expect(await sessions.textContent()).toContain('This device');
    expect(await sessions.textContent()).toMatch(/Chrome|Chromium/);
    await expectAccessible(page, 'mfa-01-security-tab');

    await page.getByRole('button', { name: 'Set up MFA' }).press('Enter');
    const form = page.getByRole('form', { name: 'Set up MFA' });
    await form.waitFor();
    // "Enter your MFA secret one of the following ways": the keyboard moves to "Type a secret".
    await form.getByRole('radio', { name: /Scan a QR code/ }).focus();
    await page.keyboard.press('ArrowDown');
    expect(await form.getByRole('radio', { name: /Type a secret/ }).isChecked()).toBe(true);
    const secretField = form.getByRole('textbox', { name: 'Your MFA secret' });
    // A secret of 15 characters is refused with the code's message, on the field.
    await secretField.fill('JBSWY3DPEHPK3PX');
    await form.getByLabel('Current password').fill(password);
    await form.getByRole('button', { name: 'Continue' }).press('Enter');
    await form.getByText('The secret must be Base32').waitFor();
    expect(await secretField.getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'mfa-02-secret-refused');

    await secretField.fill(typedSecret);
    await form.getByLabel('Current password').fill(password);
    expect(await form.textContent()).toContain('How often the MFA key changes, measured in seconds. The default value is 30.');
    await form.getByRole('button', { name: 'Continue' }).press('Enter');

    const confirm = page.getByRole('form', { name: 'Confirm your authenticator app' });
    await confirm.waitFor();
    // The secret typed comes back grouped as apps print it, with the QR code of the same secret.
    expect((await confirm.locator('[data-field="mfa-secret"]').textContent())?.replaceAll(' ', '')).toBe(secret);
    expect(await confirm.getByRole('img', { name: /QR code/ }).getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    const codeField = confirm.getByRole('textbox', { name: 'Authentication code' });
    expect(await codeField.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await codeField.getAttribute('inputmode')).toBe('numeric');
    await expectAccessible(page, 'mfa-03-confirm');
    await expectAccessibleNarrow(page, 'mfa-03-confirm');

    // A wrong code is refused and nothing is turned on.
    await codeField.fill('000000');
    await codeField.press('Enter');
    await confirm.getByRole('alert').getByText('The authentication code is not valid').waitFor();
    await codeField.fill(totpCode(secret));
    await codeField.press('Enter');

    recoveryCodes = await shownRecoveryCodes(page);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    await page.getByText('Multi-factor authentication is on.').waitFor();
    await expectAccessible(page, 'mfa-04-recovery-codes');
    await expectAccessibleNarrow(page, 'mfa-04-recovery-codes');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe('lanyard-recovery-codes.txt');
    const saved = await readFile(await download.path(), 'utf8');
    for (const code of recoveryCodes) expect(saved).toContain(code);
    await page.getByRole('button', { name: 'Done' }).press('Enter');
    await page.locator('[data-mfa-status="on"]').waitFor();
    expect(await page.locator('.mfa-status').textContent()).toContain('10 unused codes');
    expect(await page.locator('.mfa-status').textContent()).toContain('30 seconds');
    await expectAccessible(page, 'mfa-05-on');
  });

  it('signs out and in again: the password, then the authentication code computed here', async () => {
    await logOut(page, admin);
    await passwordStep(page, admin.username, password);
    const heading = page.getByRole('heading', { level: 1, name: 'Enter your authentication code' });
    await heading.waitFor();
    // No session before the second step.
    expect(await meStatus(page)).toBe(401);
    const codeField = page.getByRole('textbox', { name: 'Authentication code' });
    expect(await codeField.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('code');
    await expectAccessible(page, 'mfa-06-code-step');
    await expectAccessibleNarrow(page, 'mfa-06-code-step');
    await codeField.fill('123456');
    await codeField.press('Enter');
    await page.getByRole('alert').getByText('The authentication code is not valid').waitFor();
    // The step after the one that confirmed the enrolment: within the server's ±1 step, and not a replay.
    await codeField.fill(totpCode(secret, 1));
    await codeField.press('Enter');
    await waitForPath(page, '/admin/users');
    expect(await meStatus(page)).toBe(200);
  });

  it('signs in with a recovery code instead; the code works once', async () => {
    await logOut(page, admin);
    await passwordStep(page, admin.username, password);
    await page.getByRole('heading', { level: 1, name: 'Enter your authentication code' }).waitFor();
    await page.getByRole('button', { name: 'Use a recovery code' }).press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Enter a recovery code' }).waitFor();
    await expectAccessible(page, 'mfa-07-recovery-step');
    const field = page.getByRole('textbox', { name: 'Recovery code' });
    await field.fill((recoveryCodes[0] ?? '').toUpperCase());
    await field.press('Enter');
    await waitForPath(page, '/admin/users');

    // The same code again, in another browser: refused.
    const other = await journey.newPage();
    await passwordStep(other, admin.username, password);
    await other.getByRole('button', { name: 'Use a recovery code' }).click();
    await other.getByRole('textbox', { name: 'Recovery code' }).fill(recoveryCodes[0] ?? '');
    await other.getByRole('textbox', { name: 'Recovery code' }).press('Enter');
    await other.getByRole('alert').getByText('The authentication code is not valid').waitFor();
    expect(await meStatus(other)).toBe(401);
    await other.close();
  });

  it('ends another session from the sessions list: that browser is signed out at once', async () => {
    const other = await journey.newPage();
    await passwordStep(other, admin.username, password);
    await other.getByRole('button', { name: 'Use a recovery code' }).click();
    await other.getByRole('textbox', { name: 'Recovery code' }).fill(recoveryCodes[1] ?? '');
    await other.getByRole('textbox', { name: 'Recovery code' }).press('Enter');
    await waitForPath(other, '/admin/users');
    expect(await meStatus(other)).toBe(200);

    await openSecurityTab(page);
    const sessions = page.getByRole('table', { name: 'Your sessions' });
    await sessions.locator('tbody tr').nth(1).waitFor();
    expect(await sessions.locator('tbody tr').count()).toBe(2);
    expect(await page.locator('.mfa-status').textContent()).toContain('8 unused codes');
    await expectAccessible(page, 'mfa-08-two-sessions');
    await expectAccessibleNarrow(page, 'mfa-08-two-sessions');
    const signOut = sessions.getByRole('button', { name: /^Sign out / });
    expect(await signOut.count()).toBe(1);
    await signOut.focus();
    await page.keyboard.press('Enter');
    await page.getByText('That device was signed out.').waitFor();
    await sessions.locator('tbody tr').nth(1).waitFor({ state: 'detached' });
    expect(await meStatus(other)).toBe(401);
    expect(await meStatus(page)).toBe(200);
    await other.reload();
    await waitForPath(other, '/login');
  });

  it('turns MFA off only with the current password', async () => {
    await page.getByRole('button', { name: 'Turn off MFA' }).press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Turn off multi-factor authentication?' });
    await dialog.waitFor();
    await expectAccessible(page, 'mfa-09-turn-off');
    await dialog.getByLabel('Current password').fill('Not-The-Password-1');
    await dialog.getByLabel('Current password').press('Enter');
    await dialog.getByRole('alert').getByText('The current password is incorrect.').waitFor();
    expect(await page.locator('[data-mfa-status]').getAttribute('data-mfa-status')).toBe('on');
    await dialog.getByLabel('Current password').fill(password);
    await dialog.getByLabel('Current password').press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('Multi-factor authentication is off.').waitFor();
    await page.locator('[data-mfa-status="off"]').waitFor();
  });

  it('requires MFA for agents (Administration › Security › MFA policy): an agent enrols at sign-in through the same screens', async () => {
    const roles = (await pageApi(page, 'GET', '/admin/roles')).json as { items: { id: string; name: string }[] };
    const agentRole = roles.items.find((role) => role.name === 'Agent');
    const invited = await pageApi(page, 'POST', '/admin/users', { username: 'ana.agent', email: 'ana.agent@example.com', firstName: 'Ana', lastName: 'Agent', roleId: agentRole?.id });
    expect(invited.status).toBe(201);
    const email = await journey.server.waitForEmail((raw) => raw.includes('ana.agent@example.com'));
    const token = /first-access\/([A-Za-z0-9_-]+)/.exec(email.raw.replaceAll('=\r\n', '').replaceAll('=\n', ''))?.[1] ?? '';
    const accepted = await fetch(`${journey.server.baseUrl}/api/v1/invitations/${token}/accept`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ password: agentPassword }) });
    expect(accepted.status).toBeLessThan(300);

    await page.goto('/admin/security');
    const section = page.locator('[data-policy="mfa"]');
    await section.getByRole('heading', { level: 2, name: 'MFA policy' }).waitFor();
    await section.getByRole('radio', { name: /Optional/ }).waitFor();
    expect(await section.getByRole('radio', { name: /Optional/ }).isChecked()).toBe(true);
    await section.getByRole('radio', { name: /Optional/ }).focus();
    await page.keyboard.press('ArrowDown');
    expect(await section.getByRole('radio', { name: /Required for chosen roles/ }).isChecked()).toBe(true);
    // Saving is held back until a role is chosen.
    expect(await section.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await section.getByRole('checkbox', { name: 'Agent' }).focus();
    await page.keyboard.press('Space');
    await section.getByRole('checkbox', { name: /60 seconds/ }).focus();
    await page.keyboard.press('Space');
    await expectAccessible(page, 'mfa-10-policy');
    await expectAccessibleNarrow(page, 'mfa-10-policy');
    await section.getByRole('button', { name: 'Save' }).press('Enter');
    await page.getByText('The MFA policy was saved.').waitFor();
    const saved = (await pageApi(page, 'GET', '/admin/security/mfa-policy')).json;
    expect(saved).toEqual({ mode: 'required', requiredRoleIds: [agentRole?.id], allowedPeriods: [30, 60] });

    const agent = await journey.newPage();
    await passwordStep(agent, 'ana.agent', agentPassword);
    await agent.getByRole('heading', { level: 1, name: 'Set up multi-factor authentication' }).waitFor();
    expect(await meStatus(agent)).toBe(401);
    await expectAccessible(agent, 'mfa-11-forced-enrolment');
    await expectAccessibleNarrow(agent, 'mfa-11-forced-enrolment');
    // Lanyard creates the secret; the agent picks the 60-second period their organisation allows.
    await agent.getByRole('radio', { name: '30 seconds' }).focus();
    await agent.keyboard.press('ArrowDown');
    expect(await agent.getByRole('radio', { name: '60 seconds' }).isChecked()).toBe(true);
    await agent.getByRole('button', { name: 'Continue' }).press('Enter');
    const shown = agent.locator('[data-field="mfa-secret"]');
    await shown.waitFor();
    const generated = ((await shown.textContent()) ?? '').replaceAll(' ', '');
    expect(generated).toMatch(/^[A-Z2-7]{32}$/);
    expect(await agent.textContent('body')).toContain('The code changes every 60 seconds.');
    await expectAccessible(agent, 'mfa-12-forced-scan');
    const codeField = agent.getByRole('textbox', { name: 'Authentication code' });
    await codeField.fill(totpCode(generated, 0, 60));
    await codeField.press('Enter');
    await agent.getByRole('heading', { level: 1, name: 'Multi-factor authentication is on' }).waitFor();
    expect(await shownRecoveryCodes(agent)).toHaveLength(10);
    await expectAccessible(agent, 'mfa-13-forced-codes');
    await agent.getByRole('button', { name: 'Continue to Lanyard' }).press('Enter');
    await waitForPath(agent, '/profile/general');

    await openSecurityTab(agent);
    await agent.locator('[data-mfa-status="on"]').waitFor();
    expect(await agent.locator('.mfa-status').textContent()).toContain('60 seconds');
    await agent.getByText('Your organisation requires MFA for your role, so it cannot be turned off.').waitFor();
    expect(await agent.getByRole('button', { name: 'Turn off MFA' }).count()).toBe(0);
    await expectAccessible(agent, 'mfa-14-agent-required');

    // The administrator resets the agent's MFA from the agent's page.
    await page.goto('/admin/users');
    await page.getByRole('searchbox', { name: 'Search' }).fill('ana.agent');
    await page.locator('tr[data-username="ana.agent"]').getByRole('link', { name: 'Ana Agent' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ana Agent' }).waitFor();
    await page.getByRole('button', { name: 'Reset MFA' }).press('Enter');
    await page.getByRole('alertdialog', { name: 'Reset MFA for Ana Agent?' }).getByRole('button', { name: 'Reset MFA' }).click();
    await page.getByText('MFA was reset for Ana Agent.').waitFor();
    await journey.server.waitForEmail((raw) => raw.includes('ana.agent@example.com') && /multi-factor/i.test(raw) && /reset/i.test(raw));
    const after = (await pageApi(agent, 'GET', '/me/mfa')).json as { totp: { enabled: boolean } };
    expect(after.totp.enabled).toBe(false);
  });
});

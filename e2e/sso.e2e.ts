import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOidcProvider, type TestOidcProvider } from '../server/src/testing/oidc-test-provider.ts';
import {
  activateBootstrapAdmin,
  expectAccessible,
  expectAccessibleNarrow,
  logOut,
  meStatus,
  pageApi,
  serverApi,
  sessionCookie,
  signIn,
  startJourney,
  tabUntil,
  totpCode,
  waitForPath,
  type BootstrapAdmin,
  type Journey,
} from './journeys.ts';

/**
 * Seed 002's single sign-on, literally, in Chromium against a real OpenID Provider (`oidc-provider`) on
 * 127.0.0.1: an administrator sets the provider up in Administration › Identity providers (Test connection,
 * the redirect URI), then "Click Single Sign-On. Enter your Username. … Click Login. A window to your identity
 * provider opens … When validation is complete, the window closes. A successful login brings you to the User
 * Management window for your default tenant." Also the same flow where pop-ups are blocked (a full-page
 * redirect), the coded errors on the login page, and a tenant that requires MFA: the sign-in asks Lanyard's
 * authentication code after the provider's window closes.
 */

const password = 'Harbour-Lantern-2048';
const callbackPath = '/api/v1/auth/sso/callback';
let journey: Journey;
let provider: TestOidcProvider;
let admin: BootstrapAdmin;

beforeAll(async () => {
  journey = await startJourney();
  provider = await startTestOidcProvider({ redirectUris: [`${journey.server.baseUrl}${callbackPath}`] });
  admin = await activateBootstrapAdmin(journey.server, password);
});

afterAll(async () => {
  await provider?.close();
  await journey?.close();
});

async function openSsoForm(page: Page, username: string): Promise<void> {
  await page.goto('/login');
  await page.getByRole('heading', { level: 1, name: 'Sign in to Lanyard' }).waitFor();
  await page.getByRole('button', { name: 'Single Sign-On' }).click();
  await page.getByRole('textbox', { name: 'Username' }).fill(username);
}

describe('Single sign-on in Chromium', () => {
  it('an administrator adds the identity provider, tests the connection and copies the redirect URI', async () => {
    const page = await journey.newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: journey.server.baseUrl });
    await signIn(page, admin.username, password);
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Identity providers' }).click();
    await waitForPath(page, '/admin/identity-providers');
    await page.getByRole('heading', { level: 1, name: 'Identity providers' }).waitFor();
    await page.getByText('No identity provider yet.', { exact: false }).waitFor();
    expect(await page.getByTestId('redirect-uri').textContent()).toBe(`${journey.server.baseUrl}${callbackPath}`);
    await page.getByRole('button', { name: 'Copy redirect URI' }).click();
    await page.getByText('Redirect URI copied', { exact: false }).first().waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${journey.server.baseUrl}${callbackPath}`);
    await expectAccessible(page, 'sso-admin-empty');

    await page.getByRole('button', { name: 'Add identity provider' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Test provider');
    await dialog.getByRole('textbox', { name: 'Issuer' }).fill(provider.issuer);
    await dialog.getByRole('textbox', { name: 'Client ID' }).fill(provider.clientId);
    await dialog.getByLabel('Client secret').fill(provider.clientSecret);
    await dialog.getByText('Default provider').click();
    await dialog.getByText('Link accounts automatically by verified email').click();
    // What counts as a second factor at the provider (beside amr mfa, otp, hwk, sms).
    await dialog.getByRole('textbox', { name: 'Context classes that count as a second factor (acr)' }).fill('urn:example:loa:mfa');
    await expectAccessible(page, 'sso-admin-add');
    await expectAccessibleNarrow(page, 'sso-admin-add');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Test provider was added.').waitFor();
    const row = page.locator('tr[data-provider="Test provider"]');
    await row.waitFor();
    expect(await row.textContent()).toContain(provider.issuer);
    expect(await row.textContent()).toContain('Default');

    // The secret is never answered.
    const listed = await pageApi(page, 'GET', '/admin/identity-providers');
    expect(JSON.stringify(listed.json)).not.toContain(provider.clientSecret);
    expect(listed.json).toMatchObject({ items: [{ mfaAssurance: { acr: ['urn:example:loa:mfa'] } }] });

    await page.getByRole('button', { name: 'Test connection to Test provider' }).click();
    await page.getByText('Test provider: the connection works.').waitFor();
    for (const check of ['discovery', 'issuer', 'authorizationEndpoint', 'tokenEndpoint', 'jwks', 'codeFlow', 'pkceS256', 'signingAlgorithms']) {
      expect(await page.locator(`li[data-check="${check}"]`).getAttribute('data-ok'), check).toBe('true');
    }
    await expectAccessible(page, 'sso-admin-list');
    await expectAccessibleNarrow(page, 'sso-admin-list');

    // Edit: the secret field may stay empty (the stored secret is kept).
    await page.getByRole('button', { name: 'Edit Test provider' }).click();
    await page.getByRole('dialog').getByRole('textbox', { name: 'Name' }).fill('Lanyard test provider');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await page.getByText('Lanyard test provider was saved.').waitFor();
    await page.locator('tr[data-provider="Lanyard test provider"]').waitFor();

    await logOut(page, admin);
  });

  it("walks the seed: Single Sign-On › Username › Login › the provider's window › it closes › User Management", async () => {
    provider.signInAs('admin-subject-1', { email: admin.email, email_verified: true });
    const page = await journey.newPage();
    await openSsoForm(page, admin.username);
    await expectAccessible(page, 'sso-login');
    await expectAccessibleNarrow(page, 'sso-login');

    const popupOpened = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Login' }).click();
    const popup = await popupOpened;
    // The provider validates and sends the window back to the callback, which tells the console and closes it.
    await popup.waitForEvent('close', { timeout: 15_000 });
    await waitForPath(page, '/admin/users');
    await page.getByRole('heading', { level: 1, name: 'User Management' }).waitFor();
    expect(await pageApi(page, 'GET', '/me').then((answer) => answer.status)).toBe(200);
    const links = await pageApi(page, 'GET', '/me/identity-links');
    expect(links.json).toMatchObject({ items: [{ providerName: 'Lanyard test provider', subject: 'admin-subject-1' }] });
    await expectAccessible(page, 'sso-landed');
  });

  it('where pop-ups are blocked, the same sign-in runs as a full-page redirect', async () => {
    const page = await journey.newPage();
    await page.addInitScript(() => {
      window.open = () => null;
    });
    await openSsoForm(page, admin.username);
    await page.getByRole('button', { name: 'Login' }).click();
    await waitForPath(page, '/admin/users');
    await page.getByRole('heading', { level: 1, name: 'User Management' }).waitFor();
    expect(await pageApi(page, 'GET', '/me').then((answer) => answer.status)).toBe(200);
  });

  it('My Profile › Account lists the linked provider; Unlink needs the current password; Link runs the pop-up', async () => {
    const page = await journey.newPage();
    await signIn(page, admin.username, password);
    await page.goto('/profile/account');
    const section = page.getByRole('region', { name: 'Identity providers' });
    const linked = section.locator('li[data-link="Lanyard test provider"]');
    await linked.waitFor();
    expect(await linked.textContent()).toContain(admin.email);
    await expectAccessible(page, 'sso-account-links');
    await expectAccessibleNarrow(page, 'sso-account-links');

    await section.getByRole('button', { name: 'Unlink Lanyard test provider' }).click();
    const dialog = page.getByRole('alertdialog').or(page.getByRole('dialog'));
    await dialog.getByLabel('Current password').fill('not-my-password-at-all');
    await dialog.getByRole('button', { name: 'Unlink' }).click();
    await dialog.getByRole('alert').waitFor();
    expect(await pageApi(page, 'GET', '/me/identity-links').then((answer) => (answer.json as { items: unknown[] }).items.length)).toBe(1);
    await dialog.getByLabel('Current password').fill(password);
    await expectAccessible(page, 'sso-account-unlink');
    await dialog.getByRole('button', { name: 'Unlink' }).click();
    await page.getByText('Lanyard test provider was unlinked.').waitFor();
    await section.getByText('Your account is not linked to an identity provider.').waitFor();

    provider.signInAs('admin-subject-1', { email: admin.email, email_verified: true });
    const popupOpened = page.waitForEvent('popup');
    await section.getByRole('button', { name: 'Link Lanyard test provider' }).click();
    const popup = await popupOpened;
    await popup.waitForEvent('close', { timeout: 15_000 });
    await page.getByText('Your account is linked to the identity provider.').waitFor();
    await linked.waitFor();
    expect(new URL(page.url()).pathname).toBe('/profile/account');

    // Seed 001's Admin › My Account › Details shows the same section.
    await page.goto('/my-account/details');
    await page.getByRole('region', { name: 'Identity providers' }).locator('li[data-link="Lanyard test provider"]').waitFor();
    await expectAccessible(page, 'sso-my-account-links');
    await expectAccessibleNarrow(page, 'sso-my-account-links');
  });

  it('says so on the login page, coded, when single sign-on did not succeed (a name no provider serves fails after the window, like a known one would)', async () => {
    const page = await journey.newPage();
    // Keyboard only: Single Sign-On, then the Username (focused), Enter to Login.
    await page.goto('/login');
    await page.getByRole('heading', { level: 1, name: 'Sign in to Lanyard' }).waitFor();
    await tabUntil(page, () => document.activeElement?.textContent === 'Single Sign-On', 20);
    await page.keyboard.press('Enter');
    await page.getByRole('textbox', { name: 'Username' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('username');
    await page.keyboard.type('someone@unclaimed.example');
    const popupOpened = page.waitForEvent('popup');
    await page.keyboard.press('Enter');
    await (await popupOpened).waitForEvent('close', { timeout: 15_000 });
    await page.getByRole('alert').getByText('Single sign-on did not succeed.', { exact: false }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await expectAccessible(page, 'sso-failed');

    // A failed full-page flow comes back as /login?error=SSO_FAILED.
    await page.goto('/login?error=SSO_FAILED');
    await page.getByRole('alert').getByText('Single sign-on did not succeed.', { exact: false }).waitFor();
    // A code the login page does not expect is not shown.
    await page.goto('/login?error=<b>x</b>');
    await page.getByRole('heading', { level: 1, name: 'Sign in to Lanyard' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('in a tenant that requires MFA of the role, asks the authentication code after the provider (which asserted none), then signs in', async () => {
    // The administrator sets up TOTP, and the tenant requires MFA of Administrators (as a script would, through the API).
    const cookie = await sessionCookie(journey.server, admin.username, password);
    const started = await serverApi(journey.server, cookie, 'POST', '/me/mfa/totp', { currentPassword: password });
    const secret = String(started.json?.secret);
    expect((await serverApi(journey.server, cookie, 'POST', '/me/mfa/totp/confirm', { code: totpCode(secret) })).status).toBe(200);
    const roles = (await serverApi(journey.server, cookie, 'GET', '/admin/roles')).json?.items as { id: string; name: string }[];
    const administrator = roles.find((role) => role.name === 'Administrator');
    expect((await serverApi(journey.server, cookie, 'PUT', '/admin/security/mfa-policy', { mode: 'required', requiredRoleIds: [administrator?.id], allowedPeriods: [30] })).status).toBe(200);

    provider.signInAs('admin-subject-1', { email: admin.email, email_verified: true }, { amr: ['pwd'] });
    const page = await journey.newPage();
    await openSsoForm(page, admin.username);
    const popupOpened = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Login' }).click();
    await (await popupOpened).waitForEvent('close', { timeout: 15_000 });
    // The window closed without a session: the console asks the code, as after a password.
    await page.getByRole('heading', { level: 1, name: 'Enter your authentication code' }).waitFor();
    expect(await meStatus(page)).toBe(401);
    await expectAccessible(page, 'sso-second-step');
    await expectAccessibleNarrow(page, 'sso-second-step');
    const codeField = page.getByRole('textbox', { name: 'Authentication code' });
    await codeField.fill('000000');
    await codeField.press('Enter');
    await page.getByRole('alert').getByText('The authentication code is not valid', { exact: false }).waitFor();
    expect(await meStatus(page)).toBe(401);
    await codeField.fill(totpCode(secret, 1));
    await codeField.press('Enter');
    await waitForPath(page, '/admin/users');
    await page.getByRole('heading', { level: 1, name: 'User Management' }).waitFor();
    expect(await meStatus(page)).toBe(200);

    // Where pop-ups are blocked, the page itself comes back to the login page with the challenge in the fragment, which
    // leaves the address bar at once; a recovery code completes it (the code's steps are used up by now).
    const recoveryCodes = (await serverApi(journey.server, cookie, 'POST', '/me/mfa/recovery-codes', { currentPassword: password })).json?.recoveryCodes as string[];
    const full = await journey.newPage();
    await full.addInitScript(() => {
      window.open = () => null;
    });
    await openSsoForm(full, admin.username);
    await full.getByRole('button', { name: 'Login' }).click();
    await full.getByRole('heading', { level: 1, name: 'Enter your authentication code' }).waitFor();
    expect(new URL(full.url()).pathname).toBe('/login');
    expect(new URL(full.url()).hash).toBe('');
    expect(await meStatus(full)).toBe(401);
    await full.getByRole('button', { name: 'Use a recovery code' }).click();
    await full.getByRole('textbox', { name: 'Recovery code' }).fill(recoveryCodes[0] ?? '');
    await full.getByRole('textbox', { name: 'Recovery code' }).press('Enter');
    await waitForPath(full, '/admin/users');
    expect(await meStatus(full)).toBe(200);
  });

  it('raised no page errors', () => {
    expect(journey.pageErrors).toEqual([]);
  });
});

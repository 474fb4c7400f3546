import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activateBootstrapAdmin,
  expectAccessible,
  expectAccessibleNarrow,
  inviteWithPassword,
  joinTenant,
  lanyardCli,
  pageApi,
  serverApi,
  sessionCookie,
  signIn,
  startJourney,
  totpCode,
  waitForPath,
  type BootstrapAdmin,
  type Journey,
} from './journeys.ts';

/**
 * Switching tenants into one whose MFA policy requires a factor of the person's role there (issue 15), in Chromium: the tenant
 * picker takes the person through the sign-in's forced enrolment (code computed here), and they land in that tenant; the old
 * session is ended. Axe on each state, 390 px on the enrolment screen.
 */

const password = 'Harbour-Lantern-2048';
const secureTenant = 'Harbour Secure';

let journey: Journey;
let admin: BootstrapAdmin;

beforeAll(async () => {
  journey = await startJourney();
  admin = await activateBootstrapAdmin(journey.server, password);
});

afterAll(async () => {
  await journey?.close();
});

/** The CLI, the API and a session cookie as a script would use them, against this file's server. */
const lanyard = (...args: string[]) => lanyardCli(journey.server, ...args);
const api = (cookie: string, method: string, path: string, body?: unknown) => serverApi(journey.server, cookie, method, path, body);
const cookieOf = (username: string, secret: string) => sessionCookie(journey.server, username, secret);

describe('switching into a tenant that requires MFA', () => {
  it('runs the forced enrolment from the top bar, then lands in that tenant; the old session is ended', async () => {
    // A second tenant whose policy requires MFA of agents, where the administrator of the first is an agent.
    await lanyard('tenant', 'create', secureTenant);
    await inviteWithPassword(journey.server, password, '--tenant', secureTenant, '--username', 'boss.secure', '--email', 'boss.secure@example.test', '--role', 'Administrator');
    const boss = await cookieOf('boss.secure', password);
    const roles = (await api(boss, 'GET', '/admin/roles')).json?.items as { id: string; name: string }[];
    const agentRole = roles.find((role) => role.name === 'Agent');
    await joinTenant(journey.server, boss, admin.username, password, 'Agent');
    expect((await api(boss, 'PUT', '/admin/security/mfa-policy', { mode: 'required', requiredRoleIds: [agentRole?.id], allowedPeriods: [30] })).status).toBe(200);

    const page = await journey.newPage();
    await signIn(page, admin.username, password);
    await waitForPath(page, '/admin/users');
    const firstTenantId = ((await pageApi(page, 'GET', '/me')).json as { tenant: { id: string } }).tenant.id;
    const oldCookie = (await page.context().cookies()).find((cookie) => cookie.name === 'lanyard_session');
    expect(oldCookie).toBeDefined();

    // From the keyboard: the picker, the other tenant.
    await page.getByRole('banner').getByRole('button', { name: /Tenant/ }).focus();
    await page.keyboard.press('Enter');
    const option = page.getByRole('option', { name: secureTenant });
    await option.waitFor();
    for (let presses = 0; presses < 5 && (await option.getAttribute('data-focused')) !== 'true'; presses++) await page.keyboard.press('ArrowDown');
    expect(await option.getAttribute('data-focused')).toBe('true');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Set up multi-factor authentication' }).waitFor();
    await waitForPath(page, '/switch-tenant');
    await page.getByText(`${secureTenant} requires multi-factor authentication for your role there.`).waitFor();
    // Until the enrolment is done, the session still acts in the first tenant.
    expect(((await pageApi(page, 'GET', '/me')).json as { tenant: { id: string } }).tenant.id).toBe(firstTenantId);
    await expectAccessible(page, 'tenant-mfa-01-enrolment');
    await expectAccessibleNarrow(page, 'tenant-mfa-01-enrolment');

    // Lanyard creates the secret; the code is computed here, as the authenticator app would.
    await page.getByRole('button', { name: 'Continue' }).press('Enter');
    const shown = page.locator('[data-field="mfa-secret"]');
    await shown.waitFor();
    const generated = ((await shown.textContent()) ?? '').replaceAll(' ', '');
    expect(generated).toMatch(/^[A-Z2-7]{32}$/);
    await expectAccessible(page, 'tenant-mfa-02-scan');
    await expectAccessibleNarrow(page, 'tenant-mfa-02-scan');
    const codeField = page.getByRole('textbox', { name: 'Authentication code' });
    await codeField.fill(totpCode(generated));
    await codeField.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Multi-factor authentication is on' }).waitFor();
    expect(await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').count()).toBe(10);
    await expectAccessible(page, 'tenant-mfa-03-codes');
    await expectAccessibleNarrow(page, 'tenant-mfa-03-codes');
    await page.getByRole('button', { name: `Continue to ${secureTenant}` }).press('Enter');

    // An agent lands on My Profile, in the other tenant, with that role.
    await waitForPath(page, '/profile/general');
    await page.getByText(`You are now working in ${secureTenant}.`).waitFor();
    const me = (await pageApi(page, 'GET', '/me')).json as { tenant: { name: string }; role: { name: string } };
    expect(me.tenant.name).toBe(secureTenant);
    expect(me.role.name).toBe('Agent');
    await page.getByRole('banner').getByRole('button', { name: new RegExp(secureTenant) }).waitFor();
    await expectAccessible(page, 'tenant-mfa-04-landed');
    // The session of the first tenant was ended when this one opened.
    expect((await api(`lanyard_session=${oldCookie?.value}`, 'GET', '/me')).status).toBe(401);
    expect(journey.pageErrors).toEqual([]);
  });

  it('asks the code of a session opened before the person enrolled, then lands in that tenant', async () => {
    // An agent of the first tenant, also an agent of the secure one (created by the journey above).
    await inviteWithPassword(journey.server, password, '--tenant', admin.tenant, '--username', 'pat.late', '--email', 'pat.late@example.test', '--role', 'Agent');
    await joinTenant(journey.server, await cookieOf('boss.secure', password), 'pat.late', password, 'Agent');

    // Signed in with the password only (no factor yet), then enrolled from this session: it never gave a code.
    const page = await journey.newPage();
    await signIn(page, 'pat.late', password);
    await waitForPath(page, '/profile/general');
    const started = (await pageApi(page, 'POST', '/me/mfa/totp', { currentPassword: password })).json as { secret: string };
    expect((await pageApi(page, 'POST', '/me/mfa/totp/confirm', { code: totpCode(started.secret) })).status).toBe(200);

    await page.getByRole('banner').getByRole('button', { name: /Tenant/ }).click();
    await page.getByRole('option', { name: secureTenant }).click();
    await page.getByRole('heading', { level: 1, name: 'Enter your authentication code' }).waitFor();
    await waitForPath(page, '/switch-tenant');
    await page.getByText(`${secureTenant} requires multi-factor authentication for your role there. Enter the code from your authenticator app`).waitFor();
    await expectAccessible(page, 'tenant-mfa-05-code');
    await expectAccessibleNarrow(page, 'tenant-mfa-05-code');
    // The code that confirmed the enrolment was used: the next period's is typed, as the app would show it then.
    const field = page.getByRole('textbox', { name: 'Authentication code' });
    await field.fill(totpCode(started.secret, 1));
    await field.press('Enter');
    await waitForPath(page, '/profile/general');
    const me = (await pageApi(page, 'GET', '/me')).json as { tenant: { name: string } };
    expect(me.tenant.name).toBe(secureTenant);
    expect(journey.pageErrors).toEqual([]);
  });
});

import type { Page } from 'playwright-core';
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
  waitForPath,
  type BootstrapAdmin,
  type Journey,
} from './journeys.ts';

/**
 * Tenant boundaries in Chromium (issue 20): the user page of a person whose account another tenant manages offers only what this
 * tenant may do — their membership — and says why; disabling stops only their use of this tenant; removing them takes them out of
 * this tenant and leaves their account. Axe at 1280 and 390 px.
 */

const password = 'Harbour-Lantern-2048';

let journey: Journey;
let admin: BootstrapAdmin;
let page: Page;

beforeAll(async () => {
  journey = await startJourney();
  admin = await activateBootstrapAdmin(journey.server, password);
  page = await journey.newPage();
  await signIn(page, admin.username, password);
  await waitForPath(page, '/admin/users');
});

afterAll(async () => {
  await journey?.close();
});

/** Where a password sign-in lands, through the API. */
async function landingTenantOf(username: string): Promise<string> {
  const cookie = await sessionCookie(journey.server, username, password);
  const me = await serverApi(journey.server, cookie, 'GET', '/me');
  return (me.json as { tenant: { name: string } }).tenant.name;
}

describe('a person managed by another tenant', () => {
  it('offers only membership actions, disables only this membership, and removes them from this tenant alone', async () => {
    await lanyardCli(journey.server, 'tenant', 'create', 'Harbour B');
    await inviteWithPassword(journey.server, password, '--tenant', 'Harbour B', '--username', 'pat.b', '--email', 'pat.b@example.test', '--role', 'Agent', '--first-name', 'Pat', '--last-name', 'Bay');
    // Invited to this tenant, and accepted by the person, signed in.
    await joinTenant(journey.server, await sessionCookie(journey.server, admin.username, password), 'pat.b', password, 'Agent');
    const found = (await pageApi(page, 'GET', '/admin/users?q=pat.b')).json as { items: { id: string }[] };
    const patId = found.items[0]?.id ?? '';

    await page.goto(`/admin/users/${patId}`);
    await page.getByRole('heading', { level: 1, name: 'Pat Bay' }).waitFor();
    await page.getByText('This account is managed by another tenant').waitFor();
    expect(await page.locator('[data-field="managed-by"]').textContent()).toBe('Another tenant');
    const actions = page.getByRole('region', { name: 'Actions' });
    expect(await actions.getByRole('button').allTextContents()).toEqual(['Disable', 'Remove from tenant']);
    await expectAccessible(page, 'tenant-boundaries-managed-elsewhere');
    await expectAccessibleNarrow(page, 'tenant-boundaries-managed-elsewhere');

    // Disable: the dialog says it stops only this tenant; the person still signs in to Harbour B.
    await actions.getByRole('button', { name: 'Disable' }).click();
    const disableDialog = page.getByRole('alertdialog', { name: 'Disable Pat Bay?' });
    await disableDialog.waitFor();
    await expectAccessible(page, 'tenant-boundaries-disable-membership');
    await disableDialog.getByText(`cannot sign in to or switch into ${admin.tenant}`, { exact: false }).waitFor();
    await disableDialog.getByRole('button', { name: 'Disable' }).click();
    await page.getByText(`Pat Bay can no longer use ${admin.tenant}.`).waitFor();
    await actions.getByRole('button', { name: 'Enable' }).waitFor();
    expect(await landingTenantOf('pat.b')).toBe('Harbour B');

    // Remove from tenant: back to the list, the person is gone from it; their account still works in Harbour B.
    await actions.getByRole('button', { name: 'Remove from tenant' }).click();
    const removeDialog = page.getByRole('alertdialog', { name: `Remove Pat Bay from ${admin.tenant}?` });
    await removeDialog.waitFor();
    await expectAccessible(page, 'tenant-boundaries-remove');
    await expectAccessibleNarrow(page, 'tenant-boundaries-remove');
    await removeDialog.getByRole('button', { name: 'Remove from tenant' }).click();
    await waitForPath(page, '/admin/users');
    await page.getByText(`Pat Bay was removed from ${admin.tenant}.`).waitFor();
    await page.getByRole('heading', { level: 1, name: 'User Management' }).waitFor();
    expect(await page.locator('tr[data-username="pat.b"]').count()).toBe(0);
    expect(await landingTenantOf('pat.b')).toBe('Harbour B');
    await expectAccessible(page, 'tenant-boundaries-removed');
  });

  it("shows this tenant as the manager of its own people, with every action", async () => {
    await inviteWithPassword(journey.server, password, '--tenant', admin.tenant, '--username', 'ruth.local', '--email', 'ruth.local@example.test', '--role', 'Agent', '--first-name', 'Ruth', '--last-name', 'Local');
    const found = (await pageApi(page, 'GET', '/admin/users?q=ruth.local')).json as { items: { id: string }[] };
    await page.goto(`/admin/users/${found.items[0]?.id ?? ''}`);
    await page.getByRole('heading', { level: 1, name: 'Ruth Local' }).waitFor();
    expect(await page.locator('[data-field="managed-by"]').textContent()).toBe(`This tenant (${admin.tenant})`);
    const actions = page.getByRole('region', { name: 'Actions' });
    expect(await actions.getByRole('button').allTextContents()).toEqual(['Disable', 'Send password reset', 'One-time unlock code', 'Remove from tenant']);
  });
});

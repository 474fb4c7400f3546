import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activateBootstrapAdmin,
  expectAccessible,
  expectAccessibleNarrow,
  inviteWithPassword,
  lanyardCli,
  pageApi,
  signIn,
  startJourney,
  waitForEmailWithSubject,
  waitForPath,
  type BootstrapAdmin,
  type Journey,
} from './journeys.ts';

/**
 * Administration › Users for members (issue 15) in Chromium: a user's presence reason list chosen on their
 * page, and a person of another tenant added to this one with Add existing user. Axe on every new state,
 * and at 390 px.
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

/** Invites a person with the CLI and sets their password through the first-access link. */
function personWithPassword(tenant: string, username: string, role: string, firstName: string, lastName: string): Promise<void> {
  return inviteWithPassword(journey.server, password, '--tenant', tenant, '--username', username, '--email', `${username}@example.test`, '--role', role, '--first-name', firstName, '--last-name', lastName);
}

/** The status of a password sign-in through the API (no browser), and its error code if refused. */
async function signInStatus(username: string): Promise<{ status: number; code: string | undefined }> {
  const response = await fetch(`${journey.server.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: journey.server.baseUrl },
    body: JSON.stringify({ username, password }),
  });
  const body = (await response.json()) as { error?: { code?: string } };
  return { status: response.status, code: body.error?.code };
}

/** The select field labelled `label`. */
function selectField(label: string) {
  return page.locator('.select-field').filter({ has: page.locator('.field-label', { hasText: new RegExp(`^${label.replace(/[()]/g, '\\$&')}$`) }) });
}

/** Opens the select field labelled `label` with the keyboard and picks `option`. */
async function choose(label: string, option: string): Promise<void> {
  await selectField(label).getByRole('button').press('Enter');
  await page.getByRole('option', { name: option, exact: true }).press('Enter');
}

describe("a user's presence reason list", () => {
  it('is chosen on the user page, kept after a reload, and lets the agent sign in without a tenant default', async () => {
    const created = await pageApi(page, 'POST', '/admin/presence-reason-lists', { name: 'Night shift', reasons: [{ label: 'Break' }, { label: 'Lunch' }] });
    expect(created.status).toBe(201);
    const nightShift = (created.json as { id: string }).id;
    const lists = (await pageApi(page, 'GET', '/admin/presence-reason-lists')).json as { items: { id: string; name: string; isDefault: boolean }[] };
    const tenantDefault = lists.items.find((list) => list.isDefault);
    expect(tenantDefault?.name).toBe('Default');
    await personWithPassword(admin.tenant, 'nora.agent', 'Agent', 'Nora', 'Quill');
    const found = (await pageApi(page, 'GET', '/admin/users?q=nora.agent')).json as { items: { id: string }[] };
    const agentId = found.items[0]?.id ?? '';

    await page.goto(`/admin/users/${agentId}`);
    await page.getByRole('heading', { level: 1, name: 'Nora Quill' }).waitFor();
    const field = selectField('Presence reason list');
    await field.getByRole('button', { name: /The tenant default \(Default\)/ }).waitFor();
    await expectAccessible(page, 'admin-members-presence-list');
    await choose('Presence reason list', 'Night shift');
    await page.getByText('Nora Quill now uses the presence reason list Night shift.').waitFor();
    await expectAccessible(page, 'admin-members-presence-list-chosen');

    await page.reload();
    await selectField('Presence reason list').getByRole('button', { name: /Night shift/ }).waitFor();
    const detail = (await pageApi(page, 'GET', `/admin/users/${agentId}`)).json as { presenceReasonList: { id: string; name: string } | null };
    expect(detail.presenceReasonList).toEqual({ id: nightShift, name: 'Night shift' });
    await expectAccessibleNarrow(page, 'admin-members-presence-list-chosen');

    // A supervisor (users.view only) sees the list, and cannot change it.
    await personWithPassword(admin.tenant, 'sam.supervisor', 'Supervisor', 'Sam', 'Reed');
    const supervisor = await journey.newPage();
    await signIn(supervisor, 'sam.supervisor', password);
    await supervisor.goto(`/admin/users/${agentId}`);
    await supervisor.getByRole('heading', { level: 1, name: 'Nora Quill' }).waitFor();
    const value = supervisor.locator('[data-field="presence-reason-list"]');
    await value.waitFor();
    expect(await value.textContent()).toBe('Night shift');
    expect(await supervisor.locator('.select-field').count()).toBe(0);
    await expectAccessible(supervisor, 'admin-members-presence-list-read-only');

    // Without a tenant default, the list of her own still lets her sign in; back on the default, she is refused.
    expect((await pageApi(page, 'PUT', '/admin/presence-reason-lists/default', { listId: null })).status).toBe(204);
    expect(await signInStatus('nora.agent')).toEqual({ status: 200, code: undefined });
    await page.reload();
    await choose('Presence reason list', 'The tenant default (none set)');
    await page.getByText('Nora Quill now uses the tenant default presence reason list.').waitFor();
    expect(((await pageApi(page, 'GET', `/admin/users/${agentId}`)).json as { presenceReasonList: unknown }).presenceReasonList).toBeNull();
    expect(await signInStatus('nora.agent')).toEqual({ status: 403, code: 'PRESENCE_REASON_LIST_REQUIRED' });
    expect((await pageApi(page, 'PUT', '/admin/presence-reason-lists/default', { listId: tenantDefault?.id })).status).toBe(204);
  });
});

describe('Add existing user', () => {
  it('invites a person of another tenant: one answer whoever is named; they accept from the prompt after signing in, and the tenant joins their picker', async () => {
    await lanyardCli(journey.server, 'tenant', 'create', 'Harbour B');
    // An administrator there: they land on Administration › Users, where the prompt shows above the page.
    await personWithPassword('Harbour B', 'pat.b', 'Administrator', 'Pat', 'Bay');

    await page.goto('/admin/users');
    await page.getByRole('heading', { level: 1, name: 'User Management' }).waitFor();
    await page.getByRole('button', { name: 'Add existing user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add existing user' });
    const user = dialog.getByRole('textbox', { name: 'Username or email' });
    await user.waitFor();
    expect(await user.evaluate((input) => input === document.activeElement)).toBe(true);
    await selectField('Role').getByRole('button', { name: /Agent/ }).waitFor();
    await expectAccessible(page, 'admin-members-add');
    await expectAccessibleNarrow(page, 'admin-members-add');

    // Nobody by that name: the same confirmation as for a real person, and no field error.
    await user.fill('nobody@example.test');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    const notice = page.locator('.notice');
    await notice.getByText(`Invitation sent. If nobody@example.test has a Lanyard account and is not yet a member, they can accept it for 7 days to join ${admin.tenant} as Agent.`).waitFor();
    await expectAccessible(page, 'admin-members-invitation-sent');
    await expectAccessibleNarrow(page, 'admin-members-invitation-sent');

    await page.getByRole('button', { name: 'Add existing user' }).click();
    await dialog.getByRole('textbox', { name: 'Username or email' }).fill('pat.b@example.test');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await dialog.waitFor({ state: 'detached' });
    await notice.getByText(`Invitation sent. If pat.b@example.test has a Lanyard account and is not yet a member, they can accept it for 7 days to join ${admin.tenant} as Agent.`).waitFor();
    // No membership until they accept: the directory does not list them.
    expect(((await pageApi(page, 'GET', '/admin/users?q=pat.b')).json as { items: unknown[] }).items).toEqual([]);

    // The email links to My Profile, where the invitation is listed once signed in.
    const email = await waitForEmailWithSubject(journey.server, `${admin.tenant} invited you to join`);
    expect(email.text).toContain('username: pat.b');
    const link = new URL(email.links.find((href) => href.includes('/profile/general')) ?? '');
    expect(`${link.pathname}${link.hash}`).toBe('/profile/general#invitations');

    const member = await journey.newPage();
    await signIn(member, 'pat.b', password);
    await waitForPath(member, '/admin/users');
    const prompt = member.getByRole('region', { name: 'You are invited to join another tenant' });
    await prompt.getByText(`${admin.tenant} invited you to join as Agent`).waitFor();
    // One tenant so far: the top bar names it, with no picker.
    expect(await member.getByRole('banner').getByRole('button', { name: /Tenant/ }).count()).toBe(0);
    await expectAccessible(member, 'admin-members-invitation-prompt');
    await expectAccessibleNarrow(member, 'admin-members-invitation-prompt');

    // The email's link: My Profile › General lists it too (and the prompt does not repeat it there).
    await member.goto(`${link.pathname}${link.hash}`);
    const section = member.getByRole('region', { name: 'Invitations to other tenants' });
    await section.getByText(`${admin.tenant} invited you to join as Agent`).waitFor();
    expect(await prompt.count()).toBe(0);
    await expectAccessible(member, 'admin-members-invitation-profile');
    await expectAccessibleNarrow(member, 'admin-members-invitation-profile');

    // Accepted from the prompt, with the keyboard.
    await member.goto('/admin/users');
    await prompt.getByRole('button', { name: `Accept the invitation to join ${admin.tenant}` }).focus();
    await member.keyboard.press('Enter');
    await member.getByText(`You joined ${admin.tenant} as Agent. Choose it from the tenant picker in the top bar.`).waitFor();
    await prompt.waitFor({ state: 'detached' });
    await expectAccessible(member, 'admin-members-invitation-accepted');

    // The tenant is in the picker at once, without a reload; choosing it works.
    await member.getByRole('banner').getByRole('button', { name: /Tenant/ }).click();
    await member.getByRole('option', { name: admin.tenant }).waitFor();
    expect(await member.getByRole('option').allTextContents()).toEqual(expect.arrayContaining(['Harbour B', admin.tenant]));
    await expectAccessible(member, 'admin-members-picker');
    await member.getByRole('option', { name: admin.tenant }).click();
    await member.getByText(`You are now working in ${admin.tenant}.`).waitFor();
    await waitForPath(member, '/profile/general');

    // The administrator's directory lists them now.
    await page.reload();
    const row = page.locator('tr[data-username="pat.b"]');
    await row.waitFor();
    expect(await row.getByRole('cell').allTextContents()).toEqual(['pat.b', 'pat.b@example.test', 'Agent', 'No team', 'Enabled']);
    expect(journey.pageErrors).toEqual([]);
  });
});

import type { Page } from 'playwright-core';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveScreenshot } from './browser.ts';
import { activateBootstrapAdmin, expectAccessible, expectAccessibleNarrow, pageApi, meStatus, signIn, startJourney, waitForPath, type BootstrapAdmin, type Journey } from './journeys.ts';

/**
 * Administration (issue 11) in Chromium, keyboard first, axe on every state, each page also at 390 px:
 * sign-in lands on User Management; the tenant's access keys; teams; the audit log with its filters
 * and exports.
 */

const password = 'Harbour-Lantern-2048';

let journey: Journey;
let admin: BootstrapAdmin;
let page: Page;

beforeAll(async () => {
  // A slow import (8 rows a second), so the progress bar can be watched while it runs.
  journey = await startJourney({ env: { LANYARD_IMPORT_ROWS_PER_SECOND: '8' } });
  admin = await activateBootstrapAdmin(journey.server, password);
  page = await journey.newPage();
});

afterAll(async () => {
  await journey?.close();
});

/** The page at 390 px (axe clean, nothing wider than the screen), then back to 1280. */
const expectNarrow = (name: string) => expectAccessibleNarrow(page, name);

/** Calls the API with the page's session. */
const api = (method: string, path: string, body?: unknown) => pageApi(page, method, path, body);

/** Opens the select field labelled `label` with the keyboard and picks `option`. */
async function choose(label: string, option: string): Promise<void> {
  const field = page.locator('.select-field').filter({ has: page.locator('.field-label', { hasText: new RegExp(`^${label}$`) }) });
  await field.getByRole('button').press('Enter');
  await page.getByRole('option', { name: option, exact: true }).press('Enter');
}

async function navigateTo(name: string, path: string): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Administration' });
  await nav.getByRole('link', { name, exact: true }).focus();
  await page.keyboard.press('Enter');
  await waitForPath(page, path);
  await nav.locator('a[aria-current="page"]').filter({ hasText: new RegExp(`^${name}$`) }).waitFor();
}

describe('Administration in Chromium', () => {
  it('lands the administrator on User Management after sign-in, with the Administration navigation', async () => {
    await signIn(page, admin.username, password);
    await waitForPath(page, '/admin/users');
    await page.getByRole('heading', { level: 1, name: 'User Management' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Administration' });
    const links = (await nav.getByRole('link').allTextContents()).map((text) => text.trim());
    expect(links).toEqual(['Users', 'Roles', 'Teams', 'Security', 'Access keys', 'Identity providers', 'Presence reason lists', 'Downloads', 'Audit log', 'Accessibility feedback']);
  });

  it('imports a CSV: progress bar while it runs, then the per-row report and its download', async () => {
    const rows = [
      'username,email,firstName,lastName,role,team',
      'agent.one,agent.one@example.com,Ana,One,Agent,',
      'agent.two,agent.two@example.com,Ben,Two,Agent,',
      'agent.three,agent.three@example.com,Cy,Three,Supervisor,',
      'agent.one,again@example.com,Ana,Again,Agent,',
      'agent.bad,not-an-email,Bad,Email,Agent,',
      'agent.norole,agent.norole@example.com,No,Role,Nonexistent,',
      // 24 more, so the directory has more than one page of 25.
      ...Array.from({ length: 24 }, (_, index) => `bulk.${String(index + 1).padStart(2, '0')},bulk.${index + 1}@example.com,Bulk,Agent ${index + 1},Agent,`),
    ];
    const directory = await mkdtemp(join(tmpdir(), 'lanyard-import-'));
    const file = join(directory, 'agents.csv');
    await writeFile(file, `${rows.join('\n')}\n`);

    await page.goto('/admin/users');
    await page.getByRole('button', { name: 'Import CSV' }).press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Import users from CSV' });
    await dialog.waitFor();
    await expectAccessible(page, 'admin-import-01-dialog');
    const chooser = page.waitForEvent('filechooser');
    await dialog.getByRole('button', { name: 'Choose file' }).press('Enter');
    await (await chooser).setFiles(file);
    await dialog.getByText('agents.csv').waitFor();
    await dialog.getByRole('button', { name: 'Upload and invite' }).press('Enter');

    // While it runs: a progress bar with its value, between the first row and the last.
    const progress = dialog.getByRole('progressbar', { name: 'Inviting users' });
    await progress.waitFor();
    await page.waitForFunction(() => {
      const bar = document.querySelector('[role="progressbar"]');
      const now = Number(bar?.getAttribute('aria-valuenow'));
      return now > 0 && now < 30;
    }, undefined, { timeout: 10_000 });
    expect(await progress.getAttribute('aria-valuetext')).toMatch(/^\d+ of 30 rows$/);
    await expectAccessible(page, 'admin-import-02-running');

    // Done: the per-row report, failures with their coded reason, and the download link.
    await dialog.getByRole('progressbar', { name: 'Import finished' }).waitFor({ timeout: 15_000 });
    await dialog.getByText('27 invited, 3 failed.').waitFor();
    const report = dialog.getByRole('region', { name: 'Report, one line per row' });
    expect(await report.locator('tr[data-outcome="invited"]').count()).toBe(27);
    expect(await report.locator('tr[data-line="5"]').textContent()).toContain('This username appears on an earlier row of the same file.');
    expect(await report.locator('tr[data-line="6"]').textContent()).toContain('(column email)');
    expect(await report.locator('tr[data-line="7"]').textContent()).toContain('No such role.');
    await expectAccessible(page, 'admin-import-03-report');
    await expectNarrow('admin-import-03-report');
    const href = await dialog.getByRole('link', { name: 'Download report' }).getAttribute('href');
    const csv = await page.evaluate(async (url) => (await fetch(url ?? '')).text(), href);
    expect(csv.split(/\r?\n/)[0]).toBe('line,username,outcome,errorCode,errorField');
    expect(csv).toContain('agent.bad');
    await dialog.getByRole('button', { name: 'Close' }).press('Enter');
    await dialog.waitFor({ state: 'detached' });
  });

  it('searches (debounced), filters by role and status, and pages by cursor', async () => {
    const table = page.locator('table.users-table');
    await table.locator('tr[data-username="agent.one"]').waitFor();
    for (const header of ['Name', 'Username', 'Email', 'Role', 'Team', 'Status']) {
      await table.getByRole('columnheader', { name: header, exact: true }).waitFor();
    }
    expect(await table.locator('tbody tr').count()).toBe(25);
    await expectAccessible(page, 'admin-users-01-list');
    await expectNarrow('admin-users-01-list');

    // Keyset paging: the next page holds the other 3 (28 people in all), the previous one the first 25 again.
    const firstPage = await table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-username')));
    await page.getByRole('button', { name: 'Next page' }).press('Enter');
    await page.getByText('Page 2: 3 users.').waitFor();
    const secondPage = await table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-username')));
    expect(secondPage.filter((name) => firstPage.includes(name))).toEqual([]);
    expect(new Set([...firstPage, ...secondPage]).size).toBe(28);
    await page.getByRole('button', { name: 'Previous page' }).press('Enter');
    await page.getByText('Page 1: 25 users.').waitFor();

    // Search: prefix, any case, one request after typing pauses.
    const search = page.getByRole('searchbox', { name: 'Search' });
    await search.focus();
    const asked: string[] = [];
    const onRequest = (request: { url(): string }) => {
      if (request.url().includes('/api/v1/admin/users?')) asked.push(request.url());
    };
    page.on('request', onRequest);
    await page.keyboard.type('AGENT.T', { delay: 40 });
    await page.getByText('Page 1: 2 users.').waitFor();
    page.off('request', onRequest);
    expect(asked.filter((url) => url.includes('q='))).toHaveLength(1);
    expect((await table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-username')))).sort()).toEqual(['agent.three', 'agent.two']);

    // Role filter: Supervisor leaves agent.three.
    await choose('Role', 'Supervisor');
    await page.getByText('Page 1: 1 user.').waitFor();
    expect(await table.locator('tr[data-username="agent.three"]').textContent()).toContain('Invited');
    await expectAccessible(page, 'admin-users-02-filtered');

    // Status filter with no search and any role: every imported person is Invited; Enabled is the administrator alone.
    await search.fill('');
    await choose('Role', 'Any');
    await choose('Status', 'Enabled');
    await page.getByText('Page 1: 1 user.').waitFor();
    await table.locator(`tr[data-username="${admin.username}"]`).waitFor();
    await choose('Status', 'Any');
    await page.getByText('Page 1: 25 users.').waitFor();
  });

  it('invites one user from the form', async () => {
    await page.getByRole('button', { name: 'Invite user' }).press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Invite user' });
    await dialog.waitFor();
    await page.keyboard.type('grace.hopper');
    await dialog.getByRole('textbox', { name: 'Email' }).fill('grace@example.com');
    await dialog.getByRole('textbox', { name: 'First name' }).fill('Grace');
    await dialog.getByRole('textbox', { name: 'Last name' }).fill('Hopper');
    await expectAccessible(page, 'admin-invite-01-form');
    await dialog.getByRole('button', { name: 'Send invitation' }).press('Enter');
    await page.getByRole('alertdialog', { name: 'Invitation sent to grace.hopper (grace@example.com).' }).waitFor();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('searchbox', { name: 'Search' }).fill('grace');
    const row = page.locator('tr[data-username="grace.hopper"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('Grace Hopper');
    expect(await row.textContent()).toContain('Agent');
    expect(await row.textContent()).toContain('Invited');
    await journey.server.waitForEmail((raw) => raw.includes('grace@example.com'));
  });

  it("opens a user's page, hands out a one-time unlock code, and disables them: their session ends", async () => {
    // agent.one accepts the invitation and signs in in a browser of their own.
    const email = await journey.server.waitForEmail((raw) => raw.includes('To: agent.one@example.com') || raw.includes('<agent.one@example.com>'));
    const token = /first-access\/([A-Za-z0-9_-]+)/.exec(email.raw.replaceAll('=\r\n', '').replaceAll('=\n', ''))?.[1] ?? '';
    const accepted = await fetch(`${journey.server.baseUrl}/api/v1/invitations/${token}/accept`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ password: 'Quiet-Orchard-Lantern-77' }),
    });
    expect(accepted.status).toBeLessThan(300);
    const agent = await journey.newPage();
    await signIn(agent, 'agent.one', 'Quiet-Orchard-Lantern-77');
    await waitForPath(agent, '/profile/general');

    await page.getByRole('searchbox', { name: 'Search' }).fill('agent.one');
    const link = page.locator('tr[data-username="agent.one"]').getByRole('link', { name: 'Ana One' });
    await link.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Ana One' }).waitFor();
    await page.getByText('1 active session').waitFor();
    await page.locator('[data-status="enabled"]').first().waitFor();
    await expectAccessible(page, 'admin-user-01-page');
    await expectNarrow('admin-user-01-page');

    // A one-time unlock code: 8 characters and an expiry, after a confirmation.
    await page.getByRole('button', { name: 'One-time unlock code' }).press('Enter');
    const confirmCode = page.getByRole('alertdialog', { name: 'Create a one-time unlock code for Ana One?' });
    await confirmCode.waitFor();
    await confirmCode.getByRole('button', { name: 'One-time unlock code' }).press('Enter');
    const codeDialog = page.getByRole('dialog', { name: 'Unlock code for Ana One' });
    await codeDialog.waitFor();
    expect(((await codeDialog.locator('[data-field="unlock-code"]').textContent()) ?? '').trim()).toMatch(/^[A-Z0-9-]{8,9}$/);
    await codeDialog.getByText(/It works once, until/).waitFor();
    await expectAccessible(page, 'admin-user-02-unlock-code');
    await codeDialog.getByRole('button', { name: 'Done' }).press('Enter');

    // Disable, with a confirmation: the agent's session ends at once.
    await page.getByRole('button', { name: 'Disable', exact: true }).press('Enter');
    const confirm = page.getByRole('alertdialog', { name: 'Disable Ana One?' });
    await confirm.waitFor();
    await expectAccessible(page, 'admin-user-03-confirm-disable');
    await confirm.getByRole('button', { name: 'Disable' }).press('Enter');
    await page.getByRole('alertdialog', { name: 'Ana One is disabled and signed out everywhere.' }).waitFor();
    await page.locator('[data-status="disabled"]').first().waitFor();
    await page.getByRole('button', { name: 'Enable', exact: true }).waitFor();
    expect(await meStatus(agent)).toBe(401);
    await agent.reload();
    await waitForPath(agent, '/login');
  });

  it("shows the tenant's access keys with owner and State, deactivates and deletes with confirmation", async () => {
    const created = (await api('POST', '/me/access-keys', { description: 'Wallboard' })).json as { id: string; accessKeyId: string };
    await navigateTo('Access keys', '/admin/security/access-keys');
    const row = page.locator(`tr[data-access-key-id="${created.accessKeyId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain(admin.username);
    for (const header of ['Owner', 'Access Key ID', 'Created', 'Last used', 'State']) {
      await page.getByRole('columnheader', { name: header, exact: true }).waitFor();
    }
    await expectAccessible(page, 'admin-keys-01-list');
    await expectNarrow('admin-keys-01-list');

    const state = page.getByRole('switch', { name: `State of ${created.accessKeyId}` });
    await state.focus();
    await page.keyboard.press('Space');
    await page.getByRole('alertdialog', { name: `Access key ${created.accessKeyId} is now Inactive.` }).waitFor();
    expect(await state.isChecked()).toBe(false);

    await row.getByRole('button', { name: `Delete access key ${created.accessKeyId}` }).press('Enter');
    const confirm = page.getByRole('alertdialog', { name: 'Delete access key?' });
    await confirm.waitFor();
    await expectAccessible(page, 'admin-keys-02-confirm');
    await confirm.getByRole('button', { name: 'Delete' }).press('Enter');
    await page.getByRole('alertdialog', { name: `Access key ${created.accessKeyId} deleted.` }).waitFor();
    await row.waitFor({ state: 'detached' });
  });

  it('creates a team', async () => {
    await navigateTo('Teams', '/admin/teams');
    await page.getByRole('textbox', { name: 'Team name' }).fill('Night shift');
    await page.keyboard.press('Enter');
    await page.getByRole('alertdialog', { name: 'The team Night shift was created.' }).waitFor();
    const row = page.locator('tr[data-team="Night shift"]');
    await row.waitFor();
    await expectAccessible(page, 'admin-teams-01-list');
    await expectNarrow('admin-teams-01-list');
  });

  it('renames and deletes a team, with confirmation', async () => {
    const row = page.locator('tr[data-team="Night shift"]');
    await row.getByRole('button', { name: 'Rename team Night shift' }).press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Rename the team Night shift' });
    await dialog.waitFor();
    await dialog.getByRole('textbox', { name: 'Team name' }).fill('Late shift');
    await expectAccessible(page, 'admin-teams-02-rename');
    await page.keyboard.press('Enter');
    await page.getByRole('alertdialog', { name: 'The team is now called Late shift.' }).waitFor();
    const renamed = page.locator('tr[data-team="Late shift"]');
    await renamed.waitFor();

    await renamed.getByRole('button', { name: 'Delete team Late shift' }).press('Enter');
    const confirm = page.getByRole('alertdialog', { name: 'Delete the team Late shift?' });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Delete' }).press('Enter');
    await page.getByRole('alertdialog', { name: 'The team Late shift was deleted.' }).waitFor();
    await renamed.waitFor({ state: 'detached' });
  });

  it('filters the audit log by action and result, shows an event’s details, and exports CSV and NDJSON', async () => {
    await navigateTo('Audit log', '/admin/audit');
    await page.locator('tr[data-audit-action]').first().waitFor();
    await expectAccessible(page, 'admin-audit-01-all');
    await expectNarrow('admin-audit-01-all');

    await page.getByRole('textbox', { name: 'Action' }).fill('auth.login.succeeded');
    await page.getByRole('button', { name: 'Apply filters' }).press('Enter');
    await page.waitForURL((url) => url.searchParams.get('action') === 'auth.login.succeeded');
    await page.locator('tr[data-audit-action="auth.login.succeeded"]').first().waitFor();
    // The unfiltered rows stay until the filtered page arrives: wait for them to go, then none may be left.
    const others = page.locator('tr[data-audit-action]:not([data-audit-action="auth.login.succeeded"])');
    await others.first().waitFor({ state: 'detached' });
    expect(await others.count()).toBe(0);

    await page.locator('tr[data-audit-action="auth.login.succeeded"]').first().getByRole('button', { name: /^Details of auth\.login\.succeeded/ }).press('Enter');
    const details = page.getByRole('dialog', { name: 'Event details' });
    await details.waitFor();
    expect(await details.textContent()).toContain('auth.login.succeeded');
    await expectAccessible(page, 'admin-audit-02-details');
    await page.keyboard.press('Escape');
    await details.waitFor({ state: 'detached' });

    // A refused sign-in, then only failures: the result filter.
    const refused = await fetch(`${journey.server.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: admin.username, password: 'not-the-password' }),
    });
    expect(refused.status).toBe(401);
    await page.getByRole('button', { name: 'Clear filters' }).press('Enter');
    await page.waitForURL((url) => url.search === '');
    await choose('Result', 'Failure');
    await page.getByRole('button', { name: 'Apply filters' }).press('Enter');
    await page.waitForURL((url) => url.searchParams.get('result') === 'failure');
    await page.locator('tr[data-audit-action="auth.login.failed"]').first().waitFor();
    const successes = page.locator('tr[data-audit-result="success"]');
    await successes.first().waitFor({ state: 'detached' });
    expect(await successes.count()).toBe(0);
    await expectAccessible(page, 'admin-audit-03-failures');

    // Export CSV / NDJSON: download links carrying the same filters.
    const csvHref = (await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')) ?? '';
    const ndjsonHref = (await page.getByRole('link', { name: 'Export NDJSON' }).getAttribute('href')) ?? '';
    expect(new URL(csvHref, journey.server.baseUrl).searchParams.get('result')).toBe('failure');
    const exported = await page.evaluate(
      async ([csv, ndjson]) => {
        const [a, b] = await Promise.all([fetch(csv ?? ''), fetch(ndjson ?? '')]);
        return { csvType: a.headers.get('content-type'), csv: await a.text(), ndjson: await b.text() };
      },
      [csvHref, ndjsonHref],
    );
    expect(exported.csvType).toContain('text/csv');
    expect(exported.csv).toContain('auth.login.failed');
    const lines = exported.ndjson.trim().split('\n').map((line) => JSON.parse(line) as { action: string; result: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((event) => event.result === 'failure')).toBe(true);
  });

  it('creates a role with some permissions, grouped as in the catalogue, and deletes it', async () => {
    await navigateTo('Roles', '/admin/roles');
    await page.locator('tr[data-role="Administrator"]').waitFor();
    await expectAccessible(page, 'admin-roles-01-list');
    await expectNarrow('admin-roles-01-list');
    await page.getByRole('button', { name: 'Create role' }).press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New role' });
    await dialog.waitFor();
    await page.keyboard.type('Wallboard viewer');
    for (const group of ['General', 'My Account', 'Users', 'Security', 'Presence', 'Support']) {
      await dialog.getByRole('group', { name: group, exact: true }).waitFor();
    }
    for (const label of ['Users View', 'Audit Log View']) {
      await dialog.getByRole('checkbox', { name: new RegExp(`^${label}`) }).focus();
      await page.keyboard.press('Space');
    }
    await expectAccessible(page, 'admin-roles-02-new');
    await dialog.getByRole('button', { name: 'Save' }).press('Enter');
    await page.getByRole('alertdialog', { name: 'The role Wallboard viewer was created.' }).waitFor();
    const row = page.locator('tr[data-role="Wallboard viewer"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('2 permissions');
    const roles = (await api('GET', '/admin/roles')).json as { items: { name: string; permissions: string[] }[] };
    expect(roles.items.find((role) => role.name === 'Wallboard viewer')?.permissions.sort()).toEqual(['audit.view', 'users.view']);
    // Built-in roles cannot be deleted.
    expect(await page.locator('tr[data-role="Agent"]').getByRole('button', { name: 'Delete role Agent' }).count()).toBe(0);

    await row.getByRole('button', { name: 'Delete role Wallboard viewer' }).press('Enter');
    const confirm = page.getByRole('alertdialog', { name: 'Delete the role Wallboard viewer?' });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Delete' }).press('Enter');
    await page.getByRole('alertdialog', { name: 'The role Wallboard viewer was deleted.' }).waitFor();
    await row.waitFor({ state: 'detached' });
  });

  it('refuses an out-of-range invitation lifetime and saves a valid one', async () => {
    await navigateTo('Security', '/admin/security');
    const section = page.locator('section[data-policy="invitation"]');
    const lifetime = section.getByRole('textbox', { name: 'Invitation lifetime' });
    await lifetime.waitFor();
    expect(await lifetime.inputValue()).toBe('24');
    await expectAccessible(page, 'admin-security-01-policies');
    await expectNarrow('admin-security-01-policies');

    await lifetime.fill('200');
    await lifetime.press('Tab');
    await section.getByText('Enter a whole number from 1 to 168.').waitFor();
    expect(await section.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await expectAccessible(page, 'admin-security-02-out-of-range');
    await lifetime.fill('48');
    await lifetime.press('Tab');
    await section.getByRole('button', { name: 'Save' }).press('Enter');
    await page.getByRole('alertdialog', { name: 'The invitation policy was saved.' }).waitFor();
    expect((await api('GET', '/admin/security/invitation-policy')).json).toEqual({ lifetimeHours: 48 });
  });

  it('signs a locked-out agent in with a one-time unlock code typed in the sign-in page’s unlock-code field', async () => {
    // agent.two (from the import) accepts the invitation, then locks the account with wrong passwords.
    const email = await journey.server.waitForEmail((raw) => raw.includes('To: agent.two@example.com') || raw.includes('<agent.two@example.com>'));
    const token = /first-access\/([A-Za-z0-9_-]+)/.exec(email.raw.replaceAll('=\r\n', '').replaceAll('=\n', ''))?.[1] ?? '';
    const agentPassword = 'Amber-Meadow-Lantern-58';
    const accepted = await fetch(`${journey.server.baseUrl}/api/v1/invitations/${token}/accept`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ password: agentPassword }),
    });
    expect(accepted.status).toBeLessThan(300);
    const signInByApi = (pass: string) =>
      fetch(`${journey.server.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'agent.two', password: pass }) });
    for (let attempt = 0; attempt < 6; attempt += 1) expect((await signInByApi(`wrong-${attempt}`)).status).toBe(401);
    // Locked: even the right password is refused now.
    expect((await signInByApi(agentPassword)).status).toBe(401);

    const found = (await api('GET', '/admin/users?q=agent.two')).json as { items: { id: string; username: string }[] };
    const agentId = found.items.find((user) => user.username === 'agent.two')?.id ?? '';
    const issued = await api('POST', `/admin/users/${agentId}/unlock-code`);
    expect(issued.status).toBe(201);
    const code = (issued.json as { code: string }).code;

    const agent = await journey.newPage();
    await agent.goto('/login');
    await agent.getByRole('heading', { level: 1, name: 'Sign in to Lanyard' }).waitFor();
    await agent.getByRole('textbox', { name: 'Username' }).fill('agent.two');
    await agent.getByLabel('Password', { exact: true }).fill(agentPassword);
    await agent.getByRole('button', { name: 'Have an unlock code from your administrator?' }).press('Enter');
    const codeField = agent.getByRole('textbox', { name: 'Unlock code' });
    await codeField.waitFor();
    // Typed as read out over the phone: in lower case, with a hyphen in the middle.
    await codeField.fill(`${code.slice(0, 4)}-${code.slice(4)}`.toLowerCase());
    await expectAccessible(agent, 'login-unlock-code-01-field');
    await agent.getByRole('button', { name: 'Submit' }).press('Enter');
    await waitForPath(agent, '/profile/general');
    const used = (await api('GET', '/admin/audit-events?action=auth.unlock.code.used')).json as { items: { targetId: string | null; actorUserId: string | null }[] };
    expect(used.items.some((event) => event.actorUserId === agentId)).toBe(true);
    await agent.close();
  });

  it('finds a user for the audit filter by username, and pages the audit log with Load more', async () => {
    // More than one page of 50 events.
    for (let count = 0; count < 60; count += 1) {
      const page1 = (await api('GET', '/admin/audit-events?limit=200')).json as { items: unknown[] };
      if (page1.items.length > 60) break;
      expect((await api('PUT', '/admin/security/invitation-policy', { lifetimeHours: 48 })).status).toBeLessThan(300);
    }
    await navigateTo('Audit log', '/admin/audit');
    const rows = page.locator('tr[data-audit-action]');
    // (The list from the earlier visit may show first, until the fresh first page of 50 replaces it.)
    await page.getByRole('status').filter({ hasText: '50 events shown' }).waitFor();
    expect(await rows.count()).toBe(50);
    await page.getByRole('button', { name: 'Load more' }).press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('tr[data-audit-action]').length > 50);
    const shown = await rows.count();
    await page.getByRole('status').filter({ hasText: `${shown} events shown` }).waitFor();
    // Every event once: the second page continues the first.
    const ids = await page.locator('tr[data-audit-action] button').evaluateAll((buttons) => buttons.map((button) => button.getAttribute('aria-label')));
    expect(ids).toHaveLength(shown);
    await expectAccessible(page, 'admin-audit-04-load-more');

    // The user filter: typed by username, chosen from the matches; the URL keeps the User ID.
    const found = (await api('GET', '/admin/users?q=agent.two')).json as { items: { id: string; username: string }[] };
    const agentId = found.items.find((user) => user.username === 'agent.two')?.id ?? '';
    const picker = page.getByRole('combobox', { name: 'User' });
    await picker.focus();
    await page.keyboard.type('AGENT.TW');
    const option = page.getByRole('option', { name: /^agent\.two · Ben Two · agent\.two@example\.com$/ });
    await option.waitFor();
    // (axe runs once the list is closed: while it is open, React Aria hides the rest of the page from assistive technology, as an open list box does.)
    await saveScreenshot(page, 'admin-audit-05-user-picker-open');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    expect(await picker.inputValue()).toBe('agent.two');
    await expectAccessible(page, 'admin-audit-05-user-picker');
    await page.getByRole('button', { name: 'Apply filters' }).press('Enter');
    await page.waitForURL((url) => url.searchParams.get('userId') === agentId);
    await page.locator('tr[data-audit-action="auth.unlock.code.used"]').first().waitFor();
    const unrelated = page.locator('tr[data-audit-action="policy.changed"]');
    await unrelated.first().waitFor({ state: 'detached' });
    // A linked view shows the chosen user by name.
    await page.reload();
    await page.locator('tr[data-audit-action="auth.unlock.code.used"]').first().waitFor();
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('input[role="combobox"]')?.value === 'agent.two');
    await expectNarrow('admin-audit-06-user-filtered');
  });

  it('raised no uncaught errors in the pages', () => {
    expect(journey.pageErrors).toEqual([]);
  });
});

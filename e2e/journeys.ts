import { spawn } from 'node:child_process';
import { simpleParser } from 'mailparser';
import { Secret, TOTP } from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { accessibilityViolations, launchChromium, saveScreenshot } from './browser.ts';
import { repoRoot, startLanyard, type LanyardServer } from './harness.ts';

/**
 * What the browser journeys share: one server and one Chromium per file, pages in fresh contexts,
 * accessibility checks with screenshots, and the bootstrap administrator's first password and sign-in.
 */

export interface BootstrapAdmin {
  firstAccessUrl: string;
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  tenant: string;
}

export interface Journey {
  server: LanyardServer;
  browser: Browser;
  /** Uncaught errors raised in any page, as `<url>: <message>`. */
  pageErrors: string[];
  /** Every answer 401 any page received, as `<page path> → <request URL>`. */
  unauthorizedResponses: string[];
  /** Every console error any page logged (a failed request logs one too), as `<page path>: <text>`. */
  consoleErrors: string[];
  /** A page in a fresh browser context (its own cookies), 1280×800, on the server's origin. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** `env`: further LANYARD_* settings of the server, e.g. a slower import to watch its progress. */
export async function startJourney(options: { env?: Record<string, string>; chromiumArgs?: readonly string[] } = {}): Promise<Journey> {
  const server = await startLanyard(options.env === undefined ? {} : { env: options.env });
  const browser = await launchChromium(options.chromiumArgs).catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const unauthorizedResponses: string[] = [];
  const consoleErrors: string[] = [];
  return {
    server,
    browser,
    pageErrors,
    unauthorizedResponses,
    consoleErrors,
    async newPage() {
      const context = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1280, height: 800 } });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
      page.on('response', (response) => {
        if (response.status() === 401) unauthorizedResponses.push(`${new URL(page.url()).pathname} → ${response.url()}`);
      });
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(`${new URL(page.url()).pathname}: ${message.text()}`);
      });
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await server.stop();
    },
  };
}

/** Saves `e2e/screenshots/<name>.png`, then fails the test on any axe (WCAG 2.2 AA) violation. */
export async function expectAccessible(page: Page, screenshot: string): Promise<void> {
  await saveScreenshot(page, screenshot);
  const report = await accessibilityViolations(page);
  expect(report, `axe found violations on ${page.url()} (${screenshot})`).toBe('');
}

export async function waitForPath(page: Page, pathname: string): Promise<void> {
  await page.waitForURL((url) => url.pathname === pathname, { timeout: 15_000 });
}

/** The status of `GET /api/v1/me` with the page's cookies: 200 signed in, 401 not. */
export async function meStatus(page: Page): Promise<number> {
  return page.evaluate(async () => (await fetch('/api/v1/me', { credentials: 'same-origin' })).status);
}

/** Presses Tab until the focused element matches, like a keyboard user would; fails after `limit` presses. */
export async function tabUntil(page: Page, isTarget: () => boolean, limit = 15): Promise<void> {
  for (let presses = 0; presses < limit; presses += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(isTarget)) return;
  }
  throw new Error(`Focus did not reach the expected element within ${limit} Tab presses.`);
}

/** Presses ArrowRight from the focused tab until the tab named `name` is focused, as a keyboard user would. */
export async function arrowToTab(page: Page, name: string, limit = 8): Promise<void> {
  for (let presses = 0; presses < limit; presses += 1) {
    await page.keyboard.press('ArrowRight');
    const focused = await page.evaluate(() => {
      const active = document.activeElement;
      return active?.getAttribute('role') === 'tab' ? (active.textContent ?? '').trim() : '';
    });
    if (focused === name) return;
  }
  throw new Error(`The tab "${name}" was not reached within ${limit} ArrowRight presses.`);
}

/** One rule of the live password checklist; `data-state` is `met`, `unmet`, or `checking` while the server is asked. */
export function checklistItem(page: Page, rule: string) {
  return page.locator(`.checklist-item[data-rule="${rule}"]`);
}

/** Waits until no rule of the checklist is still being checked by the server (the common-password rule). */
export async function checklistSettled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('.checklist-item[data-state="checking"]') === null, undefined, { timeout: 10_000 });
}

/** The first-access link the first start prints, with what the invitation says about the administrator. */
export async function bootstrapInvitation(server: LanyardServer): Promise<BootstrapAdmin> {
  const line = await server.waitForLog((entry) => typeof entry.firstAccessUrl === 'string');
  const firstAccessUrl = String(line.firstAccessUrl);
  const token = firstAccessUrl.slice(firstAccessUrl.lastIndexOf('/') + 1);
  const response = await fetch(`${server.baseUrl}/api/v1/invitations/${token}`);
  expect(response.status).toBe(200);
  const info = (await response.json()) as { username: string; email: string; firstName: string; lastName: string; tenant: { name: string } };
  return { firstAccessUrl, username: info.username, email: info.email, firstName: info.firstName, lastName: info.lastName, tenant: info.tenant.name };
}

/**
 * Gives the bootstrap administrator a first password through the API (the first-access page itself is
 * covered by `first-access.e2e.ts`), so other journeys can start signed out with a known password.
 */
export async function activateBootstrapAdmin(server: LanyardServer, password: string): Promise<BootstrapAdmin> {
  const admin = await bootstrapInvitation(server);
  await acceptInvitation(server, admin.firstAccessUrl, password);
  return admin;
}

/** Accepts the invitation whose first-access link `text` holds (a printed line, a URL) with this first password. */
export async function acceptInvitation(server: LanyardServer, text: string, password: string): Promise<void> {
  const token = /\/first-access\/([A-Za-z0-9_-]+)/.exec(text)?.[1];
  expect(token, `a first-access link in: ${text}`).toBeDefined();
  const response = await fetch(`${server.baseUrl}/api/v1/invitations/${token}/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.baseUrl },
    body: JSON.stringify({ password }),
  });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
}

/** `lanyard <args>` beside the running server (handed to it over its control channel); its output. */
export function lanyardCli(server: LanyardServer, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/lanyard.js', ...args], { cwd: repoRoot, env: { ...process.env, LANYARD_DATA_DIR: server.dataDir, LANYARD_PUBLIC_URL: server.baseUrl } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`lanyard ${args.join(' ')}: ${code}\n${out}`))));
  });
}

/** `lanyard user invite <inviteArgs>`, then the first password through the printed first-access link. */
export async function inviteWithPassword(server: LanyardServer, password: string, ...inviteArgs: string[]): Promise<void> {
  await acceptInvitation(server, await lanyardCli(server, 'user', 'invite', ...inviteArgs), password);
}

/** A session cookie (`lanyard_session=…`) from a password sign-in through the API, as a script would sign in. */
export async function sessionCookie(server: LanyardServer, username: string, password: string): Promise<string> {
  const response = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.baseUrl },
    body: JSON.stringify({ username, password }),
  });
  expect(response.status).toBe(200);
  const session = response.headers.getSetCookie().find((entry) => entry.startsWith('lanyard_session='));
  return (session ?? '').split(';')[0] ?? '';
}

/** The API as a script calls it, with a session cookie and the console's origin. */
export async function serverApi(server: LanyardServer, cookie: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> | null }> {
  const response = await fetch(`${server.baseUrl}/api/v1${path}`, {
    method,
    headers: { cookie, origin: server.baseUrl, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? null : (JSON.parse(text) as Record<string, unknown>) };
}

/** The code an authenticator app shows for this secret, `stepsAhead` periods after now (the server accepts ±1). */
export function totpCode(base32: string, stepsAhead = 0, period = 30): string {
  return new TOTP({ algorithm: 'SHA1', digits: 6, period, secret: Secret.fromBase32(base32) }).generate({ timestamp: Date.now() + stepsAhead * period * 1000 });
}

/** The name the console shows for a person: first and last name, or the username when they have none. */
export function fullNameOf(admin: Pick<BootstrapAdmin, 'firstName' | 'lastName' | 'username'>): string {
  const name = `${admin.firstName} ${admin.lastName}`.trim();
  return name === '' ? admin.username : name;
}

/** The initials the console shows: of the name, or the username's first letter when there is no name. */
export function initialsOf(admin: Pick<BootstrapAdmin, 'firstName' | 'lastName' | 'username'>): string {
  const fromName = `${admin.firstName.charAt(0)}${admin.lastName.charAt(0)}`.toUpperCase();
  return fromName === '' ? admin.username.charAt(0).toUpperCase() : fromName;
}

/** Signs in on /login with Username, Password and Submit (seed 002), and waits to leave the page. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  if (new URL(page.url()).pathname !== '/login') await page.goto('/login');
  await page.getByRole('heading', { level: 1, name: 'Sign in to Lanyard' }).waitFor();
  await page.getByRole('textbox', { name: 'Username' }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Submit' }).click();
  await page.waitForURL((url) => url.pathname !== '/login', { timeout: 15_000 });
}

/** Opens the initials menu in the top bar and picks an item, with the mouse as the seed describes. */
export async function chooseFromAccountMenu(page: Page, admin: Pick<BootstrapAdmin, 'firstName' | 'lastName' | 'username'>, item: string): Promise<void> {
  await page.getByRole('button', { name: `Account menu, ${fullNameOf(admin)}` }).click();
  await page.getByRole('menu').waitFor();
  await page.getByRole('menuitem', { name: item }).click();
}

export async function logOut(page: Page, admin: Pick<BootstrapAdmin, 'firstName' | 'lastName' | 'username'>): Promise<void> {
  await chooseFromAccountMenu(page, admin, 'Log out');
  await waitForPath(page, '/login');
  await page.getByText('You have signed out.').waitFor();
}

/** An `.eml` in the outbox with this (plain ASCII) subject, parsed, with the links of its text part. */
export async function waitForEmailWithSubject(server: LanyardServer, subject: string) {
  const found = await server.waitForEmail((raw) => raw.includes(`Subject: ${subject}`));
  const parsed = await simpleParser(found.raw);
  const text = parsed.text ?? '';
  return { file: found.file, raw: found.raw, subject: parsed.subject ?? '', to: parsed.to, text, links: text.match(/https?:\/\/\S+/g) ?? [] };
}

/** The page at 390 px: nothing wider than the screen, axe clean (screenshot `<name>-390`); then back to 1280. */
export async function expectAccessibleNarrow(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} fits 390 px`).toBeLessThanOrEqual(390);
  await expectAccessible(page, `${name}-390`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Calls the API with the page's session (from the console's own origin, so CSRF passes). */
export async function pageApi(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const response = await fetch(`/api/v1${path}`, { method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body: body === undefined ? null : JSON.stringify(body) });
      const text = await response.text();
      return { status: response.status, json: text === '' ? null : (JSON.parse(text) as unknown) };
    },
    { method, path, body },
  );
}

/**
 * Puts an existing person in another tenant the way SPEC §3.12 allows: that tenant's administrator (their session cookie) invites
 * them with a role, and the person accepts from a session of their own, as a script would.
 */
export async function joinTenant(server: LanyardServer, adminCookie: string, username: string, password: string, roleName: string): Promise<void> {
  const roles = (await serverApi(server, adminCookie, 'GET', '/admin/roles')).json?.items as { id: string; name: string }[];
  const role = roles.find((entry) => entry.name === roleName);
  const tenant = ((await serverApi(server, adminCookie, 'GET', '/me')).json?.tenant as { id: string }).id;
  expect((await serverApi(server, adminCookie, 'POST', '/admin/users/memberships', { user: username, roleId: role?.id })).status).toBe(202);
  const person = await sessionCookie(server, username, password);
  const pending = (await serverApi(server, person, 'GET', '/me/membership-invitations')).json?.items as { id: string; tenant: { id: string } }[];
  const invitation = pending.find((entry) => entry.tenant.id === tenant);
  expect((await serverApi(server, person, 'POST', `/me/membership-invitations/${invitation?.id}/accept`)).status).toBe(204);
}

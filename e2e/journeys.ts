import type { Page } from 'playwright-core';
import type { LanyardServer } from './harness.ts';

/**
 * Steps several browser journeys share. The first-access page itself is tested in first-access.e2e.ts;
 * other journeys only need the bootstrap administrator to exist, so this accepts the invitation through
 * the API, exactly as the page does.
 */
export async function activateBootstrapAdmin(server: LanyardServer, password: string): Promise<{ username: string }> {
  const line = await server.waitForLog((entry) => typeof entry.firstAccessUrl === 'string');
  const url = String(line.firstAccessUrl);
  const token = url.slice(url.lastIndexOf('/') + 1);
  const info = await fetch(`${server.baseUrl}/api/v1/invitations/${token}`);
  if (info.status !== 200) throw new Error(`invitation lookup failed: ${info.status}`);
  const { username } = (await info.json()) as { username: string };
  const accepted = await fetch(`${server.baseUrl}/api/v1/invitations/${token}/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.baseUrl },
    body: JSON.stringify({ password }),
  });
  if (accepted.status !== 204) throw new Error(`accepting the invitation failed: ${accepted.status} ${await accepted.text()}`);
  return { username };
}

/** Signs in on the login page with the keyboard-reachable form and waits for My Profile. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByRole('textbox', { name: 'Username' }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Submit' }).click();
  await page.waitForURL((url) => url.pathname === '/profile/general', { timeout: 15_000 });
}

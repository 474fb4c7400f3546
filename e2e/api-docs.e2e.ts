import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, saveScreenshot } from './browser.ts';
import { startLanyard, type LanyardServer } from './harness.ts';

/**
 * The browsable API reference (/api/docs) under its strict Content-Security-Policy: it must still render
 * the operations and expand one, with no CSP violation reported by Chromium.
 */

let server: LanyardServer;
let browser: Browser;
let page: Page;
const violations: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await startLanyard();
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('console', (message) => {
    if (/content security policy|refused to/i.test(message.text())) violations.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { reportViolation: (text: string) => void }).reportViolation(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
});

afterAll(async () => {
  await browser.close();
  await server.stop();
});

describe('the API reference', () => {
  it('renders every tag and operation under a strict CSP without a violation', async () => {
    const response = await page.goto(`${server.baseUrl}/api/docs/`);
    expect(response?.status()).toBe(200);
    const policy = (await page.goto(`${server.baseUrl}/api/docs/static/index.html`))?.headers()['content-security-policy'] ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).not.toContain('unsafe-inline');

    await page.locator('.opblock-summary').filter({ hasText: '/api/v1/auth/login' }).first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
    // Expand one operation: its parameters and schema render too.
    await page.locator('.opblock-summary').filter({ hasText: '/api/v1/auth/login' }).first().click();
    await page.locator('.opblock.is-open .model-box, .opblock.is-open .body-param__example').first().waitFor({ timeout: 10_000 });
    // The stylesheet applied: operation blocks are laid out, not raw HTML.
    const display = await page.locator('.opblock-summary').first().evaluate((element) => getComputedStyle(element).display);
    expect(display).toBe('flex');
    await saveScreenshot(page, 'api-docs');
    expect(violations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

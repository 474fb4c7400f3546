import { AxeBuilder } from '@axe-core/playwright';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium; `npx playwright install` cannot download browsers here. Override with CHROMIUM_PATH. */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `extraArgs`: further Chromium switches, e.g. a fake microphone (`--use-fake-device-for-media-stream`). */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

const screenshotDir = new URL('./screenshots/', import.meta.url);

/** Saves a full-page screenshot as `e2e/screenshots/<name>.png` (gitignored) for people to look at. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: fileURLToPath(new URL(`${name}.png`, screenshotDir)), fullPage: true });
}

/** WCAG 2.0, 2.1 and 2.2 A and AA rules, as SPEC §3.7 requires ("no violations on any page"). */
const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Runs axe on the page as it is now and returns a readable report of every violation ('' when none):
 * the WCAG rules, or only the rules named (best-practice ones such as `aria-dialog-name` included).
 */
export async function accessibilityViolations(page: Page, rules?: readonly string[]): Promise<string> {
  const builder = new AxeBuilder({ page });
  const results = await (rules === undefined ? builder.withTags(wcagTags) : builder.withRules([...rules])).analyze();
  return results.violations
    .map((violation) => {
      const nodes = violation.nodes
        .map((node) => `    at ${node.target.join(' ')}\n      ${(node.failureSummary ?? '').replaceAll('\n', '\n      ')}`)
        .join('\n');
      return `${violation.id} (${violation.impact ?? 'unknown impact'}): ${violation.help}\n  ${violation.helpUrl}\n${nodes}`;
    })
    .join('\n\n');
}

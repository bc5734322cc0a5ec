/**
 * In real Chromium: the plant chooser offers only plants that can receive a report, and for each
 * only the recipient choices its signed list has (no "only the monitor" at a plant with no monitor);
 * an unsigned plant's link shows a notice instead of a form.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, phoneContext } from '../../scripts/lib/browser';
import { QUIET_WRANGLER } from '../../scripts/lib/dev-server';
import { openLocalPlatform } from '../../scripts/lib/local-platform';

const run = promisify(execFile);
const base = inject('baseUrl');
const stateDir = inject('stateDir');

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium({ actionTimeoutMs: 60_000 });
  // A plant with no monitor: `keys facility` signs it with the demo's national official only.
  await run(
    'npx',
    [
      'tsx',
      'scripts/keys.ts',
      'facility',
      '--id',
      'zeta-sin-monitor',
      '--name',
      'Zeta sin monitor',
      '--short',
      'zeta',
      '--email',
      'zeta',
      '--state',
      'Sonora',
      '--municipality',
      'Nogales',
      '--sector',
      'electronics',
      '--persist-to',
      stateDir,
    ],
    { env: { ...process.env, ...QUIET_WRANGLER } },
  );
  // A plant written straight into D1: no signed list.
  const platform = await openLocalPlatform(stateDir);
  try {
    await platform.env.DB.prepare(
      "INSERT OR IGNORE INTO facilities (id, name, short_code, email_local, state, municipality, sector) VALUES ('zeta-sin-firma', 'Zeta sin firma', 'zetasf', 'zetasf', 'Sonora', 'Nogales', 'electronics')",
    ).run();
  } finally {
    await platform.dispose();
  }
}, 240_000);
afterAll(async () => browser?.close());

describe('plants and choices on the form', () => {
  it('should offer no "only the monitor" choice at a plant without a monitor, and every choice where there is one', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(`${base}/`);
    const offered = await page.$$eval('#facility option', (options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toContain('zeta-sin-monitor');
    expect(offered).not.toContain('zeta-sin-firma');

    const visible = () =>
      page.$$eval('#send-to .choice', (choices) => choices.filter((c) => !(c as HTMLElement).hidden).map((c) => (c as HTMLElement).dataset.sendTo));
    await page.check('#send-to-monitor');
    await page.selectOption('#facility', 'zeta-sin-monitor');
    expect(await visible()).toEqual(['authority']);
    expect(await page.isChecked('#send-to-monitor')).toBe(false);
    expect(await page.isVisible('#send-to-no-monitor')).toBe(true);
    await expect(page.textContent('#send-to-no-monitor')).resolves.toContain('todavía no hay monitor');

    await page.selectOption('#facility', 'demo-silao');
    expect(await visible()).toEqual(['monitor', 'authority', 'both']);
    expect(await page.isVisible('#send-to-no-monitor')).toBe(false);
    await context.close();
  });

  it("should show an unsigned plant's link a notice, not a form that refuses at send time", async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(`${base}/f/zetasf`);
    await expect(page.textContent('h1')).resolves.toContain('Zeta sin firma todavía no recibe reportes por aquí');
    expect(await page.$('#report')).toBeNull();
    expect(await page.$('#send')).toBeNull();
    await context.close();
  });
});

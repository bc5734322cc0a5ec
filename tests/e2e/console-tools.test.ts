/**
 * A reader's own tools in the real console: the search finds loaded cases by their decrypted words
 * (accents and case ignored) without a request carrying them, one case prints alone with the
 * copy's warning, and a reload while signed in asks first (the keys live in page memory only).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../../scripts/lib/browser';
import { releaseNow } from '../../scripts/lib/dev-server';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import { buildSubmission, fetchRecipients, postSubmission } from '../../bench/submission';
import { openCaseWith, signInConsole } from './console-steps';

const base = inject('baseUrl');
const stateDir = inject('stateDir');
let browser: Browser;
const tag = `t${Date.now().toString(36)}`;

beforeAll(async () => {
  browser = await launchChromium({ actionTimeoutMs: 60_000 });
  // Two reports whose words differ, sent as a phone sends them (envelope format 2), then released to readers.
  const s = await loadNodeSodium();
  const recipients = await fetchRecipients(base);
  for (const text of [`Nos amenazó el supervisor en la línea ${tag}`, `Despidieron a una compañera por la votación ${tag}`]) {
    const sub = await buildSubmission(s, base, recipients, text);
    expect((await postSubmission(base, sub.json)).status).toBe(201);
  }
  await releaseNow(stateDir);
});
afterAll(async () => browser?.close());

describe('the reader tools', () => {
  it('should search decrypted words in the browser only, print one case with its warning, and ask before a reload signs out', async () => {
    const context = await browser.newContext({ locale: 'es-MX' });
    const page = await context.newPage();
    const posted: string[] = [];
    page.on('request', (r) => posted.push(`${r.url()} ${r.postData() ?? ''}`));
    await signInConsole(page, '.demo-monitor.txt');
    await page.waitForSelector(`#cases tbody tr:has-text("${tag}")`);

    const visible = async () => (await page.locator('#cases tbody tr:visible').allTextContents()).filter((t) => t.includes(tag));
    await page.fill('#case-search', `AMENAZO ${tag}`); // no accent, other case
    expect(await visible()).toEqual([expect.stringContaining('supervisor')]);
    expect(await page.textContent('#search-count')).toMatch(/^Coinciden 1 de \d+ casos cargados\.$/);
    await page.fill('#case-search', `companera votacion ${tag}`);
    expect(await visible()).toEqual([expect.stringContaining('compañera')]);
    await page.fill('#case-search', '');
    expect(await visible()).toHaveLength(2);
    expect(posted.some((p) => /AMENAZO|companera|votacion/.test(p))).toBe(false);

    // Printing: the case alone, its words and the warning; no list, forms or buttons.
    await openCaseWith(page, `supervisor en la línea ${tag}`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.print-warning').isVisible()).toBe(true);
    expect(await page.locator('#report-fields').textContent()).toContain(`supervisor en la línea ${tag}`);
    for (const hidden of ['#list-view', '#triage', '#print-case', '#back', '.compose']) expect(await page.locator(hidden).first().isVisible(), hidden).toBe(false);
    const pdf = await page.pdf({ format: 'Letter' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.emulateMedia({ media: 'screen' });
    expect(await page.locator('.print-warning').isVisible()).toBe(false);

    // A reload while signed in asks first; dismissing it keeps the session and the open case.
    const asked: string[] = [];
    page.once('dialog', (d) => (asked.push(d.type()), void d.dismiss()));
    await page.click('#case-heading'); // a user gesture, which Chromium wants before it asks
    await page.reload({ timeout: 3_000 }).catch(() => undefined);
    expect(asked).toEqual(['beforeunload']);
    expect(await page.locator('#case-view').isVisible()).toBe(true);

    // Signing out leaves without asking.
    page.on('dialog', (d) => (asked.push(d.type()), void d.accept()));
    await page.click('#back');
    await page.click('#signout');
    await page.waitForSelector('#signin');
    expect(asked).toEqual(['beforeunload']);
    await context.close();
  });
});

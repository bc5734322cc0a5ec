/**
 * A worker's first hour on a 360×740 phone, in real Chromium on real wrangler dev (issue 23): the
 * receipt code is on screen and focused the moment the report is stored, with nothing of the start
 * page above it; without JavaScript the page says at once that it cannot send securely and what to
 * do instead, and shows no form; the constancia names the plant by its name, and says what its id is.
 * With SCREENSHOTS_DIR set, it also saves what it saw there.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, phoneContext } from '../../scripts/lib/browser';
import { reportFromPhone } from './phone-steps';

const base = inject('baseUrl');
const shots = process.env.SCREENSHOTS_DIR;
const VIEWPORT = { width: 360, height: 740 };

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium({ actionTimeoutMs: 60_000 });
});
afterAll(async () => browser?.close());

const screenshot = async (page: Page, name: string) => shots && (await page.screenshot({ path: join(shots, `${name}.png`) }));

/** Whether the element's box lies wholly inside the viewport and below the sticky top bar. */
const onScreen = (page: Page, selector: string) =>
  page.$eval(selector, (e) => {
    const box = e.getBoundingClientRect();
    const bar = document.querySelector('.bar')?.getBoundingClientRect().bottom ?? 0;
    return { top: box.top, bottom: box.bottom, bar, height: window.innerHeight, width: window.innerWidth, left: box.left, right: box.right };
  });

describe("a worker's first hour", () => {
  it('should show the receipt code on the first screen after sending, focused inside a heading, with nothing of the start page above it', async () => {
    const phone = await phoneContext(browser, { viewport: VIEWPORT });
    const page = await phone.newPage();
    const code = await reportFromPhone(page, { description: 'Nos dijeron cómo votar. Recibo en pantalla.' });

    const box = await onScreen(page, '#receipt-code');
    expect(box.top).toBeGreaterThanOrEqual(box.bar);
    expect(box.bottom).toBeLessThanOrEqual(box.height);
    expect(box.left).toBeGreaterThanOrEqual(0);
    expect(box.right).toBeLessThanOrEqual(box.width);
    // Focus is on the heading that holds the code: a screen reader reads "Tu reporte llegó. Tu código de recibo es: …".
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('receipt-heading');
    expect(await page.evaluate(() => document.activeElement!.contains(document.getElementById('receipt-code')))).toBe(true);
    const heading = await page.getByRole('heading', { level: 1 }).filter({ visible: true }).allTextContents();
    expect(heading).toHaveLength(1);
    expect(heading[0]!.replace(/\s+/g, ' ')).toContain(`Tu reporte llegó. Tu código de recibo es: ${code}`);
    // Nothing of the start page is left: not its title, promises or links.
    for (const selector of ['#intro', '#report', '.promises', 'text=Reporta sin dar tu nombre']) expect(await page.isVisible(selector), selector).toBe(false);
    // The copy button is on that first screen too.
    expect((await onScreen(page, '#copy-code')).bottom).toBeLessThanOrEqual(VIEWPORT.height);
    await screenshot(page, 'receipt-es-360x740');

    // The constancia names the plant as the form did, and says what the id in its text is.
    await page.tap('#show-constancia');
    await page.waitForSelector('#constancia-panel:not([hidden])');
    const proves = (await page.textContent('#constancia-proves'))!;
    expect(proves).toContain('se presentó un reporte en Planta Demo Silao');
    expect(proves).toContain('la planta aparece con su clave en Buzón: «demo-silao»');
    await phone.close();
  });

  it('should say at once, without JavaScript, that this browser cannot send securely, offer the plant mail and another browser, and show no form', async () => {
    const phone = await phoneContext(browser, { viewport: VIEWPORT, javaScriptEnabled: false });
    const page = await phone.newPage();
    const policyErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && policyErrors.push(m.text()));
    await page.goto(`${base}/f/demo`);

    // The notice is the first thing on the screen.
    expect(await page.isVisible('#no-script')).toBe(true);
    const top = await onScreen(page, '#no-script-heading');
    expect(top.bottom).toBeLessThanOrEqual(VIEWPORT.height);
    expect(await page.textContent('#no-script-heading')).toBe('Este navegador no puede enviar tu reporte de forma segura');
    const mail = page.locator('#no-script a[href^="mailto:"]');
    expect(await mail.getAttribute('href')).toBe('mailto:demo@buzon.example.org');
    expect(await mail.isVisible()).toBe(true);
    const notice = (await page.textContent('#no-script'))!;
    expect(notice).toContain('Los correos a esta dirección los leen el monitor de neutralidad de la empresa y la autoridad laboral.');
    expect(notice).toContain('otro navegador');
    // No form that could never be sent: no field, no choice, no "Preparando el envío seguro…" button.
    for (const selector of ['#report', '#description', '#cat-intimidation', '#send', '#neutral-title'])
      expect(await page.isVisible(selector), selector).toBe(false);
    expect(await page.getByText('Preparando el envío seguro').filter({ visible: true }).count()).toBe(0);
    // The rule that hides it ran under the page's strict policy (no "Refused to apply inline style").
    expect(policyErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
    await screenshot(page, 'no-script-es-360x740');
    if (shots) await page.screenshot({ path: join(shots, 'no-script-es-full.png'), fullPage: true });

    // The plant chooser lists each plant's address, in English too.
    await page.goto(`${base}/?lang=en`);
    expect(await page.textContent('#no-script-heading')).toBe('This browser cannot send your report safely');
    expect(await page.locator('#no-script li', { hasText: 'Planta Demo Silao' }).locator('a[href="mailto:demo@buzon.example.org"]').count()).toBe(1);
    expect(await page.isVisible('#report')).toBe(false);
    await screenshot(page, 'no-script-en-360x740');

    // The follow-up page says the same instead of a code box whose button never works.
    await page.goto(`${base}/seguimiento`);
    expect(await page.isVisible('#open-case')).toBe(false);
    expect(await page.isVisible('#receipt-code')).toBe(false);
    // (by CSS: Playwright's text search skips what is inside <noscript>)
    const followUpNotice = page.locator('main > noscript p.notice');
    expect(await followUpNotice.isVisible()).toBe(true);
    expect(await followUpNotice.textContent()).toContain('Este navegador no puede abrir tu caso de forma segura');
    await phone.close();
  });

  it('should keep the form, and no notice, where scripts run', async () => {
    const phone = await phoneContext(browser, { viewport: VIEWPORT });
    const page = await phone.newPage();
    await page.goto(`${base}/f/demo`);
    expect(await page.isVisible('#report')).toBe(true);
    expect(await page.locator('#no-script').count()).toBe(0);
    await phone.close();
  });
});

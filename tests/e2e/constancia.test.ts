/**
 * The constancia in real Chromium on real wrangler dev: the receipt screen holds no constancia
 * until "Ver constancia" is tapped, then shows its text and a QR code that reads back as that
 * text; /constancia says valid for the plant and day (and invalid once changed); the follow-up
 * page signs the same text again with the case's clocks; and the CLI checks it offline and online.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, phoneContext } from '../../scripts/lib/browser';
import { reportFromPhone } from './phone-steps';

const run = promisify(execFile);
const base = inject('baseUrl');

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium({ actionTimeoutMs: 60_000 });
});
afterAll(async () => browser?.close());

/** Every request a page makes: none may leave this origin. */
function watchRequests(context: BrowserContext): string[] {
  const urls: string[] = [];
  context.on('request', (r) => urls.push(r.url()));
  return urls;
}

const report = (page: Page) => reportFromPhone(page, { description: 'Nos dijeron que si no firmamos nos corren. Constancia e2e.' });

const qrText = async (page: Page) => {
  const png = PNG.sync.read(await page.locator('#constancia-qr').screenshot());
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
};

describe('constancia in the browser', () => {
  it('should show no constancia on the receipt until tapped, then its text and QR, and /constancia and the CLI verify it', async () => {
    const phone = await phoneContext(browser);
    const requests = watchRequests(phone);
    const page = await phone.newPage();
    await report(page);

    // Nothing of it on the page by default: not shown, not even hidden in the markup; no QR script yet.
    expect(requests.some((u) => u.endsWith('/assets/qr.js'))).toBe(false);
    expect(await page.isHidden('#constancia-panel')).toBe(true);
    expect(await page.evaluate(() => document.documentElement.outerHTML.includes('BZC1.'))).toBe(false);
    expect(await page.getAttribute('#constancia-qr', 'src')).toBeNull();
    expect(await page.textContent('#show-constancia')).toBe('Ver constancia');

    await page.tap('#show-constancia');
    await page.waitForSelector('#constancia-panel:not([hidden])');
    const text = (await page.textContent('#constancia-text'))!.trim();
    expect(text).toMatch(/^BZC1\.demo-silao\.\d{4}-\d{2}-\d{2}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{86}$/);
    expect(await page.textContent('#constancia-proves')).toContain('demo-silao');
    expect(await page.textContent('#constancia-panel')).toContain('No dice qué escribiste');
    expect(await qrText(page)).toBe(text);
    // The QR drawer is its own script, fetched only now, from this origin.
    expect(requests.some((u) => u.endsWith('/assets/qr.js'))).toBe(true);
    expect(await page.evaluate(() => document.querySelector('script[src="/assets/qr.js"]')?.getAttribute('integrity'))).toMatch(/^sha384-/);

    // Tapping again takes it off the page.
    await page.tap('#show-constancia');
    expect(await page.isHidden('#constancia-panel')).toBe(true);
    expect(await page.evaluate(() => document.documentElement.outerHTML.includes('BZC1.'))).toBe(false);

    // The public page: valid, for this plant, on this day; and invalid with another day.
    const day = text.split('.')[2]!;
    const check = await phone.newPage();
    await check.goto(`${base}/constancia`);
    await check.fill('#constancia', text);
    await check.tap('#verify');
    await check.waitForSelector('#verify-result');
    expect(await check.getAttribute('#verify-result', 'data-valid')).toBe('true');
    expect(await check.getAttribute('#verify-result', 'data-facility')).toBe('demo-silao');
    expect(await check.getAttribute('#verify-result', 'data-day')).toBe(day);
    expect(await check.textContent('#verify-result')).toContain('La constancia es verdadera');
    await check.fill('#constancia', text.replace(day, '2020-01-01'));
    await check.tap('#verify');
    await check.waitForSelector('#verify-result[data-valid="false"]');

    // No cookie, no storage, nothing from another origin.
    expect(await phone.cookies()).toEqual([]);
    expect(await check.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
    expect(requests.filter((u) => !u.startsWith(base) && !u.startsWith('data:'))).toEqual([]);

    // The CLI: the key from /.well-known checked here, and the site's own check.
    const cli = (args: string[]) => run('npx', ['tsx', 'scripts/constancia-verify.ts', ...args]).then((r) => ({ code: 0, out: r.stdout }), (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }));
    const offline = await cli([text, '--origin', base]);
    expect(offline).toMatchObject({ code: 0 });
    expect(offline.out).toContain(`valid: a report was filed for plant demo-silao, released to its readers on ${day}`);
    const online = await cli([text, '--origin', base, '--online']);
    expect(online.code).toBe(0);
    expect(online.out).toContain('demo-silao');
    expect((await cli([text.replace('demo-silao', 'demo-leon'), '--origin', base])).code).toBe(1);
    await phone.close();
  });

  it('should give the code holder the same constancia on the follow-up page, on request, with the clocks', async () => {
    const phone = await phoneContext(browser);
    const page = await phone.newPage();
    await report(page);
    await page.tap('#show-constancia');
    await page.waitForSelector('#constancia-panel:not([hidden])');
    const text = (await page.textContent('#constancia-text'))!.trim();
    const code = (await page.textContent('#receipt-code'))!.trim();

    const followUp = await phone.newPage();
    await followUp.goto(`${base}/seguimiento`);
    await followUp.waitForFunction(() => !(document.getElementById('open') as HTMLButtonElement).disabled);
    await followUp.fill('#receipt-code', code);
    await followUp.tap('#open');
    await followUp.waitForSelector('#case:not([hidden])', { timeout: 60_000 });
    expect(await followUp.isHidden('#constancia-panel')).toBe(true);
    expect(await followUp.evaluate(() => document.documentElement.outerHTML.includes('BZC1.'))).toBe(false);
    await followUp.tap('#show-constancia');
    await followUp.waitForSelector('#constancia-panel:not([hidden])', { timeout: 60_000 });
    expect((await followUp.textContent('#constancia-text'))!.trim()).toBe(text);
    expect(await qrText(followUp)).toBe(text);
    const clocks = await followUp.locator('#constancia-clocks li').allTextContents();
    // The three clocks in the words every surface uses (locales clock.*, src/domain/clocks.ts).
    expect(clocks).toHaveLength(3);
    expect(clocks[0]).toMatch(/^Acuse de recibo: En plazo\. Todavía no; el plazo vence el \d+ de \w+ de \d{4}\.$/);
    expect(clocks[1]).toMatch(/^Respuesta de fondo: En plazo\. Todavía no;/);
    expect(clocks[2]).toMatch(/^Cierre del caso: En plazo\. Todavía no;/);
    await phone.close();
  });
});

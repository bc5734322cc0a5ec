/**
 * Only the worker brings in the authority, in real Chromium on real wrangler dev: a worker reports
 * to the demo plant's monitor alone and adds a PDF with an answer; the monitor asks permission
 * (a standard reply with one button on the follow-up page); the worker widens from /seguimiento
 * after being told it cannot be undone (it takes effect at the next release, for both sides); after that release the labor official signs in and
 * opens the report, its thread and its file, decrypted in their own browser.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, phoneContext } from '../../scripts/lib/browser';
import { releaseNow } from '../../scripts/lib/dev-server';
import { openCaseWith, signInConsole } from './console-steps';
import { reportFromPhone } from './phone-steps';

const base = inject('baseUrl');
const stateDir = inject('stateDir');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium({ actionTimeoutMs: 60_000 });
});
afterAll(async () => browser?.close());

async function openFollowUp(page: Page, code: string) {
  await page.goto(`${base}/seguimiento`);
  await page.waitForFunction(() => !(document.getElementById('open') as HTMLButtonElement).disabled);
  await page.fill('#receipt-code', code);
  await page.tap('#open');
  await page.waitForSelector('#case:not([hidden])', { timeout: 60_000 });
}

async function triage(page: Page, status: string) {
  await page.evaluate(() => (document.getElementById('triage-status-msg')!.textContent = ''));
  await page.selectOption('#triage-status', status);
  await page.click('#triage button[type=submit]');
  await page.waitForFunction(
    (s) => (document.getElementById('triage-status') as HTMLSelectElement).value === s && document.getElementById('triage-status-msg')!.textContent !== '',
    status,
  );
}

describe('the worker sends their case to the authority', () => {
  it('should let the official open the report, thread and file only after the worker widened it', async () => {
    const marker = `Autoridad${Date.now().toString(36)}`;
    const phone = await phoneContext(browser);
    const worker = await phone.newPage();
    const code = await reportFromPhone(worker, { description: `${marker} nos amenazaron por el sindicato`, sendTo: 'monitor' });
    await releaseNow(stateDir);

    // The worker adds a PDF with an answer; the page offers the widening from the start.
    const followUp = await phone.newPage();
    await openFollowUp(followUp, code);
    expect(await followUp.isVisible('#widen')).toBe(true);
    await followUp.setInputFiles('#answer-files', [{ name: 'contrato.pdf', mimeType: 'application/pdf', buffer: PDF }]);
    await followUp.waitForSelector('#answer-attachment-list li');
    await followUp.fill('#answer', 'Les mando el contrato.');
    await followUp.tap('#send-answer');
    await followUp.waitForFunction(() => document.getElementById('thread')!.textContent!.includes('Les mando el contrato.'), null, { timeout: 60_000 });
    await releaseNow(stateDir);

    // The monitor cannot send it to the authority: the choice is to ask the worker.
    const laptop = await browser.newContext({ locale: 'es-MX', viewport: { width: 1280, height: 900 } });
    const monitor = await laptop.newPage();
    await signInConsole(monitor, '.demo-monitor.txt');
    await openCaseWith(monitor, marker);
    await triage(monitor, 'acknowledged');
    const options = await monitor.locator('#triage-status option').allTextContents();
    expect(options).toContain('Pidió permiso para enviarlo a la autoridad');
    expect(options).not.toContain('Enviado a la autoridad laboral');
    await triage(monitor, 'permission_asked');
    expect(await monitor.textContent('#triage-status-msg')).toBe('Le preguntamos al trabajador. Solo él puede enviarlo a la autoridad.');

    // The official does not have it.
    const office = await browser.newContext({ acceptDownloads: true, locale: 'es-MX', viewport: { width: 1280, height: 900 } });
    const official = await office.newPage();
    await signInConsole(official, '.demo-official.txt');
    await official.waitForSelector('#cases');
    expect(await official.locator('#cases tbody tr', { hasText: marker }).count()).toBe(0);

    // The worker sees the question in their page's words, with its button, and the monitor's status.
    const again = await phone.newPage();
    await openFollowUp(again, code);
    expect(await again.textContent('#case-status')).toContain('Monitor de la empresa: Pidió permiso para enviarlo a la autoridad');
    expect(await again.textContent('#thread')).toContain('El monitor de la empresa te pregunta si quieres que la autoridad laboral también lea tu caso.');
    await again.locator('#thread button', { hasText: 'Ver cómo enviarlo a la autoridad' }).tap();
    expect(await again.evaluate(() => document.activeElement?.id)).toBe('widen-button');
    // The first press says it cannot be undone; the second sends.
    await again.tap('#widen-button');
    expect(await again.isVisible('#widen-confirm')).toBe(true);
    expect(await again.textContent('#widen-confirm')).toContain('Después no lo puedes quitar: lo que lean ya lo leyeron.');
    await again.tap('#widen-button');
    await again.waitForFunction(() => document.getElementById('widen-status')!.textContent!.startsWith('Listo'), null, { timeout: 60_000 });
    expect(await again.isHidden('#widen')).toBe(true);
    expect(await again.isVisible('#widened')).toBe(true);
    // Recorded, and it says when it takes effect: until that release the case reads as before, here as in the console.
    expect(await again.textContent('#widened')).toContain('Se aplica en la próxima entrega');
    expect(await again.locator('#case-status li').allTextContents()).toEqual(['Monitor de la empresa: Pidió permiso para enviarlo a la autoridad']);
    expect(await phone.storageState()).toEqual({ cookies: [], origins: [] });

    // After the next release the official opens the report, the thread and the file, and the worker's page shows both sides.
    await releaseNow(stateDir);
    const released = await phone.newPage();
    await openFollowUp(released, code);
    await released.waitForSelector('#case-status li');
    expect(await released.locator('#case-status li').allTextContents()).toEqual([
      'Monitor de la empresa: Enviado a la autoridad laboral',
      'Autoridad laboral: Recibido, sin leer',
    ]);
    expect(await released.textContent('#widened')).toBe('Tú lo enviaste también a la autoridad laboral. Ya no se puede quitar.');
    const later = await office.newPage();
    await signInConsole(later, '.demo-official.txt');
    await openCaseWith(later, marker);
    expect(await later.textContent('#report-fields')).toContain(`${marker} nos amenazaron por el sindicato`);
    await later.waitForFunction(() => document.getElementById('case-thread')!.textContent!.includes('Les mando el contrato.'));
    expect(await later.textContent('#case-thread')).toContain('¿Quieres que la autoridad laboral también lea tu caso?');
    await later.waitForSelector('#case-attachments li');
    const item = later.locator('#case-attachments li').first();
    await item.locator('button').click();
    const link = item.locator('a[download]');
    await link.waitFor();
    const [file] = await Promise.all([later.waitForEvent('download'), link.click()]);
    expect((await readFile((await file.path())!)).equals(PDF)).toBe(true);

    // The monitor's side says the same as the worker's page.
    await monitor.click('#back');
    await openCaseWith(monitor, marker);
    expect(await monitor.locator('#triage-status option:checked').textContent()).toBe('Enviado a la autoridad laboral');
    await Promise.all([phone.close(), laptop.close(), office.close()]);
  }, 900_000); // four roles, three releases and a file, on a shared machine
});

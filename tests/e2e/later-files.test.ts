/**
 * A worker adds a file later: on /seguimiento, with the receipt code, a PDF goes with an answer;
 * the monitor sees neither before the answer's release, then opens it in the console and
 * downloads the very bytes the worker chose.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
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

const names = async (page: Page) => (await page.locator('#case-attachments .name').allTextContents()).map((n) => n.split(' · ')[0]);

describe('files added later on the follow-up page', () => {
  it('should carry a PDF with an answer, hidden from the monitor until its release, then byte for byte', async () => {
    const marker = `Tarde${Date.now().toString(36)}`;
    const phone = await phoneContext(browser);
    const worker = await phone.newPage();
    const code = await reportFromPhone(worker, { description: marker });
    await releaseNow(stateDir);

    // The worker opens the case with the code and sends an answer with a PDF.
    const followUp = await phone.newPage();
    await followUp.goto(`${base}/seguimiento`);
    await followUp.waitForFunction(() => !(document.getElementById('open') as HTMLButtonElement).disabled);
    await followUp.fill('#receipt-code', code);
    await followUp.tap('#open');
    await followUp.waitForSelector('#case:not([hidden])', { timeout: 60_000 });
    await followUp.setInputFiles('#answer-files', [{ name: 'IMG_scan_contrato_juan.pdf', mimeType: 'application/pdf', buffer: PDF }]);
    await followUp.waitForSelector('#answer-attachment-list li');
    // The phone's own file name never shows, nor leaves: a neutral one does.
    expect(await followUp.textContent('#answer-attachment-list')).toContain('documento-1.pdf');
    expect(await followUp.textContent('#answer-attachment-list')).not.toContain('juan');
    await followUp.fill('#answer', 'Les mando el contrato.');
    await followUp.tap('#send-answer');
    await followUp.waitForFunction(() => document.getElementById('thread')!.textContent!.includes('Les mando el contrato.'), null, { timeout: 60_000 });
    // Named for the answer it came with, as the console and `decrypt --out` name it, and listed in "Lo que enviaste".
    expect(await followUp.textContent('#thread')).toContain('Archivos que mandaste: respuesta-1-documento-1.pdf');
    expect(await followUp.textContent('#sent-files')).toContain('respuesta-1-documento-1.pdf');
    expect(await followUp.locator('#answer-attachment-list li').count()).toBe(0);
    expect(await phone.storageState()).toEqual({ cookies: [], origins: [] });

    // Before the answer's release the monitor sees the case without the file.
    const laptop = await browser.newContext({ acceptDownloads: true, locale: 'es-MX', viewport: { width: 1280, height: 900 } });
    const monitor = await laptop.newPage();
    await signInConsole(monitor, '.demo-monitor.txt');
    await openCaseWith(monitor, marker);
    expect(await monitor.textContent('#case-thread')).not.toContain('Les mando el contrato.');
    expect(await names(monitor)).toEqual([]);

    // Released: the answer and its file show; the download is the PDF the worker chose.
    await releaseNow(stateDir);
    await monitor.click('#back');
    await openCaseWith(monitor, marker);
    await monitor.waitForFunction(() => document.getElementById('case-thread')!.textContent!.includes('Les mando el contrato.'));
    await monitor.waitForSelector('#case-attachments li');
    expect(await names(monitor)).toEqual(['respuesta-1-documento-1.pdf']);
    // Shown with its answer, and marked new until opened.
    expect(await monitor.textContent('#case-thread')).toContain('Archivos con esta respuesta: respuesta-1-documento-1.pdf');
    expect(await monitor.locator('#case-attachments li').first().textContent()).toContain('● Nuevo');
    const item = monitor.locator('#case-attachments li').first();
    await item.locator('button').click();
    const link = item.locator('a[download]');
    await link.waitFor();
    const [file] = await Promise.all([monitor.waitForEvent('download'), link.click()]);
    expect(file.suggestedFilename()).toBe('respuesta-1-documento-1.pdf');
    expect(await item.textContent()).not.toContain('● Nuevo');
    expect((await readFile((await file.path())!)).equals(PDF)).toBe(true);
    await laptop.close();
    await phone.close();

    // The terminal opens the same file: listed with the case, saved byte for byte with --out.
    const decrypt = async (...args: string[]) =>
      (await promisify(execFile)('npx', ['tsx', 'scripts/decrypt-reports.ts', '--passphrase-file', join(stateDir, '.demo-monitor.txt'), '--persist-to', stateDir, ...args])).stdout;
    const mine = (await decrypt('--json')).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((c) => String(c.report.description).includes(marker));
    // Named for the answer that brought it, as in the console: never confused with the report's own files.
    expect(mine.addedLater.map((a: { name: string }) => a.name)).toEqual(['respuesta-1-documento-1.pdf']);
    const out = await mkdtemp(join(tmpdir(), 'buzon-decrypt-'));
    const text = await decrypt('--report', mine.id, '--out', out);
    expect(text).toContain('Archivos adjuntos: respuesta-1-documento-1.pdf');
    expect(await readdir(join(out, mine.id))).toEqual(['respuesta-1-documento-1.pdf']);
    expect((await readFile(join(out, mine.id, 'respuesta-1-documento-1.pdf'))).equals(PDF)).toBe(true);
  });
});

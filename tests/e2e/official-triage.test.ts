/**
 * An official works a case the worker sent to the company and the authority, in real Chromium on
 * real wrangler dev: the demo official replies and moves the authority's side to "under
 * investigation"; the monitor still sees the company's side alone; the worker's follow-up page shows
 * both sides' status, each named by who works it (issue 14 §2).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, phoneContext } from '../../scripts/lib/browser';
import { releaseNow } from '../../scripts/lib/dev-server';
import { openCaseWith, signInConsole } from './console-steps';
import { reportFromPhone } from './phone-steps';

const base = inject('baseUrl');
const stateDir = inject('stateDir');

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium({ actionTimeoutMs: 60_000 });
});
afterAll(async () => browser?.close());

const facts = (page: import('playwright-core').Page) => page.locator('#case-facts li').allTextContents();

describe('an official works the authority side of a case', () => {
  it('should let the demo official reply and investigate, and show the worker each side labelled', async () => {
    const marker = `Autoridad${Date.now().toString(36)}`;
    const phone = await phoneContext(browser);
    const worker = await phone.newPage();
    const code = await reportFromPhone(worker, { description: `${marker} nos dijeron que votáramos por el sindicato de la empresa.`, sendTo: 'both' });
    await releaseNow(stateDir);

    // The official: status and severity of the authority's side; tags and assignment are the company's.
    const laptop = await browser.newContext({ locale: 'es-MX', viewport: { width: 1280, height: 900 } });
    const official = await laptop.newPage();
    await signInConsole(official, '.demo-official.txt');
    await openCaseWith(official, marker);
    expect(await official.isVisible('#triage-tags-field')).toBe(false);
    expect(await official.isVisible('#triage-assignee-field')).toBe(false);
    expect(await official.textContent('#triage-side')).toBe('Tu parte del caso: Autoridad laboral');
    expect(await facts(official)).toEqual(expect.arrayContaining(['Monitor de la empresa: Recibido, sin leer', 'Autoridad laboral: Recibido, sin leer']));

    await official.fill('#reply', 'Soy de la autoridad laboral. Revisaremos tu caso.');
    await official.click('#send-reply'); // asks
    await official.click('#send-reply'); // sends
    await official.waitForFunction(() => document.getElementById('case-thread')!.textContent!.includes('Revisaremos tu caso'));
    // The reply acknowledged the authority's side, in the console as on the worker's page.
    await official.waitForFunction(() => document.getElementById('case-facts')!.textContent!.includes('Autoridad laboral: Leído'));
    await official.selectOption('#triage-status', 'investigating');
    await official.selectOption('#triage-severity', 'high');
    await official.click('#triage button[type=submit]');
    await official.waitForFunction(() => document.getElementById('case-facts')!.textContent!.includes('Autoridad laboral: En investigación'));
    expect(await official.textContent('#triage-status-msg')).toBe('Guardado.');
    expect(await facts(official)).toContain('Monitor de la empresa: Recibido, sin leer');
    await official.click('#back');
    const row = official.locator('#cases tbody tr', { hasText: marker });
    expect(await row.textContent()).toContain('Monitor de la empresa: Recibido, sin leer · Autoridad laboral: En investigación');
    // The list has a severity column, and sorts by it (and by the other keyed columns) in the page.
    expect(await row.locator('td.severity').textContent()).toBe('Alta');
    const keys = (attr: string) => official.$$eval('#cases tbody tr', (rows, a) => rows.map((r) => Number(r.getAttribute(a))), attr);
    await official.click('#cases th[data-sort=severity] button');
    await official.click('#cases th[data-sort=severity] button');
    expect(await official.getAttribute('#cases th[data-sort=severity]', 'aria-sort')).toBe('descending');
    const severities = await keys('data-sort-severity');
    expect(severities).toEqual([...severities].sort((a, b) => b - a));
    expect(severities[0]).toBeGreaterThanOrEqual(2); // "Alta" or above comes first
    await official.click('#cases th[data-sort=days] button');
    expect(await official.getAttribute('#cases th[data-sort=days]', 'aria-sort')).toBe('ascending');
    expect(await official.getAttribute('#cases th[data-sort=severity]', 'aria-sort')).toBeNull();
    const days = await keys('data-sort-days');
    expect(days).toEqual([...days].sort((a, b) => a - b));
    // "Estado" no longer means two things side by side: the case's status, the Mexican state.
    expect(await official.textContent('label:has(#filter-status)')).toContain('Estado del caso');
    expect(await official.textContent('label:has(#trends-state)')).toContain('Estado de la República');

    // The monitor sees the company's side, and the authority's reply (the worker's thread is shared), never its status.
    const monitor = await laptop.newPage();
    await signInConsole(monitor, '.demo-monitor.txt');
    await openCaseWith(monitor, marker);
    const monitorFacts = await facts(monitor);
    expect(monitorFacts).toContain('Monitor de la empresa: Recibido, sin leer');
    expect(monitorFacts).toContain('La autoridad laboral también recibió este caso. Lo que hace con él no se muestra a la empresa.');
    expect(monitorFacts.join(' ')).not.toContain('En investigación');
    expect(await monitor.textContent('#case-thread')).toContain('Revisaremos tu caso');

    // The worker: each side's own status, labelled, and the reply says who wrote it.
    const followUp = await phone.newPage();
    await followUp.goto(`${base}/seguimiento`);
    await followUp.waitForFunction(() => !(document.getElementById('open') as HTMLButtonElement).disabled);
    await followUp.fill('#receipt-code', code);
    await followUp.tap('#open');
    await followUp.waitForSelector('#case:not([hidden])', { timeout: 60_000 });
    expect(await followUp.locator('#case-status li').allTextContents()).toEqual(['Monitor de la empresa: Recibido, sin leer', 'Autoridad laboral: En investigación']);
    const reply = followUp.locator('#thread li', { hasText: 'Revisaremos tu caso' });
    expect(await reply.locator('.who').textContent()).toMatch(/^Autoridad laboral · /);
    expect(await reply.locator('.warning').count()).toBe(0); // signed by the listed official: genuine
    await laptop.close();
    await phone.close();
  });
});

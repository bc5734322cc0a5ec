/**
 * The whole loop in real Chromium on real wrangler dev: a worker reports in Spanish, a monitor
 * signs in, decrypts, acknowledges and replies, the worker reads the reply with the receipt code
 * and answers, and the monitor sees the answer. The report carries an HTML/script canary that
 * must stay inert text in the console.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, phoneContext } from '../../scripts/lib/browser';
import { releaseNow } from '../../scripts/lib/dev-server';
import { openLocalPlatform } from '../../scripts/lib/local-platform';
import { openCaseWith, signInConsole } from './console-steps';
import { codeInUrl } from './state-files';
import { reportFromPhone } from './phone-steps';

const run = promisify(execFile);
const base = inject('baseUrl');
const stateDir = inject('stateDir');
const CANARY_HTML = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>negrita</b>';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium({ actionTimeoutMs: 60_000 });
});
afterAll(async () => browser?.close());

/** A worker reports this week's events to the monitor from the phone; gives the receipt code. */
async function reportAndCheckReceipt(phone: BrowserContext, r: { category: string; description: string; where?: string }): Promise<string> {
  const worker = await phone.newPage();
  const code = await reportFromPhone(worker, r);
  // Nobody reads in real time: the receipt says when the batch reaches the readers, and what to do in danger.
  expect(await worker.textContent('#receipt-release')).toMatch(/^Lo pueden leer a partir de (hoy|mañana) a las \d{1,2} de la (mañana|tarde|noche)\.$/);
  expect(await worker.textContent('#receipt')).toContain('911');
  return code;
}

/** The worker opens the case on the follow-up page with the code as typed. */
async function openFollowUp(phone: BrowserContext, typed: string): Promise<Page> {
  const followUp = await phone.newPage();
  await followUp.goto(`${base}/seguimiento`);
  await followUp.waitForFunction(() => !(document.getElementById('open') as HTMLButtonElement).disabled);
  await followUp.fill('#receipt-code', typed);
  await followUp.tap('#open');
  await followUp.waitForSelector('#case:not([hidden])', { timeout: 60_000 });
  return followUp;
}

describe('report → triage → reply → worker reads and answers → monitor sees it', () => {
  it('should run the full loop with everything decrypted only in the browsers', async () => {
    const marker = `Marca${Date.now().toString(36)}`;

    // 1. A worker submits in Spanish on a phone.
    const phone = await phoneContext(browser);
    const code = await reportAndCheckReceipt(phone, { category: 'intimidation', where: CANARY_HTML, description: `${marker} ${CANARY_HTML}` });

    // 2. Until its release the report exists for no reader: not in the list, not in the count.
    const laptop = await browser.newContext({ locale: 'es-MX', viewport: { width: 1280, height: 900 } });
    const early = await laptop.newPage();
    await signInConsole(early, '.demo-monitor.txt');
    await early.waitForFunction(() => document.getElementById('list-count')!.textContent !== '');
    expect(await early.locator('#cases tbody tr', { hasText: marker }).count()).toBe(0);
    await early.close();
    await releaseNow(stateDir);

    // 3. After the release the monitor signs in, decrypts, acknowledges and replies.
    const monitor = await laptop.newPage();
    const dialogs: string[] = [];
    monitor.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signInConsole(monitor, '.demo-monitor.txt');
    await openCaseWith(monitor, marker);
    const fields = await monitor.textContent('#report-fields');
    expect(fields).toContain(CANARY_HTML); // shown as the literal text the worker typed
    expect(await monitor.locator('#report-fields img, #report-fields script, #report-fields b').count()).toBe(0);
    expect(await monitor.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    const axe = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
    await monitor.evaluate(axe);
    const a11y = await monitor.evaluate(async () => (window as any).axe.run(document, { resultTypes: ['violations'] }));
    expect(a11y.violations.map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target).join(' ')}`)).toEqual([]);
    await monitor.selectOption('#triage-status', 'acknowledged');
    await monitor.click('#triage button[type=submit]');
    await monitor.waitForFunction(() => document.getElementById('triage-status-msg')!.textContent !== '');
    // The categories the worker ticked are in the opened case (and its print).
    expect(await monitor.textContent('#report-fields')).toContain('¿Qué pasó? (lo que marcó el trabajador)');
    // "Leído" tells the worker nothing: the acknowledgement is still what is due next, and the console says why.
    expect(await monitor.textContent('#case-due-next')).toMatch(/^Lo que sigue: Acuse de recibo, a más tardar el \d{4}-\d{2}-\d{2}\.$/);
    expect(await monitor.textContent('#case-view')).toContain('Poner el estado «Leído» solo ordena tu lista');
    // "Acusar recibo" sends the signed standard acknowledgement: that clock stops, the answer is next.
    expect(await monitor.isVisible('#send-ack')).toBe(true);
    await monitor.click('#send-ack');
    await monitor.waitForFunction(() => document.getElementById('case-due-next')!.textContent!.startsWith('Lo que sigue: Respuesta de fondo'));
    expect(await monitor.isHidden('#ack-box')).toBe(true);
    expect(await monitor.textContent('#case-facts')).toMatch(/Acuse de recibo: A tiempo\. Fue el \d{4}-\d{2}-\d{2}/);
    // Each message has its own heading (the kind), then who wrote it and when.
    expect(await monitor.locator('#case-thread li.msg-reply h4').first().textContent()).toBe('✉ Acuse de recibo');
    expect(await monitor.locator('#case-thread li.msg-reply .who').first().textContent()).toMatch(/^Monitor de la empresa · /);
    await monitor.fill('#reply', 'Leímos tu reporte. ¿En qué turno pasó?');
    // A reply reaches the worker: the first press asks, on the same button; the second sends.
    await monitor.click('#send-reply');
    expect(await monitor.textContent('#send-reply')).toBe('Sí, enviar al trabajador');
    expect(await monitor.locator('#case-thread li', { hasText: '¿En qué turno pasó?' }).count()).toBe(0);
    await monitor.click('#send-reply');
    await monitor.waitForFunction(() => document.getElementById('case-thread')!.textContent!.includes('¿En qué turno pasó?'));
    expect(await monitor.textContent('#message-status')).toBe('Respuesta enviada. El trabajador la verá con su código.');
    // A note looks and reads unlike a reply, and says so.
    await monitor.fill('#note', 'Revisar con RH el turno de noche.');
    await monitor.click('#add-note');
    await monitor.waitForFunction(() => document.getElementById('case-thread')!.textContent!.includes('Revisar con RH'));
    expect(await monitor.textContent('#message-status')).toBe('Nota guardada. El trabajador no la ve. Solo la ven los monitores de la empresa que pueden leer este caso.');
    const note = monitor.locator('#case-thread li.msg-note', { hasText: 'Revisar con RH' });
    expect(await note.textContent()).toContain('El trabajador no la ve. Solo la ven los monitores de la empresa que pueden leer este caso.');
    expect(await monitor.locator('#case-thread li.msg-reply', { hasText: '¿En qué turno pasó?' }).textContent()).toContain('Lo verá el trabajador');

    // 4. The worker opens the follow-up page with the receipt, reads the reply and answers.
    const followUp = await openFollowUp(phone, code.toLowerCase().replace(/-/g, ' '));
    expect(await followUp.textContent('#case-status')).toBe('Monitor de la empresa: Leído');
    expect(await followUp.textContent('#thread')).toContain('Leímos tu reporte. ¿En qué turno pasó?');
    // The standard acknowledgement, in the page's own words, signed by the monitor.
    expect(await followUp.textContent('#thread')).toContain('Recibimos tu reporte y lo estamos leyendo. Te responderemos por aquí.');
    expect(await followUp.textContent('#sent-categories')).toMatch(/^Marcaste: /);
    expect(await followUp.locator('#thread .warning').count()).toBe(0); // signed by a listed monitor: genuine
    expect(codeInUrl(followUp.url(), code)).toBe(false);
    await followUp.fill('#answer', 'En el turno de noche, el martes.');
    await followUp.tap('#send-answer');
    await followUp.waitForFunction(() => document.getElementById('thread')!.textContent!.includes('turno de noche'));
    expect(await phone.storageState()).toEqual({ cookies: [], origins: [] });

    // 5. The monitor sees the answer once it is released: the list marks the case until it is opened.
    await releaseNow(stateDir);
    await monitor.click('#back');
    await monitor.waitForFunction((m) => [...document.querySelectorAll('#cases tbody tr')].some((tr) => tr.textContent!.includes(m) && tr.textContent!.includes('Respuesta nueva')), marker);
    expect(await monitor.textContent('#list-count')).toMatch(/con respuesta nueva del trabajador/);
    await openCaseWith(monitor, marker);
    expect(await monitor.textContent('#case-facts')).toContain('El trabajador contestó');
    await monitor.waitForFunction(() => document.getElementById('case-thread')!.textContent!.includes('turno de noche'));
    expect(await monitor.locator('#case-thread .warning').count()).toBe(0); // the answer is signed by the report's own mailbox key
    expect(await monitor.textContent('#case-thread')).toContain('Firmado por Demo monitor');
    expect(dialogs).toEqual([]);
    expect((await laptop.storageState()).cookies).toEqual([]);

    // The audit chain holds, and names the monitor's view, triage and reply.
    const { stdout } = await run('npx', ['tsx', 'scripts/audit-verify.ts', '--persist-to', stateDir]);
    expect(stdout).toMatch(/audit log intact: \d+ entries/);
    // A head the chain never had (as if it had been rewritten after publishing) is named by its day.
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Mexico_City' }).format(new Date());
    const forged = await run('npx', ['tsx', 'scripts/audit-verify.ts', '--persist-to', stateDir, '--head', `${'ab'.repeat(32)}@${day}`]).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(forged.code).toBe(1);
    expect(forged.stderr).toContain(`audit log REWRITTEN: on ${day}`);
    await phone.close();
    await laptop.close();
  });

  it('should give the same answer to a wrong receipt code as to a case that does not exist', async () => {
    const phone = await phoneContext(browser);
    const page = await phone.newPage();
    await page.goto(`${base}/seguimiento`);
    await page.waitForFunction(() => !(document.getElementById('open') as HTMLButtonElement).disabled);
    await page.fill('#receipt-code', '0000-0000-0000-0000-0000');
    await page.tap('#open');
    await page.waitForSelector('#errors:not([hidden])');
    expect(await page.textContent('#errors')).toContain('No encontramos un caso con ese código');
    expect(await page.inputValue('#receipt-code')).toBe('0000-0000-0000-0000-0000'); // kept, to fix a typo
    await page.fill('#receipt-code', 'abc');
    await page.tap('#open');
    await page.waitForFunction(() => document.getElementById('errors')!.textContent!.includes('tiene 3 letras y números, y deben ser 20'));
    await phone.close();
  });

  it('should send a double-tapped reply once, show the worker it was read, and explain a bad tag', async () => {
    const marker = `Doble${Date.now().toString(36)}`;
    const phone = await phoneContext(browser);
    const code = await reportAndCheckReceipt(phone, { category: 'coercion', description: `${marker} nos obligaron a firmar.` });
    await releaseNow(stateDir);

    // The monitor on a phone: the list fits the screen (it scrolls inside its own box).
    const monitorPhone = await phoneContext(browser);
    const monitor = await monitorPhone.newPage();
    await signInConsole(monitor, '.demo-monitor.txt');
    await openCaseWith(monitor, marker);
    await monitor.click('#back');
    expect(await monitor.evaluate(() => document.scrollingElement!.scrollWidth <= window.innerWidth)).toBe(true);
    await openCaseWith(monitor, marker);

    // A tag with a comma-free but unusual sign is explained, and nothing (not even the status) is half-saved.
    await monitor.selectOption('#triage-status', 'acknowledged');
    await monitor.fill('#triage-tags', 'turno 2/noche, <script>');
    await monitor.click('#triage button[type=submit]');
    await monitor.waitForFunction(() => document.getElementById('triage-status-msg')!.textContent!.includes('etiquetas'));
    await monitor.fill('#triage-tags', 'turno 2/noche, horas extra.');
    await monitor.selectOption('#triage-status', 'new');

    // A reply to a case still "new", tapped twice: stored once, and the worker sees the case was read.
    await monitor.fill('#reply', 'Recibimos tu reporte, lo estamos leyendo.');
    await monitor.dblclick('#send-reply');
    await monitor.waitForFunction(() => document.getElementById('case-thread')!.textContent!.includes('lo estamos leyendo'));
    await monitor.waitForFunction(() => !(document.getElementById('send-reply') as HTMLButtonElement).disabled);
    expect(await monitor.locator('#case-thread li', { hasText: 'lo estamos leyendo' }).count()).toBe(1);

    const followUp = await openFollowUp(phone, code);
    expect(await followUp.textContent('#case-status')).toBe('Monitor de la empresa: Leído');
    expect(await followUp.locator('#thread li', { hasText: 'lo estamos leyendo' }).count()).toBe(1);
    // Days as people write them, not 2026-11-23.
    expect(await followUp.textContent('#case-received')).toMatch(/\d{1,2} de (enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre) de \d{4}/);
    expect(await followUp.textContent('#thread')).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    // When it will be erased, in plain words, in the console and on the worker's page.
    expect(await monitor.textContent('#case-facts')).toMatch(/Se borrará el \d{4}-\d{2}-\d{2}, si nada cambia/);
    expect(await followUp.textContent('#case-erase')).toMatch(/^Si nada cambia, tu caso se borrará el \d{1,2} de [a-z]+ de \d{4}\./);

    // The session ends on the server (as when the key is retired or 12 hours pass): the next action
    // wipes the keys from the page and returns to the sign-in form, which says why.
    const platform = await openLocalPlatform(stateDir);
    try {
      for (const { name } of (await platform.env.STATE.list({ prefix: 'session/' })).keys) await platform.env.STATE.delete(name);
    } finally {
      await platform.dispose();
    }
    await monitor.click('#back');
    await monitor.waitForURL(/\/console\?lang=es&fin=1$/);
    await monitor.waitForFunction(() => document.getElementById('signin-errors')!.textContent!.includes('Tu sesión terminó'));
    expect(await monitor.isVisible('#app')).toBe(false);

    // The worker erases the case, asked twice; then the code opens nothing, like a wrong one.
    await followUp.click('#erase summary');
    await followUp.tap('#erase-case');
    expect(await followUp.textContent('#erase-case')).toBe('Sí, borrar todo para siempre');
    expect(await followUp.isVisible('#case')).toBe(true); // the first press only asks
    await followUp.tap('#erase-case');
    await followUp.waitForFunction(() => document.getElementById('status')!.textContent!.includes('Tu caso se borró'));
    await followUp.fill('#receipt-code', code);
    await followUp.tap('#open');
    await followUp.waitForFunction(() => document.getElementById('errors')!.textContent!.includes('No encontramos un caso con ese código'));
    await phone.close();
    await monitorPhone.close();
  });
});

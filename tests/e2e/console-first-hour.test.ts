/**
 * A monitor's first hour with a case, in real Chromium at 1,366×800 on real wrangler dev (issue 23):
 * the case reads at a glance (who sent it to whom, each side's status and what is due next, what the
 * worker sent, then a thread where a reply, an answer and a note look different); a reply asks for
 * confirmation right under its button; leaving with an unsent text warns first; the words say who
 * really sees what; "Dar acceso" leaves out readers who already have the case; the search is a real
 * field and finds tags and notes; print shows the list's order and severity and no stray status
 * lines; and a retired reader who proves their key is told it was retired, with no page error.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, phoneContext } from '../../scripts/lib/browser';
import { QUIET_WRANGLER, releaseNow } from '../../scripts/lib/dev-server';
import { openCaseWith, signInConsole } from './console-steps';
import { reportFromPhone } from './phone-steps';

const run = promisify(execFile);
const base = inject('baseUrl');
const stateDir = inject('stateDir');
const LAPTOP = { width: 1366, height: 800 };
const PHONE = { width: 360, height: 740 };
/** Where the screenshots go, to be looked at by a person (not compared by the test). */
const SHOTS = process.env.BUZON_SCREENSHOTS ?? join(stateDir, 'screenshots');

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium({ actionTimeoutMs: 60_000 });
  await mkdir(SHOTS, { recursive: true });
});
afterAll(async () => browser?.close());

/** keygen + register at the demo plant, as the administrator does; writes a sign-in file like the demo ones. */
async function registerMonitor(label: string, file: string) {
  const card = join(stateDir, `${file}.card.json`);
  const { stderr } = await run('npx', ['tsx', 'scripts/keys.ts', 'keygen', '--role', 'monitor', '--label', label, '--out', card]);
  const passphrase = stderr.match(/\n {4}([0-9A-Z-]{24})\n/)![1]!;
  const { keyId } = JSON.parse(await readFile(card, 'utf8')) as { keyId: string };
  await run('npx', ['tsx', 'scripts/keys.ts', 'register', '--card', card, '--facility', 'demo-silao', '--persist-to', stateDir], {
    env: { ...process.env, ...QUIET_WRANGLER },
  });
  await writeFile(join(stateDir, file), `${passphrase}\n\n${keyId}\n`, { mode: 0o600 });
  return keyId;
}

/** A worker reports with a small PDF from the phone; gives the receipt code. */
async function reportWithFile(phone: BrowserContext, marker: string): Promise<string> {
  const page = await phone.newPage();
  await page.goto(`${base}/f/demo`);
  await page.waitForFunction(() => !(document.getElementById('send') as HTMLButtonElement).disabled, null, { timeout: 120_000 });
  await page.setInputFiles('#files', [
    { name: 'Contrato de Juana Pérez.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n') },
  ]);
  await page.waitForFunction(() => document.querySelectorAll('#attachment-list li').length === 1, null, { timeout: 60_000 });
  await page.check('#cat-intimidation');
  await page.check('#when-this_week');
  await page.fill('#where', 'Línea 4');
  await page.fill('#description', `${marker} el supervisor nos dijo que votar por el sindicato nos cuesta el empleo`);
  await page.check('#send-to-monitor');
  await page.tap('#send');
  await page.waitForSelector('#receipt:not([hidden])', { timeout: 120_000 });
  return (await page.textContent('#receipt-code'))!.trim();
}

/** The worker answers on the follow-up page with the receipt code. */
async function workerAnswers(phone: BrowserContext, code: string, text: string) {
  const page = await phone.newPage();
  await page.goto(`${base}/seguimiento`);
  await page.waitForFunction(() => !(document.getElementById('open') as HTMLButtonElement).disabled);
  await page.fill('#receipt-code', code);
  await page.tap('#open');
  await page.waitForSelector('#case:not([hidden])', { timeout: 60_000 });
  await page.fill('#answer', text);
  await page.tap('#send-answer');
  await page.waitForFunction((t) => document.getElementById('thread')!.textContent!.includes(t), text);
}

const box = async (page: Page, selector: string) => (await page.locator(selector).first().boundingBox())!;

describe('the console in the first hour', () => {
  it('should give the sign-in button its own words while it gets ready', async () => {
    const html = await (await fetch(`${base}/console`)).text();
    const button = /<button[^>]*id="signin-button"[^>]*>([^<]*)<\/button>/.exec(html)![1];
    expect(button).toBe('Preparando la consola…');
    expect(html).not.toContain('Preparando el envío seguro');
  });

  it('should lay a case out to read at a glance, confirm a reply beside its button, warn before dropping a draft, and print cleanly', async () => {
    const marker = `Vista${Date.now().toString(36)}`;
    const other = await registerMonitor('Monitora Suplente', '.e2e-first-hour-b.txt');
    const phone = await phoneContext(browser);
    const code = await reportWithFile(phone, marker);
    await releaseNow(stateDir);

    const laptop = await browser.newContext({ locale: 'es-MX', viewport: LAPTOP });
    const page = await laptop.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signInConsole(page, '.demo-monitor.txt');

    // The search is a real field: as tall as the other fields and wide enough to type in.
    const search = await box(page, '#case-search');
    expect(search.height).toBeGreaterThanOrEqual(44);
    expect(search.width).toBeGreaterThanOrEqual(300);

    await openCaseWith(page, marker);
    // Who sent it to whom, on top, in the first screen.
    expect(await page.textContent('#case-from')).toMatch(
      /^Un trabajador de Planta Demo Silao, por el formulario\. Se entregó a los lectores el \d{4}-\d{2}-\d{2}\.$/,
    );
    expect(await page.textContent('#case-to')).toMatch(/^El trabajador eligió: /);
    for (const part of ['#case-from', '#case-to', '#case-due-next', '#case-facts li[data-side]']) {
      const b = await box(page, part);
      expect(b.y + b.height, part).toBeLessThanOrEqual(LAPTOP.height);
    }
    expect(await page.textContent('#case-due-next')).toMatch(/^Lo que sigue: Acuse de recibo, a más tardar el \d{4}-\d{2}-\d{2}\.$/);
    expect(await page.locator('#case-facts li[data-side]').allTextContents()).toEqual([expect.stringMatching(/^Monitor de la empresa: /)]);
    // On a laptop, status and triage sit beside what the worker sent, not below it.
    const main = await box(page, '.case-main');
    const side = await box(page, '.case-side-panel');
    expect(side.x).toBeGreaterThanOrEqual(main.x + main.width);
    expect(await page.textContent('#worker-sent-heading')).toBe('Lo que mandó el trabajador');
    expect(await page.textContent('#report-fields')).toContain('Línea 4');
    expect(await page.locator('#case-attachments .name').allTextContents()).toEqual([expect.stringMatching(/^documento-1\.pdf · application\/pdf/)]);

    // "Dar acceso" does not offer a reader who already holds every key of the case.
    expect(await page.locator('#share-to option').allTextContents()).not.toContain('Monitora Suplente · monitor');
    expect(await page.locator(`#share-to option[value="${other}"]`).count()).toBe(0);

    // The note box says who reads a note, the same words the saved note says.
    const noteReaders = 'El trabajador no la ve. Solo la ven los monitores de la empresa que pueden leer este caso.';
    expect(await page.textContent('#note-hint')).toBe(noteReaders);

    // A reply: the first press asks right under the button, the second sends.
    await page.fill('#reply', 'Gracias. ¿En qué turno pasó?');
    await page.click('#send-reply');
    await page.waitForSelector('#reply-confirm:not([hidden])');
    expect(await page.textContent('#send-reply')).toBe('Sí, enviar al trabajador');
    expect(await page.textContent('#reply-confirm')).toContain('El trabajador la verá con su código');
    const button = await box(page, '#send-reply');
    const asked = await box(page, '#reply-confirm');
    expect(asked.y - (button.y + button.height)).toBeLessThan(60);
    expect(asked.y + asked.height).toBeLessThanOrEqual(LAPTOP.height); // in view where the reader is looking
    await page.screenshot({ path: join(SHOTS, 'case-reply-confirm-1366x800.png') });
    await page.click('#keep-writing'); // changes their mind: back to writing, nothing sent
    expect(await page.isHidden('#reply-confirm')).toBe(true);
    expect(await page.textContent('#send-reply')).toBe('Enviar respuesta');
    await page.click('#send-reply');
    await page.click('#send-reply');
    await page.waitForFunction(() => document.getElementById('case-thread')!.textContent!.includes('¿En qué turno pasó?'));

    await page.fill('#note', `Revisar con RH, nota${marker}`);
    await page.click('#add-note');
    await page.waitForFunction((m) => document.getElementById('case-thread')!.textContent!.includes(`nota${m}`), marker);
    expect(await page.textContent('#message-status')).toBe(`Nota guardada. ${noteReaders}`);
    await page.fill('#triage-tags', `etiqueta${marker}`);
    await page.selectOption('#triage-severity', 'high');
    await page.click('#triage button[type=submit]');
    await page.waitForFunction(() => document.getElementById('triage-status-msg')!.textContent === 'Guardado.');

    // The worker answers; once released, the monitor sees it labelled as the worker's, not as something the worker "will see".
    await workerAnswers(phone, code, 'En el turno de noche.');
    await releaseNow(stateDir);
    await page.click('#back');
    await openCaseWith(page, marker);
    await page.waitForFunction(() => document.getElementById('case-thread')!.textContent!.includes('turno de noche'));
    const thread = {
      reply: page.locator('#case-thread li.msg-reply', { hasText: '¿En qué turno pasó?' }),
      answer: page.locator('#case-thread li.msg-answer'),
      note: page.locator('#case-thread li.msg-note'),
    };
    expect(await thread.reply.locator('h4').textContent()).toBe('✉ Respuesta al trabajador');
    expect(await thread.reply.locator('.audience').textContent()).toBe('Lo verá el trabajador');
    expect(await thread.answer.locator('h4').textContent()).toBe('✎ Mensaje del trabajador');
    expect(await thread.answer.locator('.audience').textContent()).toBe('Lo escribió el trabajador desde su página de seguimiento.');
    expect(await thread.note.locator('h4').textContent()).toBe('🔒 Nota interna');
    expect(await thread.note.locator('.audience').textContent()).toBe(noteReaders);
    // Unmistakably different: each kind has its own border colour and background.
    const looks = await Promise.all(
      Object.values(thread).map((l) => l.evaluate((li) => `${getComputedStyle(li).borderLeftColor} ${getComputedStyle(li).backgroundColor}`)),
    );
    expect(new Set(looks).size).toBe(3);

    // Open the file, so a "Descargar" link is there for print to leave out.
    await page.locator('#case-attachments li button').click();
    await page.waitForSelector('#case-attachments a[download]');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, 'case-1366x800.png') });
    await page.screenshot({ path: join(SHOTS, 'case-1366x800-full.png'), fullPage: true });

    // Leaving with an unsent reply warns beside the back button, once; the text stays until the reader leaves.
    await page.fill('#reply', 'Borrador sin enviar');
    await page.click('#back');
    expect(await page.isVisible('#case-view')).toBe(true);
    expect(await page.textContent('#leave-warning')).toBe(
      'Tienes texto sin enviar en este caso (respuesta al trabajador). Si sales, se pierde. Envíalo antes, o pulsa «Salir sin enviar».',
    );
    const back = await box(page, '#back');
    const warning = await box(page, '#leave-warning');
    expect(warning.y - (back.y + back.height)).toBeLessThan(60);
    expect(await page.textContent('#back')).toBe('Salir sin enviar');
    expect(await page.inputValue('#reply')).toBe('Borrador sin enviar');

    // Print: the case with its triage as text, without status lines, the reply's question or "Descargar".
    await page.fill('#reply', 'Otra vez');
    await page.click('#send-reply'); // asks: a stray question that must not print
    await page.emulateMedia({ media: 'print' });
    expect(await page.textContent('#case-triage-print')).toMatch(new RegExp(`^Clasificación: .+ · Gravedad: Alta · Etiquetas: etiqueta${marker}$`));
    expect(await page.isVisible('#case-triage-print')).toBe(true);
    for (const hidden of [
      '#reply-confirm',
      '#message-status',
      '#triage-status-msg',
      '#leave-warning',
      '#case-attachments a[download]',
      '#triage',
      '.compose',
      '#back',
    ]) {
      expect(await page.locator(hidden).first().isVisible(), hidden).toBe(false);
    }
    expect(await page.isVisible('#case-thread')).toBe(true);
    await page.emulateMedia({ media: 'screen' });

    // Leaving for real (second press) empties the boxes: the draft never shows up on another case.
    await page.click('#keep-writing');
    await page.fill('#reply', 'Borrador sin enviar');
    await page.click('#back');
    await page.click('#back');
    await page.waitForSelector('#list-view:not([hidden])');
    expect(await page.inputValue('#reply')).toBe('');

    // The search finds the case by its tag and by its note (decrypted here; nothing typed is sent).
    const requests: string[] = [];
    page.on('request', (r) => requests.push(`${r.url()} ${r.postData() ?? ''}`));
    await page.waitForSelector(`#cases tbody tr:has-text("${marker}")`);
    const visible = async () => (await page.locator('#cases tbody tr:visible').allTextContents()).length;
    for (const word of [`ETIQUETA${marker}`, `nota${marker}`]) {
      await page.fill('#case-search', word);
      expect(await visible(), word).toBe(1);
      expect(await page.locator('#cases tbody tr:visible').textContent()).toContain(marker);
    }
    expect(requests.filter((r) => r.toLowerCase().includes(`etiqueta${marker}`.toLowerCase()) || r.includes(`nota${marker}`))).toEqual([]);
    await page.fill('#case-search', '');

    // Printing the list: sorted by severity as on screen, with the severity column and every summary.
    await page.locator('#cases th[data-sort=severity] button').click();
    await page.locator('#cases th[data-sort=severity] button').click(); // descending
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#cases th[data-sort=severity]').isVisible()).toBe(true);
    expect(await page.locator('#cases th[data-sort=severity] button').isVisible()).toBe(true);
    const row = page.locator('#cases tbody tr', { hasText: marker });
    expect(await row.locator('td.summary button').isVisible()).toBe(true);
    expect(await row.locator('td.severity').textContent()).toBe('Alta');
    expect(await page.locator('#case-search').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });

    // The same case on a 360×740 phone, for a person to look at.
    await openCaseWith(page, marker);
    await page.setViewportSize(PHONE);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, 'case-360x740.png') });
    await page.screenshot({ path: join(SHOTS, 'case-360x740-full.png'), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

    expect(errors).toEqual([]);
    await phone.close();
    await laptop.close();
  }, 1_500_000);

  it("should end a retired reader's session without a page error, then tell them, once their key signs, that it was retired and whom to ask", async () => {
    const keyId = await registerMonitor('Monitora de Salida', '.e2e-first-hour-retired.txt');
    // A case in the list to open, so the ended session shows on opening a case (where the page error was).
    const phone = await phoneContext(browser);
    await reportFromPhone(await phone.newPage(), { description: `Salida${Date.now().toString(36)} nos amenazaron en la junta` });
    await phone.close();
    await releaseNow(stateDir);
    const laptop = await browser.newContext({ locale: 'es-MX', viewport: LAPTOP });
    const page = await laptop.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signInConsole(page, '.e2e-first-hour-retired.txt');
    await page.waitForFunction(() => document.getElementById('list-count')!.textContent !== '');

    await run('npx', ['tsx', 'scripts/keys.ts', 'retire', '--key', keyId, '--persist-to', stateDir], { env: { ...process.env, ...QUIET_WRANGLER } });
    // The next request finds the session ended: back to the sign-in form, which says why.
    await page.locator('#cases tbody tr').first().locator('button').click();
    await page.waitForURL(/fin=1/);
    await page.waitForFunction(() => !(document.getElementById('signin-button') as HTMLButtonElement).disabled);
    expect(await page.textContent('#signin-errors')).toContain('Tu sesión terminó');

    // Signing in again with the right passphrase: told the key was retired, not to check the passphrase.
    const [passphrase] = (await readFile(join(stateDir, '.e2e-first-hour-retired.txt'), 'utf8')).split('\n');
    await page.fill('#key-id', keyId);
    await page.fill('#passphrase', passphrase!.trim());
    await page.click('#signin-button');
    await page.waitForFunction(() => document.getElementById('signin-errors')!.textContent!.includes('administrador'), null, { timeout: 60_000 });
    const said = await page.textContent('#signin-errors');
    expect(said).toContain('Tu frase secreta es correcta, pero tu llave ya está dada de baja');
    expect(said).not.toContain('Revisa tu nombre de acceso');

    // A wrong passphrase for the same key still gets the answer that says nothing about the key.
    await page.fill('#passphrase', 'FRASE-EQUIVOCADA-0000-0000');
    await page.click('#signin-button');
    await page.waitForFunction(() => document.getElementById('signin-errors')!.textContent!.includes('La frase secreta no corresponde'), null, {
      timeout: 120_000,
    });
    expect(await page.textContent('#signin-errors')).not.toContain('administrador');
    expect(errors).toEqual([]);
    await laptop.close();
  }, 900_000);
});

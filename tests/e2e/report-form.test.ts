/**
 * The report form in real Chromium on a phone-sized screen, against real wrangler dev.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, phoneContext } from '../../scripts/lib/browser';
import { openLocalPlatform } from '../../scripts/lib/local-platform';
import { codeInUrl, stateFiles } from './state-files';

const run = promisify(execFile);
const base = inject('baseUrl');
const stateDir = inject('stateDir');

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium({ actionTimeoutMs: 60_000 });
});
afterAll(async () => browser?.close());

async function readyForm(page: Page) {
  await page.waitForFunction(() => !(document.getElementById('send') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
}

/** Every file under a directory, recursively. */
describe('report form on a phone', () => {
  it('should send a Spanish report that only its recipients can read, leaving no trace', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    const requests: string[] = [];
    const cookies: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('response', async (r) => {
      const header = await r.headerValue('set-cookie');
      if (header) cookies.push(header);
    });

    await page.goto(`${base}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('es-MX');
    await expect(page.textContent('h1')).resolves.toContain('Reporta sin dar tu nombre');
    await readyForm(page);

    const canary = `CANARIO${Date.now().toString(36).toUpperCase()}`;
    await page.selectOption('#facility', 'demo-silao');
    await page.check('#cat-intimidation');
    await page.check('#cat-vote_irregularities');
    await page.check('#when-this_month');
    await page.fill('#where', `Comedor ${canary}-where`);
    await page.fill('#who', `Gerente ${canary}-who`);
    await page.fill('#description', `Nos dijeron cómo votar. ${canary}-description`);
    await page.check('#send-to-both');
    const historyBefore = await page.evaluate(() => history.length);
    await page.tap('#send');
    await page.waitForSelector('#receipt:not([hidden])', { timeout: 60_000 });

    const code = (await page.textContent('#receipt-code'))!.trim();
    expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(codeInUrl(page.url(), code)).toBe(false);
    expect(await page.evaluate(() => history.length)).toBe(historyBefore);
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('receipt-heading');
    // The code on one line on the phone, a copy button that says it copied, and what happens next.
    const lines = await page.$eval('#receipt-code', (e) => Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)));
    expect(lines).toBeLessThanOrEqual(2); // one line of text inside its padding
    expect(await page.$eval('#receipt-code', (e) => e.scrollWidth <= e.clientWidth)).toBe(true);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await page.tap('#copy-code');
    await page.waitForFunction(() => document.getElementById('copy-status')!.textContent!.startsWith('Copiado'));
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
    expect(await page.textContent('#receipt-clocks')).toMatch(/En 7 días como máximo te deben decir que lo leyeron\..*En 30 días.*En 90 días/s);

    // No storage of any kind, and no cookie set or sent.
    const state = await context.storageState();
    expect(state.cookies).toEqual([]);
    expect(state.origins).toEqual([]);
    expect(await page.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      cookie: document.cookie,
      idb: (await indexedDB.databases()).length,
      caches: (await caches.keys()).length,
    }))).toEqual({ local: 0, session: 0, cookie: '', idb: 0, caches: 0 });
    expect(cookies).toEqual([]);

    // Every request went to this origin.
    const origins = new Set(requests.map((u) => new URL(u).origin));
    expect([...origins]).toEqual([base]);

    // The canary is nowhere in the stored state: not in D1 rows, not in KV values, not in any file.
    const platform = await openLocalPlatform(stateDir);
    try {
      const tables = await platform.env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").all<{ name: string }>();
      expect(tables.results.map((t) => t.name)).toContain('reports');
      for (const { name } of tables.results) {
        const rows = await platform.env.DB.prepare(`SELECT * FROM "${name}"`).all();
        expect(JSON.stringify(rows.results)).not.toContain(canary);
      }
      for (const ns of [platform.env.BLOBS, platform.env.STATE]) {
        for (const { name } of (await ns.list()).keys) {
          const value = Buffer.from((await ns.get(name, 'arrayBuffer'))!);
          expect(value.includes(canary)).toBe(false);
        }
      }
    } finally {
      await platform.dispose();
    }
    for (const { file, content } of await stateFiles(stateDir)) {
      expect(content.includes(canary), file).toBe(false);
    }

    // The monitor's decrypt script, and the official's, recover every field.
    for (const who of ['.demo-monitor.txt', '.demo-official.txt']) {
      const { stdout } = await run('npx', ['tsx', 'scripts/decrypt-reports.ts', '--passphrase-file', join(stateDir, who), '--persist-to', stateDir, '--json']);
      const reports = stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
      const mine = reports.find((r) => r.report.description.includes(canary));
      expect(mine).toBeDefined();
      expect(mine.report).toEqual({
        v: 1,
        channel: 'web',
        lang: 'es',
        facility: 'demo-silao',
        categories: ['intimidation', 'vote_irregularities'],
        when: 'this_month',
        where: `Comedor ${canary}-where`,
        who: `Gerente ${canary}-who`,
        description: `Nos dijeron cómo votar. ${canary}-description`,
        sendTo: 'both',
        // Envelope format 2: the mailbox's public keys, sealed, for readers to check the stored ones.
        mailbox: { boxPk: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), signPk: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
      });
    }
    await context.close();
  });

  it('should explain in plain words what is missing, and send nothing', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    const posts: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && posts.push(r.url()));
    await page.goto(`${base}/f/demo`);
    await readyForm(page);
    await page.tap('#send');
    await page.waitForSelector('#errors:not([hidden])');
    const text = await page.textContent('#errors');
    expect(text).toContain('Marca al menos una opción');
    expect(text).toContain('Cuéntanos lo que pasó');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('errors');
    expect(await page.getAttribute('#description', 'aria-invalid')).toBe('true');
    // Each choice of a question left empty is marked, so a screen reader says so on that choice.
    expect(await page.getAttribute('#cat-intimidation', 'aria-invalid')).toBe('true');
    // Each problem is a link that takes focus to its question; answering it clears the mark.
    await page.locator('#errors a', { hasText: 'Marca al menos una opción' }).tap();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('cat-intimidation');
    await page.check('#cat-intimidation');
    expect(await page.getAttribute('#cat-intimidation', 'aria-invalid')).toBeNull();
    expect(await page.getAttribute('#categories', 'aria-invalid')).toBeNull();
    expect(posts).toEqual([]);
    await context.close();
  });

  it('should reflow at 320 px with text at 200%, the quick exit fully on screen', async () => {
    const context = await phoneContext(browser, { viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    for (const path of ['/f/demo', '/seguimiento', '/sin-rastro', '/transparencia']) {
      await page.goto(`${base}${path}`);
      await page.evaluate(() => (document.documentElement.style.fontSize = '200%'));
      const fit = await page.evaluate(() => ({
        scroll: document.scrollingElement!.scrollWidth,
        width: document.documentElement.clientWidth,
        exitRight: document.getElementById('quick-exit')!.getBoundingClientRect().right,
      }));
      expect(fit.scroll, path).toBeLessThanOrEqual(fit.width);
      expect(fit.exitRight, path).toBeLessThanOrEqual(fit.width);
    }
    await context.close();
  });

  it('should work completely in English', async () => {
    const context = await phoneContext(browser, { locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${base}/f/demo?lang=en`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await readyForm(page);
    expect(await page.textContent('#send')).toBe('Send report');
    await page.check('#cat-other');
    await page.check('#when-earlier');
    await page.fill('#description', 'They watched who went to the union meeting.');
    await page.check('#send-to-monitor');
    await page.tap('#send');
    await page.waitForSelector('#receipt:not([hidden])', { timeout: 60_000 });
    expect(await page.textContent('#receipt')).toContain('This code is the only way back to your case');
    await context.close();
  });

  it('should show no form with JavaScript off (it could not be sent), offering the email address instead', async () => {
    // Issue 23: the form used to render, be filled in, and never send. Details in worker-first-hour.test.ts.
    const context = await phoneContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/f/demo`);
    expect(await page.isVisible('#description')).toBe(false);
    expect(await page.isVisible('#send')).toBe(false);
    expect(await page.getAttribute('#no-script a[href^="mailto:"]', 'href')).toBe('mailto:demo@buzon.example.org');
    await context.close();
  });

  it('should leave for a neutral site on quick exit, with no way back', async () => {
    const context = await phoneContext(browser);
    await context.route('https://www.google.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>clima</title>' }));
    const page = await context.newPage();
    await page.goto(`${base}/f/demo`);
    await readyForm(page);
    await page.fill('#description', 'algo privado');
    await page.tap('#quick-exit');
    await page.waitForURL(/google\.com/);
    await page.goBack().catch(() => null);
    expect(page.url()).not.toContain(base);
    await context.close();
  });

  it('should keep one Buzón entry in the history, so quick exit from any reporter page has no way back', async () => {
    const context = await phoneContext(browser);
    await context.route('https://www.google.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>clima</title>' }));
    const page = await context.newPage();
    await page.goto(`${base}/f/demo`);
    const entries = await page.evaluate(() => history.length);
    await page.tap('nav .lang'); // to English: replaces this entry
    await page.waitForURL(/lang=en/);
    await page.tap('.links a[href*="sin-rastro"]'); // to the no-trace help: replaces it again
    await page.waitForURL(/sin-rastro/);
    expect(await page.evaluate(() => history.length)).toBe(entries);
    await page.tap('#quick-exit');
    await page.waitForURL(/google\.com/);
    await page.goBack().catch(() => null);
    expect(page.url()).not.toContain(base);

    for (const path of ['/seguimiento', '/sin-rastro', '/transparencia', '/no-existe']) {
      const other = await context.newPage();
      await other.goto(`${base}${path}`);
      if (path === '/seguimiento') {
        await other.keyboard.press('Escape');
        await other.keyboard.press('Escape');
      } else {
        await other.tap('#quick-exit');
      }
      await other.waitForURL(/google\.com/);
      await other.goBack().catch(() => null);
      expect(other.url(), path).not.toContain(base);
    }
    await context.close();
  });

  it('should say which symbol of a mistyped receipt code is not allowed, or how many it has, in both languages', async () => {
    const context = await phoneContext(browser);
    for (const [lang, typed, expected] of [
      ['es', 'K0TR-1PMX-7Q4D-N1B0-W8ZU', 'no usan la letra U. Quizá es una V'],
      ['en', 'K0TR-1PMX-7Q4D-N1B0-W8ZU', 'never use the letter U. Maybe it is a V'],
      ['es', 'K0TR-1PMX-7Q4D-N1B0-W8Z#', 'no usan «#»'],
      ['en', 'K0TR-1PMX-7Q4D-N1B0', 'has 16 letters and numbers; it must have 20'],
    ] as const) {
      const page = await context.newPage();
      await page.goto(`${base}/seguimiento?lang=${lang}`);
      await page.fill('#receipt-code', typed);
      await page.waitForFunction(() => !(document.getElementById('open') as HTMLButtonElement).disabled);
      await page.tap('#open');
      await expect.poll(() => page.textContent('#errors')).toContain(expected);
      expect(await page.getAttribute('#receipt-code', 'aria-invalid')).toBe('true');
      await page.close();
    }
    await context.close();
  });

  it('should give every control outside the running text a thumb-sized target (44 px or more)', async () => {
    for (const path of ['/f/demo', '/sin-rastro']) {
      const context = await phoneContext(browser);
      const page = await context.newPage();
      await page.goto(`${base}${path}`);
      const small = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('nav a, .links a, .choice label, button, select, textarea, input[type=text]')]
          .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
          .map((e) => `${e.tagName} ${e.id || e.textContent?.trim().slice(0, 30)}: ${Math.round(e.getBoundingClientRect().height)} px`),
      );
      expect(small, path).toEqual([]);
      await context.close();
    }
  });

  it('should ask before a language change erases what was written, and keep it if the worker says no', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(`${base}/f/demo`);
    await readyForm(page);
    await page.fill('#description', 'Nos dijeron por quién votar.');
    const asked: string[] = [];
    page.once('dialog', (d) => (asked.push(d.message()), void d.dismiss()));
    await page.tap('nav .lang');
    await expect.poll(() => asked).toEqual(['Si cambias el idioma, se borra lo que escribiste aquí. ¿Cambiar de todos modos?']);
    expect(page.url()).not.toContain('lang=en');
    expect(await page.inputValue('#description')).toBe('Nos dijeron por quién votar.');
    page.once('dialog', (d) => void d.accept());
    await page.tap('nav .lang');
    await page.waitForURL(/lang=en/);
    await context.close();
  });

  it('should have no accessibility violations (axe-core) on the form, the follow-up page and the console, in both languages', async () => {
    const axe = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
    for (const path of ['/f/demo', '/', '/seguimiento', '/console']) {
      for (const lang of ['es', 'en']) {
        const context = await phoneContext(browser);
        const page = await context.newPage();
        await page.goto(`${base}${path}?lang=${lang}`);
        await page.waitForLoadState('networkidle');
        await page.evaluate(axe);
        const result = await page.evaluate(async () => (window as any).axe.run(document, { resultTypes: ['violations'] }));
        expect(result.violations.map((v: any) => `${path} ${lang} ${v.id}: ${v.nodes.map((n: any) => n.target).join(' ')}`)).toEqual([]);
        await context.close();
      }
    }
  });
});

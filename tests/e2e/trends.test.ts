/**
 * The officials' dashboard in real Chromium on real wrangler dev, in Spanish: sign in as the demo
 * labor official, open the trends, find no accessibility violations (axe-core), and download a CSV
 * that parses back to the numbers on screen. Then the public transparency page, without sign-in.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mexicoDay } from '../../src/lib/clock';
import { launchChromium, phoneContext } from '../../scripts/lib/browser';
import { forgetSnapshots } from '../../src/trends/snapshot';
import { openLocalPlatform } from '../../scripts/lib/local-platform';
import { QUIET_WRANGLER } from '../../scripts/lib/dev-server';
import { addDays } from '../../src/domain/case';
import { rebuildTrendCounters } from '../../src/trends/counters';

const base = inject('baseUrl');
const stateDir = inject('stateDir');
const SUPPRESSED = '<5';

let browser: Browser;
const plants: Array<{ id: string; name: string }> = [];

/** Three plants with a few months of backdated reports, written straight into the server's D1. */
async function seedPlants() {
  const platform = await openLocalPlatform(stateDir);
  try {
    const db = platform.env.DB;
    const day = mexicoDay(); // the server's today, not UTC's
    const statements: Array<ReturnType<D1Database['prepare']>> = [];
    const suffix = randomBytes(3).toString('hex');
    const specs = [
      { state: 'Guanajuato', sector: 'automotive', weekly: [9, 7, 12, 6, 8, 30, 10, 7, 9, 11, 6, 8, 9] },
      { state: 'Jalisco', sector: 'electronics', weekly: [5, 6, 0, 7, 5, 5, 9, 6, 5, 7, 5, 6, 8] },
      { state: 'Coahuila', sector: 'mining', weekly: [1, 0, 2, 0, 0, 3, 0, 1, 0, 0, 2, 0, 1] },
    ];
    for (const [i, spec] of specs.entries()) {
      const id = `e2e-${suffix}-${i}`;
      const name = `Planta Prueba ${suffix} ${i}`;
      plants.push({ id, name });
      statements.push(
        db
          .prepare(`INSERT INTO facilities (id, name, short_code, email_local, state, municipality, sector) VALUES (?1, ?2, ?1, ?1, ?3, 'Centro', ?4)`)
          .bind(id, name, spec.state, spec.sector),
      );
      spec.weekly.forEach((n, w) => {
        for (let k = 0; k < n; k++) {
          const reportId = randomBytes(16).toString('hex');
          const received = addDays(day, -7 * (12 - w) - (k % 5));
          const sendTo = (['monitor', 'both', 'authority'] as const)[k % 3];
          const acked = k % 4 === 0 ? null : addDays(received, 1 + (k % 9));
          const closed = k % 3 === 0 && acked ? addDays(received, 20 + k) : null;
          const status = closed ? 'resolved' : acked ? 'investigating' : 'new';
          statements.push(
            db
              .prepare(
                `INSERT INTO reports (id, facility_id, channel, send_to, received_day, status, mailbox_id, mailbox_box_pk, mailbox_sign_pk, body_key, body_digest, first_reply_day, closed_day)
                 VALUES (?1, ?2, 'web', ?3, ?4, ?5, ?1, 'pk', 'pk', 'none', 'digest', ?6, ?7)`,
              )
              .bind(reportId, id, sendTo, received, status, acked, closed),
            db.prepare('INSERT INTO report_categories (report_id, category) VALUES (?1, ?2)').bind(reportId, ['intimidation', 'coercion', 'dismissal'][k % 3]!),
          );
        }
      });
    }
    for (let i = 0; i < statements.length; i += 100) await db.batch(statements.slice(i, i + 100));
    await rebuildTrendCounters(db);
    // An earlier test may have opened the public page today: its daily snapshot must include these plants.
    await forgetSnapshots(platform.env.STATE, day);
  } finally {
    await platform.dispose();
  }
  // As an administrator does after adding plants: sign their reader lists, so later commands in
  // this shared state (a test registering a reader) find nothing the administrator did not approve.
  await promisify(execFile)('npx', ['tsx', 'scripts/keys.ts', 'sign', '--yes', '--persist-to', stateDir], { env: { ...process.env, ...QUIET_WRANGLER } });
}

beforeAll(async () => {
  browser = await launchChromium({ actionTimeoutMs: 60_000 });
  await seedPlants();
});
afterAll(async () => browser?.close());

async function signInAsOfficial(page: Page) {
  const [passphrase, , keyId] = (await readFile(join(stateDir, '.demo-official.txt'), 'utf8')).trim().split('\n');
  await page.goto(`${base}/console`);
  await page.waitForFunction(() => !(document.getElementById('signin-button') as HTMLButtonElement).disabled);
  await page.fill('#key-id', keyId!.trim());
  await page.fill('#passphrase', passphrase!.trim());
  await page.click('#signin-button');
  await page.waitForSelector('#app:not([hidden])', { timeout: 60_000 });
}

async function axeViolations(page: Page) {
  await page.evaluate(await readFile(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const result = await page.evaluate(async () => (window as any).axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target).join(' ')}`);
}

/** Every table on screen: its title, and each row's cells as text. */
async function tablesOnScreen(page: Page) {
  return page.$$eval('#trends-results table.counts', (tables) =>
    tables.map((t) => ({
      title: t.querySelector('caption span')!.textContent,
      rows: [...t.querySelectorAll('tbody tr, tfoot tr')].map((tr) => [...tr.children].map((c) => c.textContent)),
      counts: [...t.querySelectorAll('td:not(.extra)')].map((c) => c.textContent),
    })),
  );
}

/**
 * Number cells whose text does not end where their own column heading's text ends: a number
 * must sit under its own heading, not drift under the next one (issue 14 §6). Right edges of the
 * laid-out text, in CSS px, compared within half a pixel.
 */
async function misalignedNumbers(page: Page) {
  return page.$$eval('#trends-results table.counts', (tables) => {
    const textRight = (cell: Element) => {
      const range = document.createRange();
      range.selectNodeContents(cell);
      const rects = [...range.getClientRects()];
      return rects.length ? Math.max(...rects.map((r) => r.right)) : NaN;
    };
    const bad: string[] = [];
    for (const table of tables) {
      const heads = [...table.querySelectorAll('thead th')];
      for (const tr of table.querySelectorAll('tbody tr, tfoot tr')) {
        [...tr.children].forEach((cell, i) => {
          if (!cell.classList.contains('num') || !cell.textContent) return;
          const head = heads[i]!;
          const gap = Math.abs(textRight(cell) - textRight(head));
          if (!(gap <= 0.5)) bad.push(`${table.id} «${head.textContent}»: ${cell.textContent} off by ${gap.toFixed(1)} px`);
        });
      }
    }
    return bad;
  });
}

/** Yesterday in Mexico City, "YYYY-MM-DD": the last day the figures count. */
function yesterdayInMexico(): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Mexico_City' }).format(new Date());
  return new Date(Date.parse(`${today}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\n') row.push(field.replace(/\r$/, '')), rows.push(row), (row = []), (field = '');
    else field += ch;
  }
  return rows;
}

describe('officials: trends dashboard', () => {
  it('should show suppressed trends in Spanish, pass axe-core, and export a CSV with the same numbers', async () => {
    const context = await browser.newContext({ locale: 'es-MX', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    await signInAsOfficial(page);
    await page.waitForSelector('#views-nav:not([hidden])');
    await page.click('#show-trends');
    await page.waitForSelector('#trends-results table.counts');
    expect(await page.textContent('#trends-heading')).toBe('Tendencias');
    expect(await page.getAttribute('#show-trends', 'aria-pressed')).toBe('true');
    expect(await page.isHidden('#list-view')).toBe(true);

    // The plants seeded above are in the filters, and in the tables.
    const facilityOptions = await page.$$eval('#trends-facility option', (os) => os.map((o) => o.textContent));
    for (const p of plants) expect(facilityOptions).toContain(p.name);
    const tables = await tablesOnScreen(page);
    expect(tables.map((t) => t.title)).toContain('Reportes por semana, según a quién los envió el trabajador');
    const byPlant = tables.find((t) => t.title === 'Reportes por planta, según a quién los envió el trabajador')!;
    expect(byPlant.rows.some((r) => r[0] === plants[0]!.name && r.slice(1).some((v) => /^\d+$/.test(v!) && Number(v) >= 5))).toBe(true);
    // No count from 1 to 4 anywhere on screen, and the small plant's counts are hidden.
    for (const t of tables) for (const v of t.counts) expect(/^[1-4]$/.test(v!), `${t.title}: ${v}`).toBe(false);
    expect(byPlant.rows.find((r) => r[0] === plants[2]!.name)!.slice(1, 4)).toContain(SUPPRESSED);
    // The charts are SVG with a title, announced as images, next to their tables.
    expect(await page.locator('#trends-results svg[role=img] > title').count()).toBe(2);
    // The spike in the first plant's sixth week is flagged.
    expect(await page.textContent('#trends-spikes')).toContain(plants[0]!.name);

    expect(await axeViolations(page)).toEqual([]);
    // Every figure says up to which day it counts, and why today's reports are not in it yet.
    const yesterday = yesterdayInMexico();
    const longYesterday = new Intl.DateTimeFormat('es-MX', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${yesterday}T12:00:00Z`));
    expect(await page.textContent('#trends-up-to')).toBe(
      `Cifras hasta el ${longYesterday} (ayer), incluido. Lo que llega o cambia hoy se cuenta desde mañana: si los números cambiaran durante el día, dirían a qué hora llegó cada reporte.`,
    );
    expect(await misalignedNumbers(page)).toEqual([]);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#trends-csv')]);
    expect(download.suggestedFilename()).toMatch(/^buzon-tendencias-\d{4}-W\d{2}-\d{4}-W\d{2}\.csv$/);
    const bytes = await readFile((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = parseCsv(bytes.subarray(3).toString('utf8'));
    // The heading names the last day counted, not the day it was taken.
    expect(csv[0]![0]).toMatch(/^Buzón: tendencias desde la semana del \d{1,2} de [a-z]+ de \d{4} hasta la semana del \d{1,2} de [a-z]+ de \d{4}$/);
    expect(csv[1]![0]).toMatch(new RegExp(`^Cifras hasta el ${yesterday} \\(ayer\\), incluido\\.`));
    // Each table is a block: its title, the header, then the rows exactly as on screen.
    for (const t of tables) {
      const at = csv.findIndex((r) => r.length === 1 && r[0] === t.title);
      expect(at, t.title!).toBeGreaterThan(-1);
      expect(csv.slice(at + 2, at + 2 + t.rows.length)).toEqual(t.rows);
    }
    expect(await page.textContent('#trends-status')).toContain('CSV');
    await context.close();
  });

  it('should narrow to one state, and keep the filters accessible', async () => {
    const context = await browser.newContext({ locale: 'es-MX', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInAsOfficial(page);
    await page.click('#show-trends');
    await page.waitForSelector('#trends-results table.counts');
    await page.selectOption('#trends-state', 'Jalisco');
    expect(await page.$$eval('#trends-facility option', (os) => os.map((o) => o.textContent))).toEqual(['Todas las plantas', plants[1]!.name]);
    await page.click('#trends-filters button[type=submit]');
    await page.waitForFunction(() => document.getElementById('trends-status')!.textContent!.startsWith('Plantas: 1.'));
    const byPlant = (await tablesOnScreen(page)).find((t) => t.title === 'Reportes por planta, según a quién los envió el trabajador')!;
    expect(byPlant.rows.map((r) => r[0])).toEqual([plants[1]!.name, 'Total']);
    await context.close();
  });
});

describe('public transparency page', () => {
  for (const [query, heading] of [['', 'Transparencia'], ['?lang=en', 'Transparency']] as const) {
    it(`should load without sign-in and pass axe-core (${heading})`, async () => {
      const context = await browser.newContext({ locale: 'es-MX', viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      const res = await page.goto(`${base}/transparencia${query}`);
      expect(res!.status()).toBe(200);
      expect(await page.textContent('h1')).toBe(heading);
      expect(await page.locator('table#transparency tbody tr').count()).toBeGreaterThanOrEqual(4);
      expect(await axeViolations(page)).toEqual([]);
      expect((await context.storageState()).cookies).toEqual([]);
      await context.close();
    });
  }
});

/**
 * What a 360 px phone must get, also with text at 200%: no sideways page scroll (a wide table or
 * chart scrolls inside its own labelled, focusable region), chart labels of at least 12 CSS px,
 * a table next to every chart, and no accessibility violations.
 */
async function phoneLayout(page: Page) {
  return page.evaluate(() => {
    const named = (el: Element) => !!(el.getAttribute('aria-label') || (el.getAttribute('aria-labelledby') ?? '').split(' ').some((id) => document.getElementById(id)?.textContent?.trim()));
    const labels = [...document.querySelectorAll('svg.chart text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * ((t as SVGGraphicsElement).getScreenCTM()?.a ?? 0));
    const scrollers = [...document.querySelectorAll('.table-wrap, .chart-scroll')].filter((el) => el.scrollWidth > el.clientWidth + 1);
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      labels: labels.length,
      smallestLabel: Math.min(...labels),
      charts: document.querySelectorAll('svg.chart').length,
      chartsWithTable: [...document.querySelectorAll('figure.chart-figure')].filter((f) => {
        let next = f.nextElementSibling;
        while (next && !next.querySelector('table.counts') && !next.matches('table.counts')) next = next.nextElementSibling;
        return !!next;
      }).length,
      unlabelledScrollers: scrollers.filter((el) => el.getAttribute('role') !== 'region' || el.getAttribute('tabindex') !== '0' || !named(el)).map((el) => el.className),
    };
  });
}

async function expectPhoneSafe(page: Page) {
  for (const text of ['100%', '200%']) {
    await page.evaluate((size) => (document.documentElement.style.fontSize = size), text);
    const layout = await phoneLayout(page);
    expect(layout.scrollWidth, `page wider than the screen at ${text} text`).toBeLessThanOrEqual(layout.innerWidth);
    expect(layout.labels).toBeGreaterThan(0);
    expect(layout.smallestLabel, 'chart label size').toBeGreaterThanOrEqual(12);
    expect(layout.chartsWithTable).toBe(layout.charts);
    expect(layout.unlabelledScrollers).toEqual([]);
  }
  await page.evaluate(() => (document.documentElement.style.fontSize = ''));
  expect(await axeViolations(page)).toEqual([]);
}

describe('phones (360 × 740)', () => {
  for (const query of ['', '?lang=en']) {
    it(`should fit the public page on the screen, labels readable, axe clean (${query || 'es'})`, async () => {
      const context = await phoneContext(browser);
      const page = await context.newPage();
      await page.goto(`${base}/transparencia${query}`);
      await expectPhoneSafe(page);
      await context.close();
    });
  }

  it('should fit the dashboard on the screen, labels readable, axe clean', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await signInAsOfficial(page);
    await page.click('#show-trends');
    await page.waitForSelector('#trends-results table.counts');
    await expectPhoneSafe(page);
    expect(await misalignedNumbers(page)).toEqual([]);
    await context.close();
  });
});

/**
 * Every heading word of the tables on screen that the browser laid out on more than one line
 * ("Se / ma / na"): each word's text range must give boxes on one line only.
 */
async function splitWords(page: Page, tables: string) {
  return page.$$eval(`${tables} th`, (cells) =>
    cells.flatMap((th) => {
      const out: string[] = [];
      const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of node.textContent!.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, m.index!);
          range.setEnd(node, m.index! + m[0].length);
          const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (lines.size > 1) out.push(`«${th.textContent}»: ${m[0]} on ${lines.size} lines`);
        }
      }
      return out;
    }),
  );
}

/** Where to keep the screenshots a person looks at (BUZON_SCREENSHOTS=dir), if anywhere. */
const shots = process.env.BUZON_SCREENSHOTS;

describe('layout at 1,366 × 800 and 360 × 740 (issue 23)', () => {
  for (const size of [{ width: 1366, height: 800 }, { width: 360, height: 740 }]) {
    it(`should show the clocks before any count, weeks as dates, headings unbroken, and an intro that matches (${size.width} px)`, async () => {
      const context = await browser.newContext({ locale: 'es-MX', viewport: size });
      const page = await context.newPage();
      await signInAsOfficial(page);
      await page.click('#show-trends');
      await page.waitForSelector('#trends-results table.counts');

      // The clocks come first: their heading, then their tables, above the first table of counts.
      const order = await page.$$eval('#trends-results h3, #trends-results table.counts', (els) =>
        els.map((e) => ({ what: e.tagName === 'H3' ? e.id || e.textContent : `table#${e.id}`, top: e.getBoundingClientRect().top + window.scrollY })),
      );
      const firstTable = order.find((e) => e.what.startsWith('table#'))!;
      const clocks = order.find((e) => e.what === 'trends-clocks')!;
      expect(clocks, JSON.stringify(order)).toBeDefined();
      expect(clocks.top).toBeLessThan(firstTable.top);
      expect(firstTable.what).toBe('table#ack');
      const countsAt = order.findIndex((e) => e.what === 'trends-counts');
      expect(order.slice(countsAt).every((e) => !['table#ack', 'table#answer', 'table#close', 'table#never_opened'].includes(e.what))).toBe(true);

      // Weeks read as dates, nowhere as "2026-W38".
      const text = await page.textContent('#trends-view');
      expect(text).not.toMatch(/\d{4}-W\d{2}/);
      const weekly = (await tablesOnScreen(page)).find((t) => t.title === 'Reportes por semana, según a quién los envió el trabajador')!;
      expect(await page.$eval('#weekly thead th', (th) => th.textContent)).toBe('Semana del');
      for (const row of weekly.rows.slice(0, -1)) expect(row[0]).toMatch(/^\d{1,2} de [a-z]+ de \d{4}$/);
      expect(await page.textContent('#trends-status')).toMatch(/^Plantas: \d+\. Desde la semana del \d{1,2} de [a-z]+ de \d{4} hasta la semana del/);

      // No heading word broken across lines, and the page itself never wider than the screen.
      expect(await splitWords(page, '#trends-results table.counts')).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);

      // The intro says what the cells show: a 0 is none, small numbers show as "<5".
      const intro = await page.textContent('#trends-view > p');
      expect(intro).not.toContain('no se muestran');
      expect(intro).toContain('Un 0 quiere decir que no llegó ninguno');
      expect(intro).toContain('«<5»');
      const counts = (await tablesOnScreen(page)).flatMap((t) => t.counts);
      expect(counts).toContain('0');
      expect(counts).toContain(SUPPRESSED);

      if (shots) {
        await page.screenshot({ path: `${shots}/dashboard-${size.width}-top.png` });
        await page.screenshot({ path: `${shots}/dashboard-${size.width}-full.png`, fullPage: true });
      }
      await context.close();
    });

    it(`should keep the public page's headings unbroken (${size.width} px)`, async () => {
      const context = await browser.newContext({ locale: 'es-MX', viewport: size });
      const page = await context.newPage();
      await page.goto(`${base}/transparencia`);
      expect(await splitWords(page, 'table.counts')).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
      if (shots) await page.screenshot({ path: `${shots}/transparencia-${size.width}-full.png`, fullPage: true });
      await context.close();
    });
  }
});

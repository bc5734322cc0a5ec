/**
 * The public transparency page: no sign-in, Spanish and English, only suppressed monthly
 * aggregates of the company's channel, nothing finer than a month, nothing about one report.
 */
import { SELF, env } from 'cloudflare:test';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { addDays } from '../../src/domain/case';
import { MIN_SHOWN, SUPPRESSED } from '../../src/trends/cellkey';
import { mexicoDay } from '../../src/lib/clock';
import { forgetSnapshots, publicSnapshotKey } from '../../src/trends/snapshot';
import { monthLabel } from '../../src/trends/transparency';
import { addMonths } from '../../src/trends/weeks';
import { makeFacility, sodium, type TestFacility } from './helpers';
import { insertReports, today } from './trends-helpers';

let U: TestFacility;
let T: TestFacility;
let V: TestFacility;
let W: TestFacility;
let ids: string[];
/** The page stops at the last complete month: fixtures arrive on its last day. */
const month = () => addMonths(today().slice(0, 7), -1);
/** Days from the last day of last month to today (Mexico City). */
const lastMonthAgo = () => Number(today().slice(8, 10));

beforeAll(async () => {
  const s = await sodium();
  [U, T, V, W] = await Promise.all([makeFacility(s), makeFacility(s), makeFacility(s), makeFacility(s)]);
  const ago = lastMonthAgo();
  ids = await insertReports(s, [
    { facilityId: U.id, ago, times: 5, status: 'resolved', ackAfter: 0, closedAfter: 0 },
    { facilityId: U.id, ago, times: 7 },
    { facilityId: T.id, ago, times: 3 },
    { facilityId: V.id, ago, times: 7, sendTo: 'authority' },
    { facilityId: W.id, ago, times: 6, sendTo: 'both' },
  ]);
});

/** Today's public figures, computed afresh: the daily snapshot is dropped first (the snapshot has its own test). */
async function page(query = '') {
  await forgetSnapshots(env.STATE, mexicoDay());
  return SELF.fetch(`https://buzon.test/transparencia${query}`);
}
const pageFromSnapshot = (query = '') => SELF.fetch(`https://buzon.test/transparencia${query}`);

/** The main table's rows: facility name → the text of each cell. */
async function rows(query: string) {
  const html = await (await page(query)).text();
  const table = html.slice(html.indexOf('<table class="counts" id="transparency"'), html.indexOf('</table>') + 8);
  const out = new Map<string, string[]>();
  for (const [, row] of table.matchAll(/<tr>(.*?)<\/tr>/gs)) {
    const head = /<th scope="row">(.*?)<\/th>/.exec(row!)?.[1];
    if (head) out.set(head, [...row!.matchAll(/<td class="num[^"]*">(.*?)<\/td>/g)].map((m) => m[1]!.replace('&lt;', '<')));
  }
  return { html, out };
}

describe('transparency page', () => {
  it('should need no sign-in, be Spanish by default and English on request, with the privacy headers', async () => {
    const es = await page();
    expect(es.status).toBe(200);
    const html = await es.text();
    expect(html).toMatch(/^<!doctype html><html lang="es-MX">/);
    expect(html).toContain('<h1>Transparencia</h1>');
    // Its figures are all in the HTML; the one script is the shared quick exit (src/client/no-trace.ts).
    expect([...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])).toEqual([expect.stringMatching(/^<script type="module" src="\/assets\/no-trace.js" integrity="sha384-[A-Za-z0-9+/=]{64}">$/)]);
    expect(es.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(es.headers.get('set-cookie')).toBeNull();
    const en = await (await page('?lang=en')).text();
    expect(en).toContain('<h1>Transparency</h1>');
    expect(en).toContain('Reports received');
  });

  it('should show, per facility and month, what was received, acknowledged in time, and how cases ended', async () => {
    const { out } = await rows(`?mes=${month()}`);
    // Received, then in time / late / pending, then resolved / referred / not substantiated / open, then share and median.
    // The 7 unanswered ones are still within the 7-day deadline until a week after last month's last day, then late.
    const late = lastMonthAgo() > 7;
    const [l, p, share] = late ? ['7', '0', '42%'] : ['0', '7', '100%'];
    expect(out.get(`Planta ${U.id}`)).toEqual(['12', '5', l, p, '5', '0', '0', '7', share, '0']);
  });

  it('should show small counts as "<5" and nothing from 1 to 4', async () => {
    const { out } = await rows(`?mes=${month()}`);
    expect(out.get(`Planta ${T.id}`)![0]).toBe(SUPPRESSED);
    // W's 6 shows (record keys are 0 here, so as it is): the total beside it carries its own
    // adjustment in real use, so total minus the others gives T's 3 plus noise, not 3.
    expect(out.get(`Planta ${W.id}`)![0]).toBe('6');
    for (const [name, cells] of out) {
      for (const v of cells.slice(0, 8)) expect(v === SUPPRESSED || v === '0' || Number(v) >= MIN_SHOWN, `${name}: ${v}`).toBe(true);
    }
  });

  it('should show nothing of the month in progress: no figure on the page moves when a report arrives this month', async () => {
    const s = await sodium();
    const Z = await makeFacility(s);
    const current = today().slice(0, 7);
    // Noon in Mexico City on the 20th of this month, so that days earlier in the month exist whatever today is.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date(`${current}-20T18:00:00Z`));
      const queries = ['', '?lang=en', `?mes=${current}`, ...Array.from({ length: 12 }, (_, i) => `?mes=${addMonths(current, -1 - i)}`)];
      const before = await Promise.all(queries.map(async (q) => (await page(q)).text()));
      // The 1st, the 10th and the 19th of this month, at a plant that had nothing and at one that had plenty.
      await insertReports(s, [
        { facilityId: Z.id, ago: 19, times: 9 },
        { facilityId: Z.id, ago: 10, times: 6, sendTo: 'both' },
        { facilityId: U.id, ago: 1, times: 8, status: 'resolved', ackAfter: 0, closedAfter: 0 },
      ]);
      const after = await Promise.all(queries.map(async (q) => (await page(q)).text()));
      for (const [i, q] of queries.entries()) expect(after[i], q || 'default').toBe(before[i]);
      // The month in progress is not offered at all: asking for it gets last month.
      expect(after[2]).not.toContain(`?mes=${current}&amp;`);
      expect(after[2]).toContain(`href="?mes=${month()}&amp;lang=es" aria-current="page"`);
      expect((await rows(`?mes=${month()}`)).out.get(`Planta ${Z.id}`)![0]).toBe('0');
    } finally {
      vi.useRealTimers();
    }
  });

  it('should compute the figures once a day and serve that snapshot, without reading reports, until the next day', async () => {
    const s = await sodium();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date(`${today().slice(0, 7)}-15T18:00:00Z`));
      const first = await (await page()).text();
      expect(await env.STATE.get(publicSnapshotKey(mexicoDay()))).not.toBeNull();
      // Later that day more of last month's cases are resolved: today's page does not move …
      await insertReports(s, [{ facilityId: T.id, ago: 20, times: 9, status: 'resolved', ackAfter: 0, closedAfter: 0 }]);
      expect(await (await pageFromSnapshot()).text()).toBe(first);
      // … tomorrow's does.
      vi.setSystemTime(new Date(`${today().slice(0, 7)}-16T18:00:00Z`));
      expect(await (await pageFromSnapshot()).text()).not.toBe(first);
    } finally {
      vi.useRealTimers();
    }
  });

  it('should say, in both languages, that the figures stop at the end of last month', async () => {
    const es = await (await page()).text();
    expect(es).toContain(`Cifras hasta el fin de ${monthLabel(month(), 'es')}.`);
    const en = await (await page('?lang=en')).text();
    expect(en).toContain(`Figures up to the end of ${monthLabel(month(), 'en')}.`);
  });

  it('should not publish per facility what a worker sent only to the authority', async () => {
    const { out } = await rows(`?mes=${month()}`);
    expect(out.get(`Planta ${V.id}`)![0]).toBe('0');
  });

  it('should show nothing finer than a month and nothing about a single report', async () => {
    const { html: page } = await rows(`?mes=${month()}`);
    // The one day on the page is the audit chain's published head, which is about readers, not reports.
    // (Or, while the chain is empty, the sentence that says so, naming yesterday.)
    const html = page.replace(/<code id="audit-head">[0-9a-f]{64}@\d{4}-\d{2}-\d{2}<\/code>|<p class="audit-head" id="audit-empty">[^<]*<\/p>/, '');
    expect(html).not.toBe(page);
    expect(html).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    for (const id of ids) expect(html).not.toContain(id.slice(0, 12));
    expect(html.match(/<a href="\?mes=\d{4}-\d{2}&amp;lang=es"/g)).toHaveLength(12);
  });

  it('should show last month by default, and ignore a month it does not offer', async () => {
    const last = addDays(`${today().slice(0, 7)}-01`, -1).slice(0, 7);
    for (const q of ['', '?mes=1999-01', '?mes=nada']) {
      const html = await (await page(q)).text();
      expect(html).toContain(`href="?mes=${last}&amp;lang=es" aria-current="page"`);
    }
  });
});

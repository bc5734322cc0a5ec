/**
 * Differencing across views: a small synthetic dataset goes through the real view functions (the
 * dashboard for every selection and every range of weeks, its CSV, and the public page for every
 * month), exactly as the routes call them; the attacker (suppress-attacker.ts) takes every cell of
 * every view, subtracts every pair and triple, intersects everything each combination says about
 * the same reports, and must never be left with a single possible value for a count from 1 to 4.
 * tests/worker/trends-views.test.ts checks that the routes serve what these functions build.
 */
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { addDays, STATUSES } from '../../src/domain/case';
import { SEND_TO } from '../../src/domain/report';
import { MAX_ADJUSTMENT, perturb, SUPPRESSED } from '../../src/trends/cellkey';
import { tableRows, toCsv } from '../../src/trends/csv';
import { buildDashboard } from '../../src/trends/dashboard';
import { AGE_BUCKETS, CLOCK_CLASSES, OUTCOMES, PUBLIC_ACK, type PublicData, type Selection, type TrendRows } from '../../src/trends/queries';
import { assembleSnapshot, CATEGORY_CODES, snapshotWeeks } from '../../src/trends/snapshot';
import type { Table } from '../../src/trends/tables';
import { buildTransparency, monthLabel } from '../../src/trends/transparency';
import { dayLabel, mondayOf, mondaysBetween } from '../../src/trends/weeks';
import { bitset, crossViewAttack, interval, type PublishedCell } from './suppress-attacker';

/** Labels are the translation keys, so a cell's row and column say what it counts. */
const t = ((key: string, values?: Record<string, unknown>) => (values ? `${key} ${JSON.stringify(values)}` : key)) as unknown as TFunction;

const TODAY = '2026-04-01'; // a Wednesday: the public page shows up to March
const WEEKS = mondaysBetween(addDays(mondayOf(TODAY), -7 * 5), mondayOf(TODAY)); // six weeks, the last one this week
const WEEK_BY_LABEL = new Map(WEEKS.map((w) => [dayLabel(w, 'es'), w]));

/** A small seeded generator, so the dataset (and its record keys) is the same on every run. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const FACILITIES = [
  { id: 'f0', name: 'F0', state: 'A', municipality: 'M', sector: 'automotive', ackDays: 7, answerDays: 30, closeDays: 90 },
  { id: 'f1', name: 'F1', state: 'A', municipality: 'M', sector: 'electronics', ackDays: 7, answerDays: 30, closeDays: 90 },
  { id: 'f2', name: 'F2', state: 'A', municipality: 'M', sector: 'automotive', ackDays: 7, answerDays: 30, closeDays: 90 },
  { id: 'f3', name: 'F3', state: 'B', municipality: 'M', sector: 'electronics', ackDays: 7, answerDays: 30, closeDays: 90 },
];
const CATS = ['intimidation', 'coercion', 'dismissal', 'unclassified'];

interface Report {
  unit: number;
  id: string;
  facilityId: string;
  day: string;
  week: string;
  status: string;
  sendTo: string;
  categories: string[];
  ack: string;
  answer: string;
  close: string;
  neverOpened: string | null;
  publicAck: string;
  outcome: string;
  key: number;
}

/** Reports over six weeks, a few plants large and some cells small; every one with a random record key. */
function dataset(seed: number, count: number): { reports: Report[]; mentions: Map<string, number>; units: number } {
  const random = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const reports: Report[] = [];
  const mentions = new Map<string, number>();
  let unit = 0;
  for (let i = 0; i < count; i++) {
    const facility = FACILITIES[Math.floor(random() ** 1.6 * FACILITIES.length)]!;
    const day = addDays(TODAY, -1 - Math.floor(random() * 38)); // up to yesterday
    const sendTo = pick(SEND_TO);
    const company = sendTo !== 'authority';
    const categories = [...new Set([pick(CATS), ...(random() < 0.3 ? [pick(CATS)] : [])])];
    reports.push({
      unit: unit++,
      id: `r${i}`,
      facilityId: facility.id,
      day,
      week: mondayOf(day),
      status: pick(STATUSES),
      sendTo,
      categories,
      ack: pick(CLOCK_CLASSES),
      answer: pick(CLOCK_CLASSES),
      close: pick(CLOCK_CLASSES),
      neverOpened: company && random() < 0.3 ? pick(AGE_BUCKETS) : null,
      publicAck: pick(PUBLIC_ACK),
      outcome: pick(OUTCOMES),
      key: Math.floor(random() * 2 ** 32),
    });
  }
  for (const r of reports) for (const c of r.categories) mentions.set(`${r.id}|${c}`, unit++);
  return { reports, mentions, units: unit };
}

/** Adds a report's count and key to the row with these fields, or starts it. */
function count<R extends { n: number; k: number }>(rows: R[], fields: Omit<R, 'n' | 'k'>, key: number) {
  const found = rows.find((r) => Object.entries(fields).every(([f, v]) => (r as Record<string, unknown>)[f] === v));
  if (found) (found.n += 1), (found.k += key);
  else rows.push({ ...fields, n: 1, k: key } as R);
}

/** The rows src/trends/queries.ts reads, made from the reports the way its SQL makes them. */
function trendRows(reports: Report[]): TrendRows {
  const rows: TrendRows = { today: TODAY, weeks: snapshotWeeks(TODAY), facilities: FACILITIES, reports: [], categories: [], reportsFromToday: [], categoriesFromToday: [], clocks: [], neverOpened: [] };
  for (const r of reports) {
    count(rows.reports, { facilityId: r.facilityId, week: r.week, status: r.status, sendTo: r.sendTo }, r.key);
    for (const category of r.categories) count(rows.categories, { facilityId: r.facilityId, week: r.week, category }, r.key);
    if (r.sendTo === 'authority') continue;
    count(rows.clocks, { facilityId: r.facilityId, week: r.week, ack: r.ack as 'in_time', answer: r.answer as 'in_time', close: r.close as 'in_time', ackDays: null, closeDays: null }, r.key);
    if (r.neverOpened) count(rows.neverOpened, { facilityId: r.facilityId, bucket: r.neverOpened as 'week' }, r.key);
  }
  return rows;
}

function publicData(reports: Report[]): PublicData {
  const months = ['2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03'];
  const d: PublicData = { today: TODAY, months, facilities: FACILITIES, cells: [], closeDays: [] };
  for (const r of reports) {
    if (r.sendTo === 'authority' || r.day.slice(0, 7) > '2026-03') continue;
    count(d.cells, { facilityId: r.facilityId, month: r.day.slice(0, 7), ack: r.publicAck as 'in_time', outcome: r.outcome as 'open' }, r.key);
  }
  return d;
}

const SELECTIONS: Array<[string, Selection, (f: (typeof FACILITIES)[number]) => boolean]> = [
  ['national', { scopeState: null }, () => true],
  ['state A', { scopeState: null, state: 'A' }, (f) => f.state === 'A'],
  ['state B', { scopeState: null, state: 'B' }, (f) => f.state === 'B'],
  ['official of A', { scopeState: 'A' }, (f) => f.state === 'A'],
  ['automotive', { scopeState: null, sector: 'automotive' }, (f) => f.sector === 'automotive'],
  ['electronics', { scopeState: null, sector: 'electronics' }, (f) => f.sector === 'electronics'],
  ...FACILITIES.map((f) => [f.id, { scopeState: null, facility: f.id }, (g: (typeof FACILITIES)[number]) => g.id === f.id] as [string, Selection, (f: (typeof FACILITIES)[number]) => boolean]),
];

/** What a dashboard cell counts: its table says which reports (or mentions), its row and column narrow them. */
function dashboardUnits(table: Table, row: string, column: string, reports: Report[], mentions: Map<string, number>, inView: (r: Report) => boolean): number[] {
  const week = (label: string) => WEEK_BY_LABEL.get(label); // a week's row reads as the day it starts
  const facility = (label: string) => FACILITIES.find((f) => f.name === label)?.id;
  const total = column === 'trends.total';
  const mentionsWhere = (keep: (r: Report, c: string) => boolean) =>
    reports.filter(inView).flatMap((r) => r.categories.filter((c) => keep(r, c)).map((c) => mentions.get(`${r.id}|${c}`)!));
  const reportsWhere = (keep: (r: Report) => boolean) => reports.filter((r) => inView(r) && keep(r)).map((r) => r.unit);
  const rowOk = (r: Report) => row === 'trends.total' || r.week === week(row) || r.facilityId === facility(row);
  const category = (label: string) => CATEGORY_CODES.find((c) => label === (c === 'unclassified' ? 'trends.unclassified' : `categories.${c}.label`));
  switch (table.id) {
    case 'weekly':
    case 'facilities':
      return reportsWhere((r) => rowOk(r) && (total || `trends.send_to.${r.sendTo}` === column));
    case 'weekly_status':
      return reportsWhere((r) => rowOk(r) && (total || `trends.status.${r.status}` === column));
    case 'weekly_categories':
    case 'facility_categories':
      return mentionsWhere((r, c) => rowOk(r) && (total || category(column) === c));
    case 'categories':
      return mentionsWhere((_, c) => row === 'trends.total' || category(row) === c);
    case 'ack':
    case 'answer':
    case 'close':
      return reportsWhere((r) => r.sendTo !== 'authority' && rowOk(r) && (total || `clock.outcome.${r[table.id as 'ack']}` === column));
    case 'never_opened':
      return reportsWhere((r) => r.neverOpened !== null && (row === 'trends.total' || r.facilityId === facility(row)) && (total || `trends.age.${r.neverOpened}` === column));
  }
  throw new Error(`unknown table ${table.id}`);
}

/** Every count of a table with its header, as the CSV writes it (and the screen shows it). */
function countCells(table: Table) {
  const [, header, ...rows] = tableRows(table);
  const counts = table.columns.length + (table.noTotalColumn ? 0 : 1);
  return rows.flatMap((r) => r.slice(1, 1 + counts).map((v, i) => ({ row: String(r[0]), column: String(header![1 + i]), shown: v as number | string })));
}

/** Every cell of every view, with the units it counts and what its shown value tells the attacker. */
function publishedCells(reports: Report[], mentions: Map<string, number>, units: number, maxAdjustment: number) {
  const snapshot = assembleSnapshot(trendRows(reports));
  const cells: PublishedCell[] = [];
  const publish = (members: number[], shown: number | string, where: string) => {
    const [lo, hi] = interval(shown, maxAdjustment);
    cells.push({ units: bitset(members, units), size: members.length, lo, hi, where });
  };
  let views = 0;
  for (const [name, sel, keep] of SELECTIONS) {
    const inSelection = new Set(FACILITIES.filter(keep).map((f) => f.id));
    for (let a = 0; a < WEEKS.length; a++) {
      for (let b = a; b < WEEKS.length; b++) {
        const view = buildDashboard(snapshot, sel, { from: WEEKS[a]!, to: WEEKS[b]! }, t);
        views++;
        // The CSV carries exactly the tables on screen: one more view that tells nothing new.
        const csv = toCsv(['heading'], view.tables);
        for (const tb of view.tables) for (const row of tableRows(tb)) expect(csv).toContain(row.map(String).join(','));
        const range = (r: Report) => inSelection.has(r.facilityId) && r.week >= WEEKS[a]! && r.week <= WEEKS[b]!;
        for (const tb of view.tables) {
          const inView = tb.id === 'never_opened' ? (r: Report) => inSelection.has(r.facilityId) : range;
          for (const c of countCells(tb)) publish(dashboardUnits(tb, c.row, c.column, reports, mentions, inView), c.shown, `${name} ${a}..${b} ${tb.id} [${c.row} × ${c.column}]`);
        }
      }
    }
  }
  const pub = publicData(reports);
  for (const month of ['2026-02', '2026-03']) {
    const view = buildTransparency(pub, month, t, 'es');
    views++;
    const company = reports.filter((r) => r.sendTo !== 'authority' && r.day.slice(0, 7) === month);
    for (const c of countCells(view.table)) {
      const facility = FACILITIES.find((f) => f.name === c.row)?.id;
      const members = company.filter(
        (r) =>
          (facility === undefined || r.facilityId === facility) &&
          (c.column === 'transparency.received' || `transparency.ack.${r.publicAck}` === c.column || `transparency.outcome.${r.outcome}` === c.column),
      );
      publish(members.map((r) => r.unit), c.shown, `public ${month} [${c.row} × ${c.column}]`);
    }
    for (const c of countCells(view.chartTable)) {
      const m = pub.months.find((x) => monthLabel(x, 'es') === c.row)!;
      publish(reports.filter((r) => r.sendTo !== 'authority' && r.day.slice(0, 7) === m).map((r) => r.unit), c.shown, `public chart [${c.row}]`);
    }
  }
  return { cells, views };
}

describe('differencing across views', () => {
  for (const [seed, size] of [[1, 70], [2, 45], [3, 110]] as const) {
    it(`should let no pair or triple of views pin a count from 1 to 4 (dataset ${seed}, ${size} reports)`, () => {
      const { reports, mentions, units } = dataset(seed, size);
      const { cells, views } = publishedCells(reports, mentions, units, MAX_ADJUSTMENT);
      expect(views).toBe(SELECTIONS.length * 21 + 2);
      // Sanity: every shown number is 0 or at least 5, and the attacker's intervals hold every true count.
      for (const c of cells) expect(c.size >= c.lo && c.size <= c.hi, `${c.where}: ${c.size} outside ${c.lo}..${c.hi}`).toBe(true);
      const { targets, recovered, inconsistent } = crossViewAttack(cells);
      expect(inconsistent).toEqual([]);
      // The attack has plenty to work with: many small sets isolated by subtracting views …
      expect(targets).toBeGreaterThan(200);
      // … and none of them is pinned.
      expect(recovered.slice(0, 5)).toEqual([]);
    });
  }

  it('should show the same reports as the same number in every view, and zero as zero', () => {
    const { reports, mentions, units } = dataset(1, 70);
    const { cells } = publishedCells(reports, mentions, units, 0);
    // With no adjustment assumed, each interval is the shown value itself: one set, one value.
    const bySet = new Map<string, Set<string>>();
    for (const c of cells) {
      const key = c.units.join(',');
      bySet.set(key, (bySet.get(key) ?? new Set()).add(`${c.lo}..${c.hi}`));
    }
    for (const [key, shown] of bySet) expect(shown.size, key).toBe(1);
    for (const c of cells) if (c.size === 0) expect([c.lo, c.hi]).toEqual([0, 0]);
  });

  it('should adjust by the published table only: never more than the largest adjustment, and "<5" below 5', () => {
    const random = prng(7);
    for (let i = 0; i < 20_000; i++) {
      const n = 1 + Math.floor(random() * 40);
      const shown = perturb({ n, k: Math.floor(random() * 2 ** 32) });
      if (shown === SUPPRESSED) expect(n).toBeLessThanOrEqual(4 + MAX_ADJUSTMENT);
      else expect(Math.abs(shown - n) <= MAX_ADJUSTMENT && shown >= 5).toBe(true);
    }
    expect(perturb({ n: 0, k: 12345 })).toBe(0);
  });
});

/**
 * Property tests over the real views: random reports go through the dashboard, its CSV and the
 * transparency page exactly as in production, and nothing shown, exported or derivable from what
 * is shown is a count from 1 to 4.
 */
import fc from 'fast-check';
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { addDays, STATUSES } from '../../src/domain/case';
import { SEND_TO } from '../../src/domain/report';
import { tableRows, toCsv } from '../../src/trends/csv';
import { buildDashboard, dashboardSystem } from '../../src/trends/dashboard';
import { CLOCK_CLASSES, AGE_BUCKETS, OUTCOMES, type DashboardData, type PublicData } from '../../src/trends/queries';
import { MIN_SHOWN, SUPPRESSED, suppress, type Constraint } from '../../src/trends/suppress';
import { median, type Table } from '../../src/trends/tables';
import { buildTransparency } from '../../src/trends/transparency';
import { mondayOf } from '../../src/trends/weeks';
import { linearlyDetermined } from './suppress-attacker';

const t = ((key: string, values?: Record<string, unknown>) => (values ? `${key} ${JSON.stringify(values)}` : key)) as unknown as TFunction;
const CATS = ['intimidation', 'coercion', 'dismissal', 'unclassified'];

const report = fc.record({
  facility: fc.integer({ min: 0, max: 2 }),
  week: fc.integer({ min: 0, max: 2 }),
  status: fc.constantFrom(...STATUSES),
  sendTo: fc.constantFrom(...SEND_TO),
  categories: fc.subarray(CATS, { minLength: 1, maxLength: 2 }),
  ack: fc.constantFrom(...CLOCK_CLASSES),
  answer: fc.constantFrom(...CLOCK_CLASSES),
  close: fc.constantFrom(...CLOCK_CLASSES),
  ackDays: fc.integer({ min: 0, max: 12 }),
  neverOpened: fc.option(fc.constantFrom(...AGE_BUCKETS), { nil: undefined }),
});

const to = mondayOf('2026-03-18');
const weekOf = (i: number) => addDays(to, -7 * i);

type Report = typeof report extends fc.Arbitrary<infer R> ? R : never;

/** Adds one to the row with these fields, or starts it. */
function count(rows: Array<{ n: number }>, row: Record<string, unknown>) {
  const found = (rows as Array<Record<string, unknown> & { n: number }>).find((r) => Object.keys(row).every((k) => r[k] === row[k]));
  if (found) found.n++;
  else rows.push({ ...row, n: 1 });
}

/** Aggregates reports the way the SQL in src/trends/queries.ts does. */
function dashboardData(reports: Report[], facilities: number): DashboardData {
  const d: DashboardData = {
    today: '2026-03-18',
    from: weekOf(2),
    to,
    facilities: Array.from({ length: facilities }, (_, i) => ({ id: `f${i}`, name: `F${i}`, state: 'S', municipality: 'M', sector: 'other', ackDays: 7, answerDays: 30, closeDays: 90 })),
    weekly: [],
    byFacility: [],
    categoriesWeekly: [],
    categoriesByFacility: [],
    spikes: [],
    clocks: [],
    medians: [],
    neverOpened: [],
  };
  const weeks = new Map<string, number>();
  const histograms = new Map<string, Map<number, number>>();
  const observe = (clock: string, facilityId: string | null, v: number) => {
    const key = `${clock}|${facilityId ?? ''}`;
    const h = histograms.get(key) ?? new Map<number, number>();
    histograms.set(key, h.set(v, (h.get(v) ?? 0) + 1));
  };
  for (const r of reports) {
    if (r.facility >= facilities) continue;
    const facilityId = `f${r.facility}`;
    const week = weekOf(r.week);
    count(d.weekly, { week, status: r.status, sendTo: r.sendTo });
    count(d.byFacility, { facilityId, sendTo: r.sendTo });
    weeks.set(`${facilityId}|${week}`, (weeks.get(`${facilityId}|${week}`) ?? 0) + 1);
    for (const category of r.categories) {
      count(d.categoriesWeekly, { week, category });
      count(d.categoriesByFacility, { facilityId, category });
    }
    if (r.sendTo !== 'authority') {
      count(d.clocks, { facilityId, ack: r.ack, answer: r.answer, close: r.close });
      for (const [clock, done, v] of [['ack', r.ack, r.ackDays], ['close', r.close, r.ackDays * 3]] as const) {
        if (done === 'in_time' || done === 'late') for (const f of [facilityId, null]) observe(clock, f, v);
      }
      if (r.neverOpened) count(d.neverOpened, { facilityId, bucket: r.neverOpened });
    }
  }
  // A week with 5 or more reports is flagged here (the SQL also looks back 8 weeks): a published lower bound either way.
  for (const [key, n] of weeks) if (n >= 5) d.spikes.push({ facilityId: key.split('|')[0]!, week: key.split('|')[1]! });
  for (const [key, h] of histograms) {
    const [clock, facilityId] = key.split('|');
    d.medians.push({ clock: clock as 'ack' | 'close', facilityId: facilityId || null, median: median(h)! });
  }
  return d;
}

const countCells = (tables: readonly Table[]) => tables.flatMap((tb) => [...tb.rows, ...(tb.totals ? [tb.totals] : [])].flatMap((r) => [...r.cells, ...(tb.noTotalColumn ? [] : [r.total])]));
const small = (v: unknown) => typeof v === 'number' && v >= 1 && v < MIN_SHOWN;

function expectLinesSafe(values: ReadonlyMap<string, number>, constraints: readonly Constraint[], hidden: ReadonlySet<string>) {
  for (const c of constraints) {
    const hiddenParts = c.parts.filter((p) => hidden.has(p));
    const k = hiddenParts.length + (hidden.has(c.total) ? 1 : 0);
    expect(k, `one hidden cell in ${c.total}`).not.toBe(1);
    if (!hidden.has(c.total) && hiddenParts.length) {
      const difference = hiddenParts.reduce((a, p) => a + (values.get(p) ?? 0), 0);
      expect(difference >= MIN_SHOWN && difference > hiddenParts.length, `${c.total}: total minus visible = ${difference}`).toBe(true);
    }
  }
}

describe('suppression in the real views', () => {
  it('should show and export no count from 1 to 4 on the dashboard, nor let one be worked out', () => {
    fc.assert(
      fc.property(fc.array(report, { maxLength: 60 }), fc.integer({ min: 1, max: 3 }), (reports, facilities) => {
        const d = dashboardData(reports, facilities);
        const view = buildDashboard(d, t);
        for (const v of countCells(view.tables)) expect(small(v), `shown: ${v}`).toBe(false);
        // The CSV holds exactly the tables, and no small count either.
        const csv = toCsv(['heading'], view.tables);
        expect(csv.startsWith('\uFEFF')).toBe(true);
        for (const tb of view.tables) for (const row of tableRows(tb)) expect(csv).toContain(row.map(String).join(','));
        for (const tb of view.tables) {
          const counts = tb.columns.length + (tb.noTotalColumn ? 0 : 1);
          for (const row of tableRows(tb).slice(2)) for (const v of row.slice(1, 1 + counts)) expect(small(v), `csv ${tb.id}: ${v}`).toBe(false);
        }
        // The same system the view was built from: every line safe, no cell determined.
        const system = dashboardSystem(d, t);
        const s = suppress({ values: system.counts.values, constraints: system.constraints, lowerBounds: system.lowerBounds });
        expectLinesSafe(system.counts.values, system.constraints, s.hidden);
        expect(linearlyDetermined(system.constraints, s.hidden)).toEqual([]);
        // A chart point is a table cell: hidden in one, hidden in the other.
        const weekly = view.tables.find((x) => x.id === 'weekly')!;
        const points = view.charts[0]!.svg.children!.filter((n) => n.tag === 'circle' || n.tag === 'path').map((n) => n.children![0]!.text!);
        weekly.rows.forEach((r, i) => expect(points[i]!.endsWith(r.total === SUPPRESSED ? 'trends.suppressed_point' : `: ${r.total}`)).toBe(true));
      }),
      { numRuns: 150 },
    );
  });

  it('should show no count from 1 to 4 on the transparency page, in any month', () => {
    const cell = fc.record({
      facility: fc.integer({ min: 0, max: 3 }),
      month: fc.constantFrom('2026-02', '2026-03'),
      ack: fc.constantFrom('in_time', 'late', 'pending'),
      outcome: fc.constantFrom(...OUTCOMES),
      n: fc.integer({ min: 1, max: 9 }),
    });
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 25 }), (cells) => {
        const d: PublicData = {
          today: '2026-03-18',
          months: ['2026-02', '2026-03'],
          facilities: [0, 1, 2, 3].map((i) => ({ id: `f${i}`, name: `F${i}`, state: 'S', municipality: 'M', sector: 'other' })),
          cells: cells.map((c) => ({ facilityId: `f${c.facility}`, month: c.month, ack: c.ack as 'in_time', outcome: c.outcome, n: c.n })),
          closeDays: [],
        };
        for (const month of d.months) {
          const view = buildTransparency(d, month, t, 'es');
          for (const v of countCells([view.table, view.chartTable])) expect(small(v), `${month}: ${v}`).toBe(false);
          // The monthly series shows each month as that month's own page does.
          const other = buildTransparency(d, month === '2026-02' ? '2026-03' : '2026-02', t, 'es');
          expect(other.chartTable.rows.map((r) => r.cells[0])).toEqual(view.chartTable.rows.map((r) => r.cells[0]));
          expect(view.chartTable.rows[d.months.indexOf(month)]!.cells[0]).toEqual(view.table.totals!.total);
        }
      }),
      { numRuns: 200 },
    );
  });
});

/**
 * @module The officials' dashboard as it leaves the server: every table, chart and alert of one
 * view (a selection of facilities and a range of weeks), built from the day's snapshot
 * (src/trends/snapshot.ts) with every count adjusted by its cell key (src/trends/cellkey.ts). The
 * console draws it; the CSV writes the same tables. The cost is the view's facilities × weeks, never its reports.
 */
import type { TFunction } from 'i18next';
import { STATUSES } from '../domain/case';
import { SEND_TO } from '../domain/report';
import { adjustment, MIN_SHOWN, SUPPRESSED, type Shown } from './cellkey';
import { barChart, lineChart } from './chart';
import { UNCLASSIFIED } from './counters';
import { AGE_BUCKETS, CLOCK_CLASSES, inSelection, SPIKE_FACTOR, SPIKE_MIN, SPIKE_WEEKS, type Selection } from './queries';
import { CATEGORY_CODES, COLUMN, COLUMNS, type TrendsSnapshot } from './snapshot';
import { Cells, renderGrid, type Axis, type Grid, type Table } from './tables';
import type { DashboardView } from './view';
import { isoWeekLabel } from './weeks';

export type { DashboardView };
export { CATEGORY_CODES };

const percent = (part: number, whole: number) => `${Math.round((100 * part) / whole)}%`;
const NOT_SHOWN = '—';
const C = COLUMNS.length;
const range = (prefix: string) => COLUMNS.flatMap((c, i) => (c.startsWith(prefix) ? [i] : []));
const SEND_TO_COLUMNS = range('s:');
const CATEGORY_COLUMNS = range('c:');
const COMPANY_COLUMNS = [COLUMN.get('s:monitor')!, COLUMN.get('s:both')!];

/** A median of a dense histogram (days → how many): a whole number or a half; null if empty. */
function denseMedian(h: Float64Array): number | null {
  const n = h.reduce((a, c) => a + c, 0);
  if (!n) return null;
  const at = (i: number) => {
    let seen = 0;
    for (let d = 0; d < h.length; d++) if (i < (seen += h[d]!)) return d;
    return h.length - 1;
  };
  return n % 2 ? at((n - 1) / 2) : (at(n / 2 - 1) + at(n / 2)) / 2;
}

/**
 * Every cell one view can show, with its count and key sum: the facilities and weeks it covers,
 * summed from the snapshot's per facility and week columns.
 */
export function dashboardCells(snap: TrendsSnapshot, sel: Selection, weekRange: { from: string; to: string }) {
  const W = snap.weeks.length;
  const facilities = snap.facilities.flatMap((f, i) => (inSelection(f, sel) ? [i] : []));
  const w0 = snap.weeks.indexOf(weekRange.from);
  const w1 = snap.weeks.indexOf(weekRange.to);
  if (w0 < 0 || w1 < w0) throw new Error(`weeks ${weekRange.from}..${weekRange.to} are not in the snapshot`);
  const weeks = snap.weeks.slice(w0, w1 + 1);
  const R = weeks.length;
  // Sums per week × column and per facility × column (key sums exact in doubles: under 2^53).
  const wn = new Float64Array(R * C);
  const wk = new Float64Array(R * C);
  const fn = new Float64Array(facilities.length * C);
  const fk = new Float64Array(facilities.length * C);
  facilities.forEach((f, fi) => {
    for (let w = 0; w < R; w++) {
      const base = (f * W + w0 + w) * C;
      for (let c = 0; c < C; c++) {
        const n = snap.n[base + c]!;
        if (!n) continue;
        const k = snap.k[base + c]!;
        wn[w * C + c] = wn[w * C + c]! + n;
        wk[w * C + c] = wk[w * C + c]! + k;
        fn[fi * C + c] = fn[fi * C + c]! + n;
        fk[fi * C + c] = fk[fi * C + c]! + k;
      }
    }
  });
  const cells = new Cells();
  const put = (key: string, ns: Float64Array, ks: Float64Array, at: number, columns: readonly number[]) => {
    let n = 0;
    let k = 0;
    for (const c of columns) (n += ns[at + c]!), (k = (k + ks[at + c]!) % 2 ** 32);
    cells.add(key, n, k);
  };
  const columnSums = new Float64Array(C * 2);
  weeks.forEach((week, w) => {
    COLUMNS.forEach((col, c) => {
      if (col.startsWith('s:') || col.startsWith('st:') || col.startsWith('c:')) put(`w:${week}|${col}`, wn, wk, w * C, [c]);
      columnSums[c] = columnSums[c]! + wn[w * C + c]!;
      columnSums[C + c] = (columnSums[C + c]! + wk[w * C + c]!) % 2 ** 32;
    });
    put(`w:${week}`, wn, wk, w * C, SEND_TO_COLUMNS);
    put(`wm:${week}`, wn, wk, w * C, CATEGORY_COLUMNS);
  });
  const totals = (key: string, columns: readonly number[]) => {
    let n = 0;
    let k = 0;
    for (const c of columns) (n += columnSums[c]!), (k = (k + columnSums[C + c]!) % 2 ** 32);
    cells.add(key, n, k);
  };
  COLUMNS.forEach((col, c) => totals(col, [c]));
  totals('all', SEND_TO_COLUMNS);
  totals('m', CATEGORY_COLUMNS);
  totals('company', COMPANY_COLUMNS);
  facilities.forEach((f, fi) => {
    const id = snap.facilities[f]!.id;
    COLUMNS.forEach((col, c) => put(`f:${id}|${col}`, fn, fk, fi * C, [c]));
    put(`f:${id}`, fn, fk, fi * C, SEND_TO_COLUMNS);
    put(`fm:${id}`, fn, fk, fi * C, CATEGORY_COLUMNS);
    put(`f:${id}|company`, fn, fk, fi * C, COMPANY_COLUMNS);
  });
  const inView = new Map(facilities.map((f) => [f, snap.facilities[f]!.id]));
  for (const r of snap.neverOpened) {
    const id = inView.get(r.facility);
    if (id === undefined) continue;
    for (const key of [`f:${id}|no:${r.bucket}`, `f:${id}|no`, `no:${r.bucket}`, 'no']) cells.add(key, r.n, r.k);
  }
  return { cells, facilities, weeks, w0 };
}

/** Median days to acknowledge and to close over the view, per facility (by index) and over all (-1). */
function viewMedians(snap: TrendsSnapshot, facilities: number[], w0: number, weeks: number) {
  const W = snap.weeks.length;
  let max = 0;
  for (const d of snap.histDays) if (d > max) max = d;
  const out = new Map<string, number | null>();
  for (const [h, clock] of (['ack', 'close'] as const).entries()) {
    const all = new Float64Array(max + 1);
    for (const f of facilities) {
      const own = new Float64Array(max + 1);
      for (let w = w0; w < w0 + weeks; w++) {
        const i = (f * W + w) * 2 + h;
        for (let e = snap.histOffsets[i]!; e < snap.histOffsets[i + 1]!; e++) {
          const d = snap.histDays[e]!;
          own[d] = own[d]! + snap.histCounts[e]!;
          all[d] = all[d]! + snap.histCounts[e]!;
        }
      }
      out.set(`${clock}:${f}`, denseMedian(own));
    }
    out.set(`${clock}:-1`, denseMedian(all));
  }
  return out;
}

/** Builds every table, chart and alert of one view of the dashboard. */
export function buildDashboard(snap: TrendsSnapshot, sel: Selection, weekRange: { from: string; to: string }, t: TFunction): DashboardView {
  const { cells, facilities, weeks, w0 } = dashboardCells(snap, sel, weekRange);
  const show = cells.show;
  const weekAxis: Axis[] = weeks.map((w) => ({ id: w, label: isoWeekLabel(w) }));
  const facilityAxis: Axis[] = facilities.map((f) => ({ id: snap.facilities[f]!.id, label: snap.facilities[f]!.name }));
  const sendToAxis: Axis[] = SEND_TO.map((s) => ({ id: s, label: t(`trends.send_to.${s}`) }));
  const statusAxis: Axis[] = STATUSES.map((s) => ({ id: s, label: t(`trends.status.${s}`) }));
  const categoryAxis: Axis[] = CATEGORY_CODES.map((c) => ({ id: c, label: c === UNCLASSIFIED ? t('trends.unclassified') : t(`categories.${c}.label`) }));
  const clockAxis: Axis[] = CLOCK_CLASSES.map((c) => ({ id: c, label: t(`trends.clock.${c}`) }));
  const ageAxis: Axis[] = AGE_BUCKETS.map((b) => ({ id: b, label: t(`trends.age.${b}`) }));
  const grids = {
    weekly: grid('weekly', weekAxis, sendToAxis, (w, s) => `w:${w}|s:${s}`, (w) => `w:${w}`, (s) => `s:${s}`, 'all'),
    weeklyStatus: grid('weekly_status', weekAxis, statusAxis, (w, s) => `w:${w}|st:${s}`, (w) => `w:${w}`, (s) => `st:${s}`, 'all'),
    weeklyCategories: grid('weekly_categories', weekAxis, categoryAxis, (w, c) => `w:${w}|c:${c}`, (w) => `wm:${w}`, (c) => `c:${c}`, 'm'),
    facilities: grid('facilities', facilityAxis, sendToAxis, (f, s) => `f:${f}|s:${s}`, (f) => `f:${f}`, (s) => `s:${s}`, 'all'),
    facilityCategories: grid('facility_categories', facilityAxis, categoryAxis, (f, c) => `f:${f}|c:${c}`, (f) => `fm:${f}`, (c) => `c:${c}`, 'm'),
    ack: grid('ack', facilityAxis, clockAxis, (f, k) => `f:${f}|ack:${k}`, (f) => `f:${f}|company`, (k) => `ack:${k}`, 'company'),
    answer: grid('answer', facilityAxis, clockAxis, (f, k) => `f:${f}|answer:${k}`, (f) => `f:${f}|company`, (k) => `answer:${k}`, 'company'),
    close: grid('close', facilityAxis, clockAxis, (f, k) => `f:${f}|close:${k}`, (f) => `f:${f}|company`, (k) => `close:${k}`, 'company'),
    neverOpened: grid('never_opened', facilityAxis, ageAxis, (f, b) => `f:${f}|no:${b}`, (f) => `f:${f}|no`, (b) => `no:${b}`, 'no'),
  };
  const names = new Map(snap.facilities.map((f) => [f.id, f]));
  const index = new Map(snap.facilities.map((f, i) => [f.id, i]));

  const labels = (id: string, rowHeader: string) => ({
    title: t(`trends.tables.${id}.title`),
    caption: t(`trends.tables.${id}.caption`),
    rowHeader,
    totalLabel: t('trends.total'),
  });
  const weekHeader = t('trends.week');
  const facilityHeader = t('trends.facility');
  const shownNumbers = (keys: string[]) => {
    const v = keys.map(show);
    return v.every((x): x is number => x !== SUPPRESSED) ? v : null;
  };

  /** The share done in time, from the numbers shown (so it tells nothing they do not). */
  const share = (key: (k: string) => string) => {
    const v = shownNumbers(['in_time', 'late', 'overdue'].map(key));
    if (!v) return NOT_SHOWN;
    const [inTime, late, overdue] = v as [number, number, number];
    return inTime + late + overdue ? percent(inTime, inTime + late + overdue) : NOT_SHOWN;
  };
  /** A median of days, when the cases it is taken over show as numbers, 5 or more. */
  const medians = viewMedians(snap, facilities, w0, weeks.length);
  const medianOf = (clock: 'ack' | 'close', key: (k: string) => string, facility: number) => {
    const v = shownNumbers(['in_time', 'late'].map(key));
    if (!v || v[0]! + v[1]! < MIN_SHOWN) return NOT_SHOWN;
    const m = medians.get(`${clock}:${facility}`);
    return m === null || m === undefined ? NOT_SHOWN : String(m);
  };
  const deadline = (field: 'ackDays' | 'answerDays' | 'closeDays') => (f: string) => String(names.get(f)![field]);

  const tables: Table[] = [
    renderGrid(grids.weekly, show, labels('weekly', weekHeader)),
    renderGrid(grids.weeklyStatus, show, labels('weekly_status', weekHeader)),
    renderGrid(grids.weeklyCategories, show, labels('weekly_categories', weekHeader)),
    categoryList(categoryAxis, show, t),
    renderGrid(grids.facilities, show, labels('facilities', facilityHeader)),
    renderGrid(grids.facilityCategories, show, labels('facility_categories', facilityHeader)),
    renderGrid(grids.ack, show, labels('ack', facilityHeader), {
      columns: [t('trends.deadline_days'), t('trends.share_in_time'), t('trends.median_days_ack')],
      row: (f) => [deadline('ackDays')(f), share((k) => `f:${f}|ack:${k}`), medianOf('ack', (k) => `f:${f}|ack:${k}`, index.get(f)!)],
      totals: () => [NOT_SHOWN, share((k) => `ack:${k}`), medianOf('ack', (k) => `ack:${k}`, -1)],
    }),
    renderGrid(grids.answer, show, labels('answer', facilityHeader), {
      columns: [t('trends.deadline_days'), t('trends.share_in_time')],
      row: (f) => [deadline('answerDays')(f), share((k) => `f:${f}|answer:${k}`)],
      totals: () => [NOT_SHOWN, share((k) => `answer:${k}`)],
    }),
    renderGrid(grids.close, show, labels('close', facilityHeader), {
      columns: [t('trends.deadline_days'), t('trends.share_in_time'), t('trends.median_days_close')],
      row: (f) => [deadline('closeDays')(f), share((k) => `f:${f}|close:${k}`), medianOf('close', (k) => `f:${f}|close:${k}`, index.get(f)!)],
      totals: () => [NOT_SHOWN, share((k) => `close:${k}`), medianOf('close', (k) => `close:${k}`, -1)],
    }),
    renderGrid(grids.neverOpened, show, labels('never_opened', facilityHeader)),
  ];

  const suppressedLabel = t('trends.suppressed_point');
  const charts = [
    {
      id: 'chart-weekly',
      title: t('trends.charts.weekly'),
      region: t('trends.charts.region', { title: t('trends.charts.weekly') }),
      table: 'weekly',
      svg: lineChart(
        weekAxis.map((w) => ({ label: w.label, value: show(`w:${w.id}`) })),
        { id: 'chart-weekly', title: t('trends.charts.weekly'), description: t('trends.charts.see_table', { table: t('trends.tables.weekly.title') }), suppressedLabel },
      ),
    },
    {
      id: 'chart-categories',
      title: t('trends.charts.categories'),
      region: t('trends.charts.region', { title: t('trends.charts.categories') }),
      table: 'categories',
      svg: barChart(
        categoryAxis.map((c) => ({ label: c.label, value: show(`c:${c.id}`) })),
        { id: 'chart-categories', title: t('trends.charts.categories'), description: t('trends.charts.see_table', { table: t('trends.tables.categories.title') }), suppressedLabel },
      ),
    },
  ];

  return {
    from: isoWeekLabel(weekRange.from),
    to: isoWeekLabel(weekRange.to),
    today: snap.today,
    facilityCount: facilities.length,
    spikes: spikes(snap, facilities, w0, weeks.length).map((sp) => ({ facility: snap.facilities[sp.facility]!.name, week: isoWeekLabel(snap.weeks[sp.week]!) })),
    charts,
    tables,
    notes: [t('trends.notes.suppressed'), t('trends.notes.not_shown'), t('trends.notes.clocks'), t('trends.notes.never_opened')],
  };
}

/**
 * Spike alerts: a facility's week that shows at least SPIKE_MIN and SPIKE_FACTOR times the mean of
 * the SPIKE_WEEKS weeks before (weeks without reports count as zero). Worked out from the
 * facility's weekly totals as adjusted (each one is the total of a one-facility, one-week view),
 * never from true counts, so an alert tells nothing beyond those adjusted numbers.
 */
export function spikes(snap: TrendsSnapshot, facilities: number[], w0: number, weeks: number): Array<{ facility: number; week: number }> {
  const W = snap.weeks.length;
  const out: Array<{ facility: number; week: number }> = [];
  const shownTotal = (f: number, w: number): number => {
    if (w < 0) return 0;
    let n = 0;
    let k = 0;
    for (const c of SEND_TO_COLUMNS) (n += snap.n[(f * W + w) * C + c]!), (k += snap.k[(f * W + w) * C + c]!);
    return n ? Math.max(0, n + adjustment(k % 2 ** 32)) : 0;
  };
  for (const f of facilities) {
    const totals = new Map<number, number>();
    const total = (w: number) => totals.get(w) ?? (totals.set(w, shownTotal(f, w)), totals.get(w)!);
    for (let w = w0; w < w0 + weeks; w++) {
      const v = total(w);
      if (v < SPIKE_MIN) continue;
      let trailing = 0;
      for (let b = 1; b <= SPIKE_WEEKS; b++) trailing += total(w - b);
      if (v * SPIKE_WEEKS >= SPIKE_FACTOR * trailing) out.push({ facility: f, week: w });
    }
  }
  return out.sort((a, b) => a.facility - b.facility || a.week - b.week);
}

function grid(id: string, rows: Axis[], cols: Axis[], cell: Grid['cell'], rowTotal: Grid['rowTotal'], colTotal: Grid['colTotal'], total: string): Grid {
  return { id, rows, cols, cell, rowTotal, colTotal, total };
}

/** The category totals alone: the bar chart's table. */
function categoryList(categoryAxis: Axis[], show: (key: string) => Shown, t: TFunction): Table {
  return {
    id: 'categories',
    title: t('trends.tables.categories.title'),
    caption: t('trends.tables.categories.caption'),
    rowHeader: t('trends.category'),
    columns: [t('trends.mentions')],
    totalLabel: t('trends.total'),
    rows: categoryAxis.map((c) => ({ label: c.label, cells: [show(`c:${c.id}`)], total: show(`c:${c.id}`) })),
    totals: { label: t('trends.total'), cells: [show('m')], total: show('m') },
    noTotalColumn: true,
  };
}

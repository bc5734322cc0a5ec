/**
 * @module The officials' dashboard as it leaves the server: every table, chart and alert built from
 * raw counts (src/trends/queries.ts), suppressed together in one system so that a number shared by
 * two tables is shown or hidden in both. The console draws it; the CSV writes the same tables.
 */
import type { TFunction } from 'i18next';
import { STATUSES } from '../domain/case';
import { CATEGORIES, SEND_TO } from '../domain/report';
import { barChart, lineChart } from './chart';
import { UNCLASSIFIED } from './counters';
import { AGE_BUCKETS, CLOCK_CLASSES, SPIKE_MIN, type DashboardData } from './queries';
import { MIN_SHOWN, suppress, type Constraint, type Suppression } from './suppress';
import { Counts, gridConstraints, renderGrid, type Axis, type Grid, type Table } from './tables';
import type { DashboardView } from './view';
import { isoWeekLabel, mondaysBetween } from './weeks';

export type { DashboardView };

/** Category codes as counted: the reporter's categories, and mail that has none yet. */
export const CATEGORY_CODES = [...CATEGORIES, UNCLASSIFIED] as const;

const medianKey = (clock: string, facilityId: string | null) => `${clock}:${facilityId ?? '*'}`;

const percent = (part: number, whole: number) => `${Math.round((100 * part) / whole)}%`;
const NOT_SHOWN = '—';

/**
 * Every number the dashboard may show, as one system: the cells with their true counts, the
 * constraints that tie them (each table's rows and columns, the totals tables share, the clocks'
 * totals as sums of two columns of another table), and the lower bounds spike alerts publish.
 */
export function dashboardSystem(d: DashboardData, t: TFunction) {
  const weeks = mondaysBetween(d.from, d.to);
  const weekAxis: Axis[] = weeks.map((w) => ({ id: w, label: isoWeekLabel(w) }));
  const facilityAxis: Axis[] = d.facilities.map((f) => ({ id: f.id, label: f.name }));
  const sendToAxis: Axis[] = SEND_TO.map((s) => ({ id: s, label: t(`trends.send_to.${s}`) }));
  const statusAxis: Axis[] = STATUSES.map((s) => ({ id: s, label: t(`trends.status.${s}`) }));
  const categoryAxis: Axis[] = CATEGORY_CODES.map((c) => ({ id: c, label: c === UNCLASSIFIED ? t('trends.unclassified') : t(`categories.${c}.label`) }));
  const clockAxis: Axis[] = CLOCK_CLASSES.map((c) => ({ id: c, label: t(`trends.clock.${c}`) }));
  const ageAxis: Axis[] = AGE_BUCKETS.map((b) => ({ id: b, label: t(`trends.age.${b}`) }));
  const inWeeks = new Set(weeks);
  const inFacilities = new Set(d.facilities.map((f) => f.id));

  // Cell keys. The same key in two grids is the same number.
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

  const counts = new Counts();
  for (const g of Object.values(grids)) counts.cover(g);
  const bump = (n: number, ...keys: string[]) => keys.forEach((k) => counts.add(k, n));
  for (const r of d.weekly) {
    if (!inWeeks.has(r.week)) continue;
    bump(r.n, `w:${r.week}|s:${r.sendTo}`, `w:${r.week}|st:${r.status}`, `w:${r.week}`, `s:${r.sendTo}`, `st:${r.status}`, 'all');
    if (r.sendTo !== 'authority') bump(r.n, 'company');
  }
  for (const r of d.byFacility) {
    if (!inFacilities.has(r.facilityId)) continue;
    bump(r.n, `f:${r.facilityId}|s:${r.sendTo}`, `f:${r.facilityId}`);
    if (r.sendTo !== 'authority') bump(r.n, `f:${r.facilityId}|company`);
  }
  for (const r of d.categoriesWeekly) if (inWeeks.has(r.week)) bump(r.n, `w:${r.week}|c:${r.category}`, `wm:${r.week}`, `c:${r.category}`, 'm');
  for (const r of d.categoriesByFacility) if (inFacilities.has(r.facilityId)) bump(r.n, `f:${r.facilityId}|c:${r.category}`, `fm:${r.facilityId}`);
  for (const r of d.clocks) {
    if (!inFacilities.has(r.facilityId)) continue;
    bump(r.n, `f:${r.facilityId}|ack:${r.ack}`, `ack:${r.ack}`);
    bump(r.n, `f:${r.facilityId}|answer:${r.answer}`, `answer:${r.answer}`);
    bump(r.n, `f:${r.facilityId}|close:${r.close}`, `close:${r.close}`);
  }
  for (const r of d.neverOpened) if (inFacilities.has(r.facilityId)) bump(r.n, `f:${r.facilityId}|no:${r.bucket}`, `f:${r.facilityId}|no`, `no:${r.bucket}`, 'no');

  const constraints: Constraint[] = [
    ...Object.values(grids).flatMap(gridConstraints),
    // The clocks count the reports the company's channel received: two columns of the recipients table.
    ...facilityAxis.map((f) => ({ total: `f:${f.id}|company`, parts: [`f:${f.id}|s:monitor`, `f:${f.id}|s:both`] })),
    { total: 'company', parts: ['s:monitor', 's:both'] },
  ];

  // A spike alert tells that a facility's week had at least 5 reports: a lower bound on every
  // shown sum that includes that week, which suppression must take into account.
  const spikes = d.spikes.filter((s) => inFacilities.has(s.facilityId) && inWeeks.has(s.week));
  const lowerBounds = new Map<string, number>();
  for (const sp of spikes) {
    for (const k of [`w:${sp.week}`, `wm:${sp.week}`, `f:${sp.facilityId}`, `fm:${sp.facilityId}`, 'all', 'm']) lowerBounds.set(k, SPIKE_MIN);
  }

  return { weeks, weekAxis, categoryAxis, grids, counts, constraints, lowerBounds, spikes };
}

/** Builds every table, chart and alert of the dashboard, suppressed. */
export function buildDashboard(d: DashboardData, t: TFunction): DashboardView {
  const { weekAxis, categoryAxis, grids, counts, constraints, lowerBounds, spikes } = dashboardSystem(d, t);
  const s = suppress({ values: counts.values, constraints, lowerBounds });
  const show = s.show;
  const names = new Map(d.facilities.map((f) => [f.id, f]));

  const labels = (id: string, rowHeader: string) => ({
    title: t(`trends.tables.${id}.title`),
    caption: t(`trends.tables.${id}.caption`),
    rowHeader,
    totalLabel: t('trends.total'),
  });
  const weekHeader = t('trends.week');
  const facilityHeader = t('trends.facility');

  /** The share done in time, when every count it comes from is shown. */
  const share = (key: (k: string) => string) => {
    const parts = ['in_time', 'late', 'overdue'].map(key);
    if (!s.allShown(...parts)) return NOT_SHOWN;
    const [inTime, late, overdue] = parts.map((k) => counts.get(k)) as [number, number, number];
    return inTime + late + overdue ? percent(inTime, inTime + late + overdue) : NOT_SHOWN;
  };
  /** A median of days, when the cases it is taken over are shown and at least 5. */
  const medians = new Map(d.medians.map((m) => [medianKey(m.clock, m.facilityId), m.median]));
  const medianOf = (clock: 'ack' | 'close', key: (k: string) => string, facilityId: string | null) => {
    const parts = ['in_time', 'late'].map(key);
    if (!s.allShown(...parts) || counts.get(parts[0]!) + counts.get(parts[1]!) < MIN_SHOWN) return NOT_SHOWN;
    const m = medians.get(medianKey(clock, facilityId));
    return m === undefined ? NOT_SHOWN : String(m);
  };
  const deadline = (field: 'ackDays' | 'answerDays' | 'closeDays') => (f: string) => String(names.get(f)![field]);

  const tables: Table[] = [
    renderGrid(grids.weekly, s, labels('weekly', weekHeader)),
    renderGrid(grids.weeklyStatus, s, labels('weekly_status', weekHeader)),
    renderGrid(grids.weeklyCategories, s, labels('weekly_categories', weekHeader)),
    categoryList(categoryAxis, s, t),
    renderGrid(grids.facilities, s, labels('facilities', facilityHeader)),
    renderGrid(grids.facilityCategories, s, labels('facility_categories', facilityHeader)),
    renderGrid(grids.ack, s, labels('ack', facilityHeader), {
      columns: [t('trends.deadline_days'), t('trends.share_in_time'), t('trends.median_days_ack')],
      row: (f) => [deadline('ackDays')(f), share((k) => `f:${f}|ack:${k}`), medianOf('ack', (k) => `f:${f}|ack:${k}`, f)],
      totals: () => [NOT_SHOWN, share((k) => `ack:${k}`), medianOf('ack', (k) => `ack:${k}`, null)],
    }),
    renderGrid(grids.answer, s, labels('answer', facilityHeader), {
      columns: [t('trends.deadline_days'), t('trends.share_in_time')],
      row: (f) => [deadline('answerDays')(f), share((k) => `f:${f}|answer:${k}`)],
      totals: () => [NOT_SHOWN, share((k) => `answer:${k}`)],
    }),
    renderGrid(grids.close, s, labels('close', facilityHeader), {
      columns: [t('trends.deadline_days'), t('trends.share_in_time'), t('trends.median_days_close')],
      row: (f) => [deadline('closeDays')(f), share((k) => `f:${f}|close:${k}`), medianOf('close', (k) => `f:${f}|close:${k}`, f)],
      totals: () => [NOT_SHOWN, share((k) => `close:${k}`), medianOf('close', (k) => `close:${k}`, null)],
    }),
    renderGrid(grids.neverOpened, s, labels('never_opened', facilityHeader)),
  ];

  const suppressedLabel = t('trends.suppressed_point');
  const charts = [
    {
      id: 'chart-weekly',
      title: t('trends.charts.weekly'),
      table: 'weekly',
      svg: lineChart(
        weekAxis.map((w) => ({ label: w.label, value: show(`w:${w.id}`) })),
        { id: 'chart-weekly', title: t('trends.charts.weekly'), description: t('trends.charts.see_table', { table: t('trends.tables.weekly.title') }), suppressedLabel },
      ),
    },
    {
      id: 'chart-categories',
      title: t('trends.charts.categories'),
      table: 'categories',
      svg: barChart(
        categoryAxis.map((c) => ({ label: c.label, value: show(`c:${c.id}`) })),
        { id: 'chart-categories', title: t('trends.charts.categories'), description: t('trends.charts.see_table', { table: t('trends.tables.categories.title') }), suppressedLabel },
      ),
    },
  ];

  return {
    from: isoWeekLabel(d.from),
    to: isoWeekLabel(d.to),
    today: d.today,
    facilityCount: d.facilities.length,
    spikes: spikes.map((sp) => ({ facility: names.get(sp.facilityId)?.name ?? sp.facilityId, week: isoWeekLabel(sp.week) })),
    charts,
    tables,
    notes: [t('trends.notes.suppressed'), t('trends.notes.not_shown'), t('trends.notes.clocks'), t('trends.notes.never_opened')],
  };
}

function grid(id: string, rows: Axis[], cols: Axis[], cell: Grid['cell'], rowTotal: Grid['rowTotal'], colTotal: Grid['colTotal'], total: string): Grid {
  return { id, rows, cols, cell, rowTotal, colTotal, total };
}

/** The category totals alone: the bar chart's table. */
function categoryList(categoryAxis: Axis[], s: Suppression, t: TFunction): Table {
  return {
    id: 'categories',
    title: t('trends.tables.categories.title'),
    caption: t('trends.tables.categories.caption'),
    rowHeader: t('trends.category'),
    columns: [t('trends.mentions')],
    totalLabel: t('trends.total'),
    rows: categoryAxis.map((c) => ({ label: c.label, cells: [s.show(`c:${c.id}`)], total: s.show(`c:${c.id}`) })),
    totals: { label: t('trends.total'), cells: [s.show('m')], total: s.show('m') },
    noTotalColumn: true,
  };
}

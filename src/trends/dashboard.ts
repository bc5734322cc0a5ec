/**
 * @module The officials' dashboard as it leaves the server: every table, chart and alert of one
 * view (a selection of facilities and a range of weeks), built from the day's snapshot
 * (src/trends/snapshot.ts) with every count adjusted by its cell key (src/trends/cellkey.ts). The
 * console draws it; the CSV writes the same tables. Its sums come from src/trends/view-sums.ts.
 */
import type { TFunction } from 'i18next';
import { CLOCK_RULE_KEYS } from '../domain/clocks';
import { addDays, STATUSES } from '../domain/case';
import { SEND_TO } from '../domain/report';
import { MIN_SHOWN, SUPPRESSED, type Shown } from './cellkey';
import { barChart, lineChart } from './chart';
import { UNCLASSIFIED } from './counters';
import { AGE_BUCKETS, CLOCK_CLASSES, type Selection } from './queries';
import { CATEGORY_CODES, type TrendsSnapshot } from './snapshot';
import { renderGrid, type Axis, type Grid, type Table } from './tables';
import { dashboardCells, spikes, viewMedians } from './view-sums';
import type { DashboardView } from './view';
import { dayLabel, isoWeekLabel, shortDayLabel } from './weeks';

export type { DashboardView };
export { CATEGORY_CODES };

const percent = (part: number, whole: number) => `${Math.round((100 * part) / whole)}%`;
const NOT_SHOWN = '—';

/** Builds every table, chart and alert of one view of the dashboard. */
export function buildDashboard(snap: TrendsSnapshot, sel: Selection, weekRange: { from: string; to: string }, t: TFunction, lang: 'es' | 'en' = 'es'): DashboardView {
  const { cells, facilities, weeks, w0 } = dashboardCells(snap, sel, weekRange);
  const show = cells.show;
  // Weeks read as the day they start ("14 de septiembre de 2026", under the heading "Semana del"), never as ISO codes.
  const weekAxis: Axis[] = weeks.map((w) => ({ id: w, label: dayLabel(w, lang) }));
  const weekOf = (monday: string) => t('trends.week_of', { day: dayLabel(monday, lang) });
  const facilityAxis: Axis[] = facilities.map((f) => ({ id: snap.facilities[f]!.id, label: snap.facilities[f]!.name }));
  const sendToAxis: Axis[] = SEND_TO.map((s) => ({ id: s, label: t(`trends.send_to.${s}`) }));
  const statusAxis: Axis[] = STATUSES.map((s) => ({ id: s, label: t(`trends.status.${s}`) }));
  const categoryAxis: Axis[] = CATEGORY_CODES.map((c) => ({ id: c, label: c === UNCLASSIFIED ? t('trends.unclassified') : t(`categories.${c}.label`) }));
  const clockAxis: Axis[] = CLOCK_CLASSES.map((c) => ({ id: c, label: t(`clock.outcome.${c}`) }));
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

  // The clocks' tables are titled and explained in the words every surface uses (src/domain/clocks.ts).
  const clockTable: Record<string, string> = { ack: 'acknowledge', answer: 'answer', close: 'close' };
  const labels = (id: string, rowHeader: string) => ({
    title: clockTable[id] ? `${t(`clock.name.${clockTable[id]}`)} ${t('trends.per_plant')}` : t(`trends.tables.${id}.title`),
    caption: clockTable[id] ? `${t('trends.clock_caption')} ${t(`clock.rules.${clockTable[id]}`)}` : t(`trends.tables.${id}.caption`),
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

  // The clocks first, as the console shows them: whether plants answer in time is what an official comes to check.
  const tables: Table[] = [
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
    renderGrid(grids.weekly, show, labels('weekly', weekHeader)),
    renderGrid(grids.weeklyStatus, show, labels('weekly_status', weekHeader)),
    renderGrid(grids.weeklyCategories, show, labels('weekly_categories', weekHeader)),
    categoryList(categoryAxis, show, t),
    renderGrid(grids.facilities, show, labels('facilities', facilityHeader)),
    renderGrid(grids.facilityCategories, show, labels('facility_categories', facilityHeader)),
  ];

  const suppressedLabel = t('trends.suppressed_point');
  const charts = [
    {
      id: 'chart-weekly',
      title: t('trends.charts.weekly'),
      region: t('trends.charts.region', { title: t('trends.charts.weekly') }),
      table: 'weekly',
      svg: lineChart(
        weekAxis.map((w) => ({ label: shortDayLabel(w.id, lang), value: show(`w:${w.id}`) })),
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
    fromLabel: weekOf(weekRange.from),
    toLabel: weekOf(weekRange.to),
    today: snap.today,
    lastDay: addDays(snap.today, -1),
    upTo: t('trends.up_to', { day: dayLabel(addDays(snap.today, -1), lang) }),
    facilityCount: facilities.length,
    spikes: spikes(snap, facilities, w0, weeks.length).map((sp) => ({ facility: snap.facilities[sp.facility]!.name, week: weekOf(snap.weeks[sp.week]!) })),
    charts,
    tables,
    notes: [t('trends.notes.suppressed'), t('trends.notes.not_shown'), ...CLOCK_RULE_KEYS.map((k) => t(k)), t('trends.notes.clocks'), t('trends.notes.never_opened')],
  };
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

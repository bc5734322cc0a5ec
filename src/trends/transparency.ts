/**
 * @module The public transparency page's numbers: per facility and month, the reports the
 * company's channel received, how many were acknowledged in time, how cases ended, and the median
 * days to close, every count adjusted by its cell key (src/trends/cellkey.ts): a cell shows the
 * same number whichever month is on screen, and on every day it is shown. The months are complete
 * ones only (the route asks for the 12 up to last month), and the page says up to when.
 */
import type { TFunction } from 'i18next';
import { CLOCK_RULE_KEYS } from '../domain/clocks';
import { barChart, type SvgNode } from './chart';
import { OUTCOMES, PUBLIC_ACK, type PublicData } from './queries';
import { MIN_SHOWN, SUPPRESSED } from './cellkey';
import { Cells, median, type Axis, type Grid, type Table } from './tables';

export interface TransparencyView {
  month: string;
  months: Array<{ month: string; label: string }>;
  /** "Cifras hasta el fin de noviembre de 2026": the last month the page covers. */
  upTo: string;
  table: Table;
  chart: { id: string; title: string; region: string; svg: SvgNode };
  chartTable: Table;
  notes: string[];
}

const NOT_SHOWN = '—';
const percent = (part: number, whole: number) => `${Math.round((100 * part) / whole)}%`;

/** "marzo de 2026" / "March 2026". */
export function monthLabel(month: string, lang: string): string {
  const date = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 15));
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-US' : 'es-MX', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(date);
}

interface MonthSystem {
  cells: Cells;
  ack: Grid;
  outcome: Grid;
}

/** One month's cells. */
function monthSystem(d: PublicData, month: string, facilities: Axis[]): MonthSystem {
  const ackAxis: Axis[] = PUBLIC_ACK.map((a) => ({ id: a, label: a }));
  const outcomeAxis: Axis[] = OUTCOMES.map((o) => ({ id: o, label: o }));
  const ack: Grid = { id: 'ack', rows: facilities, cols: ackAxis, cell: (f, a) => `f:${f}|ack:${a}`, rowTotal: (f) => `f:${f}`, colTotal: (a) => `ack:${a}`, total: 'all' };
  const outcome: Grid = { id: 'outcome', rows: facilities, cols: outcomeAxis, cell: (f, o) => `f:${f}|o:${o}`, rowTotal: (f) => `f:${f}`, colTotal: (o) => `o:${o}`, total: 'all' };
  const cells = new Cells();
  const known = new Set(facilities.map((f) => f.id));
  for (const c of d.cells) {
    if (c.month !== month || !known.has(c.facilityId)) continue;
    for (const k of [`f:${c.facilityId}|ack:${c.ack}`, `ack:${c.ack}`, `f:${c.facilityId}|o:${c.outcome}`, `o:${c.outcome}`, `f:${c.facilityId}`, 'all']) cells.add(k, c.n, c.k);
  }
  return { cells, ack, outcome };
}

const built = new WeakMap<PublicData, Map<string, TransparencyView>>();

/**
 * The page for one month, built once per day's snapshot, month and language: the snapshot is the
 * same object all day in an isolate (src/trends/snapshot.ts), and so is what is built from it.
 */
export function transparencyView(d: PublicData, month: string, t: TFunction, lang: string): TransparencyView {
  let views = built.get(d);
  if (!views) built.set(d, (views = new Map()));
  const key = `${month}|${lang}`;
  let view = views.get(key);
  if (!view) views.set(key, (view = buildTransparency(d, month, t, lang)));
  return view;
}

/** Builds the page for one month (which must be one of d.months). */
export function buildTransparency(d: PublicData, month: string, t: TFunction, lang: string): TransparencyView {
  const facilities: Axis[] = d.facilities.map((f) => ({ id: f.id, label: f.name }));
  const systems = new Map(d.months.map((m) => [m, monthSystem(d, m, facilities)]));
  const { cells, ack, outcome } = systems.get(month)!;
  const s = cells;
  const numbers = (keys: string[]) => {
    const v = keys.map(cells.show);
    return v.every((x): x is number => x !== SUPPRESSED) ? v : null;
  };

  /** Shares and medians from the numbers as shown, so they tell nothing those numbers do not. */
  const share = (inTime: string, late: string) => {
    const v = numbers([inTime, late]);
    if (!v) return NOT_SHOWN;
    return v[0]! + v[1]! ? percent(v[0]!, v[0]! + v[1]!) : NOT_SHOWN;
  };
  const medianClose = (keys: string[], facilityId?: string) => {
    const v = numbers(keys);
    if (!v || v.reduce((a, x) => a + x, 0) < MIN_SHOWN) return NOT_SHOWN;
    const h = new Map<number, number>();
    for (const r of d.closeDays) if (r.month === month && (!facilityId || r.facilityId === facilityId)) h.set(r.days, (h.get(r.days) ?? 0) + r.n);
    const m = median(h);
    return m === null ? NOT_SHOWN : String(m);
  };
  // Closing outcomes only: a case the worker sent to the authority is still open (src/domain/case.ts FINAL_STATUSES).
  const closed = ['resolved', 'not_substantiated'];

  const table: Table = {
    id: 'transparency',
    title: t('transparency.table_title', { month: monthLabel(month, lang) }),
    caption: t('transparency.table_caption'),
    rowHeader: t('transparency.facility'),
    columns: [...PUBLIC_ACK.map((a) => t(`transparency.ack.${a}`)), ...OUTCOMES.map((o) => t(`transparency.outcome.${o}`))],
    totalLabel: t('transparency.received'),
    totalFirst: true,
    extraColumns: [t('transparency.share_in_time'), t('transparency.median_days_close')],
    rows: facilities.map((f) => ({
      label: f.label,
      cells: [...PUBLIC_ACK.map((a) => s.show(ack.cell(f.id, a))), ...OUTCOMES.map((o) => s.show(outcome.cell(f.id, o)))],
      total: s.show(`f:${f.id}`),
      extra: [
        share(ack.cell(f.id, 'in_time'), ack.cell(f.id, 'late')),
        medianClose(
          closed.map((o) => outcome.cell(f.id, o)),
          f.id,
        ),
      ],
    })),
    totals: {
      label: t('transparency.all_facilities'),
      cells: [...PUBLIC_ACK.map((a) => s.show(`ack:${a}`)), ...OUTCOMES.map((o) => s.show(`o:${o}`))],
      total: s.show('all'),
      extra: [share('ack:in_time', 'ack:late'), medianClose(closed.map((o) => `o:${o}`))],
    },
  };

  const months = d.months.map((m) => ({ month: m, label: monthLabel(m, lang) }));
  const series = months.map((m) => ({ label: m.label, value: systems.get(m.month)!.cells.show('all') }));
  const chartTitle = t('transparency.chart_title');
  const chartTable: Table = {
    id: 'months',
    title: chartTitle,
    caption: t('transparency.chart_caption'),
    rowHeader: t('transparency.month'),
    columns: [t('transparency.received')],
    totalLabel: t('transparency.received'),
    noTotalColumn: true,
    // No total over the months: the page has no such cell.
    rows: series.map((p) => ({ label: p.label, cells: [p.value], total: p.value })),
  };
  return {
    month,
    months,
    upTo: t('transparency.up_to', { month: monthLabel(d.months[d.months.length - 1]!, lang) }),
    table,
    chart: {
      id: 'chart-months',
      title: chartTitle,
      region: t('transparency.chart_region', { title: chartTitle }),
      svg: barChart(series, {
        id: 'chart-months',
        title: chartTitle,
        description: t('transparency.chart_see_table'),
        suppressedLabel: t('transparency.suppressed_point'),
      }),
    },
    chartTable,
    notes: [t('transparency.notes.suppressed'), t('transparency.notes.not_shown'), t('transparency.notes.channel'), ...CLOCK_RULE_KEYS.map((k) => t(k)), t('transparency.notes.clocks')],
  };
}

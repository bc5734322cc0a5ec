/**
 * @module One dashboard view's sums from the day's snapshot (src/trends/snapshot.ts): every cell
 * it can show, as a count and a key sum added up over its facilities and weeks; the medians of
 * days over the same facilities and weeks; and the spike alerts, worked out from adjusted weekly
 * totals. The cost is the view's facilities × weeks × columns, never its reports.
 */
import { adjustment } from './cellkey';
import { inSelection, SPIKE_FACTOR, SPIKE_MIN, SPIKE_WEEKS, type Selection } from './queries';
import { COLUMN, COLUMNS, type TrendsSnapshot } from './snapshot';
import { Cells } from './tables';

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
export function viewMedians(snap: TrendsSnapshot, facilities: number[], w0: number, weeks: number) {
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

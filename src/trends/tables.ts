/**
 * @module Tables of counts with row and column totals: their cells and additive constraints for
 * suppression (src/trends/suppress.ts), and their suppressed form for the page, the console and
 * the CSV. A table is a grid of cell keys; the same key in two tables is the same number, so it is
 * shown or hidden in both alike.
 */
import type { Constraint, Shown, Suppression } from './suppress';

export interface Axis {
  id: string;
  label: string;
}

export interface Grid {
  id: string;
  rows: readonly Axis[];
  cols: readonly Axis[];
  cell: (row: string, col: string) => string;
  rowTotal: (row: string) => string;
  colTotal: (col: string) => string;
  total: string;
}

/** Every row and column of a grid, its total row and its total column, as constraints. */
export function gridConstraints(g: Grid): Constraint[] {
  return [
    ...g.rows.map((r) => ({ total: g.rowTotal(r.id), parts: g.cols.map((c) => g.cell(r.id, c.id)) })),
    ...g.cols.map((c) => ({ total: g.colTotal(c.id), parts: g.rows.map((r) => g.cell(r.id, c.id)) })),
    { total: g.total, parts: g.cols.map((c) => g.colTotal(c.id)) },
    { total: g.total, parts: g.rows.map((r) => g.rowTotal(r.id)) },
  ];
}

/** Counts keyed by cell, filled from query rows; a missing key is 0. */
export class Counts {
  readonly values = new Map<string, number>();
  add(key: string, n: number) {
    this.values.set(key, (this.values.get(key) ?? 0) + n);
  }
  get(key: string) {
    return this.values.get(key) ?? 0;
  }
  /** Makes sure every cell of a grid exists, so zeros are shown as zeros. */
  cover(g: Grid) {
    for (const r of g.rows) {
      for (const c of g.cols) this.add(g.cell(r.id, c.id), 0);
      this.add(g.rowTotal(r.id), 0);
    }
    for (const c of g.cols) this.add(g.colTotal(c.id), 0);
    this.add(g.total, 0);
  }
}

/** A table as it leaves the server: every count already suppressed. */
export interface Table {
  id: string;
  title: string;
  caption?: string;
  rowHeader: string;
  columns: string[];
  totalLabel: string;
  /** Further columns that are not counts (a deadline, a share, a median), already safe to show. */
  extraColumns?: string[];
  rows: TableRow[];
  /** The totals row; absent where a total would not be a published sum. */
  totals?: TableRow;
  /** A list (one column of counts) needs no total column. */
  noTotalColumn?: boolean;
  /** Show the row totals as the first column ("received", then how they split). */
  totalFirst?: boolean;
}

export interface TableRow {
  label: string;
  cells: Shown[];
  total: Shown;
  extra?: string[];
}

/** The suppressed table for a grid. */
export function renderGrid(
  g: Grid,
  s: Suppression,
  labels: { title: string; caption?: string; rowHeader: string; totalLabel: string; totalRowLabel?: string },
  extra?: { columns: string[]; row: (rowId: string) => string[]; totals: () => string[] },
): Table {
  return {
    id: g.id,
    title: labels.title,
    caption: labels.caption,
    rowHeader: labels.rowHeader,
    columns: g.cols.map((c) => c.label),
    totalLabel: labels.totalLabel,
    extraColumns: extra?.columns,
    rows: g.rows.map((r) => ({
      label: r.label,
      cells: g.cols.map((c) => s.show(g.cell(r.id, c.id))),
      total: s.show(g.rowTotal(r.id)),
      extra: extra?.row(r.id),
    })),
    totals: {
      label: labels.totalRowLabel ?? labels.totalLabel,
      cells: g.cols.map((c) => s.show(g.colTotal(c.id))),
      total: s.show(g.total),
      extra: extra?.totals(),
    },
  };
}

/** The median of a histogram (value → how many): a whole number or a half; null if it is empty. */
export function median(histogram: ReadonlyMap<number, number>): number | null {
  const entries = [...histogram].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const n = entries.reduce((a, [, c]) => a + c, 0);
  if (!n) return null;
  const at = (i: number) => {
    let seen = 0;
    for (const [v, c] of entries) {
      seen += c;
      if (i < seen) return v;
    }
    return entries[entries.length - 1]![0];
  };
  return n % 2 ? at((n - 1) / 2) : (at(n / 2 - 1) + at(n / 2)) / 2;
}

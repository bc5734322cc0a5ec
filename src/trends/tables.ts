/**
 * @module Tables of counts with row and column totals, as the page, the console and the CSV show
 * them: a table is a grid of cell names, each shown as src/trends/cellkey.ts adjusts it. The same
 * name in two tables is the same cell, so it shows the same number in both.
 */
import { addKeys, perturb, type Cell, type Shown } from './cellkey';

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

/** Cells keyed by name, each a count and its key sum (src/trends/cellkey.ts); a missing one is empty. */
export class Cells {
  readonly values = new Map<string, Cell>();
  add(key: string, n: number, k: number) {
    const c = this.values.get(key);
    if (c) {
      c.n += n;
      c.k = addKeys(c.k, k);
    } else this.values.set(key, { n, k: k % 2 ** 32 });
  }
  get(key: string): Cell {
    return this.values.get(key) ?? { n: 0, k: 0 };
  }
  /** The number the cell shows (its count adjusted by its key). */
  show = (key: string): Shown => perturb(this.get(key));
}

/** A table as it leaves the server: every count already adjusted. */
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

/** The table for a grid, every count as it shows. */
export function renderGrid(
  g: Grid,
  show: (key: string) => Shown,
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
      cells: g.cols.map((c) => show(g.cell(r.id, c.id))),
      total: show(g.rowTotal(r.id)),
      extra: extra?.row(r.id),
    })),
    totals: {
      label: labels.totalRowLabel ?? labels.totalLabel,
      cells: g.cols.map((c) => show(g.colTotal(c.id))),
      total: show(g.total),
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

/**
 * An attacker for the suppression property tests, written apart from src/trends/suppress.ts so it
 * does not share its mistakes: exact rational row reduction, and a bounded search over every
 * integer table consistent with what was published.
 */
/** total = sum of parts. */
export interface Constraint {
  total: string;
  parts: readonly string[];
}

/** Exact fractions with bigint parts, enough for row reduction of small systems. */
type Q = [bigint, bigint];
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
const q = (n: bigint, d = 1n): Q => {
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return [n / g, d / g];
};
const sub = (a: Q, b: Q): Q => q(a[0] * b[1] - b[0] * a[1], a[1] * b[1]);
const mul = (a: Q, b: Q): Q => q(a[0] * b[0], a[1] * b[1]);
const div = (a: Q, b: Q): Q => q(a[0] * b[1], a[1] * b[0]);
const isZero = (a: Q) => a[0] === 0n;

/** Hidden cells whose value the published numbers fix, by exact Gauss-Jordan elimination on all constraints at once. */
export function linearlyDetermined(constraints: readonly Constraint[], hidden: ReadonlySet<string>): string[] {
  const cols = [...hidden].sort();
  const at = new Map(cols.map((k, i) => [k, i]));
  const rows: Q[][] = [];
  for (const c of constraints) {
    const row: Q[] = cols.map(() => q(0n));
    let any = false;
    if (hidden.has(c.total)) {
      row[at.get(c.total)!] = sub(row[at.get(c.total)!]!, q(1n));
      any = true;
    }
    for (const p of c.parts) {
      if (!hidden.has(p)) continue;
      row[at.get(p)!] = sub(row[at.get(p)!]!, q(-1n));
      any = true;
    }
    if (any) rows.push(row);
  }
  const pivots: number[] = [];
  let r = 0;
  for (let c = 0; c < cols.length && r < rows.length; c++) {
    const p = rows.findIndex((row, i) => i >= r && !isZero(row[c]!));
    if (p < 0) continue;
    [rows[r], rows[p]] = [rows[p]!, rows[r]!];
    const pv = rows[r]![c]!;
    rows[r] = rows[r]!.map((v) => div(v, pv));
    for (let i = 0; i < rows.length; i++) {
      if (i === r || isZero(rows[i]![c]!)) continue;
      const f = rows[i]![c]!;
      rows[i] = rows[i]!.map((v, j) => sub(v, mul(f, rows[r]![j]!)));
    }
    pivots[r] = c;
    r++;
  }
  const pivotSet = new Set(pivots);
  const out: string[] = [];
  pivots.forEach((c, i) => {
    if (rows[i]!.every((v, j) => j === c || pivotSet.has(j) || isZero(v))) out.push(cols[c]!);
  });
  return out.sort();
}

/**
 * Every value each hidden cell can take in a table of whole numbers that matches what was shown,
 * where a hidden cell is at least 1 (zeros are always shown) or its published lower bound, and at
 * most `ceiling`. Returns null if the search is too large to finish.
 */
export function feasibleValues(
  values: ReadonlyMap<string, number>,
  constraints: readonly Constraint[],
  hidden: ReadonlySet<string>,
  opts: { ceiling: number; lowerBounds?: ReadonlyMap<string, number>; budget?: number },
): Map<string, Set<number>> | null {
  const cells = [...hidden].sort();
  const lb = (k: string) => Math.max(1, opts.lowerBounds?.get(k) ?? 1);
  const known = (k: string) => (hidden.has(k) ? undefined : (values.get(k) ?? 0));
  const assigned = new Map<string, number>();
  const seen = new Map(cells.map((k) => [k, new Set<number>()]));
  let budget = opts.budget ?? 200_000;
  const relevant = constraints.filter((c) => [c.total, ...c.parts].some((k) => hidden.has(k)));
  const val = (k: string) => known(k) ?? assigned.get(k);

  /** 'bad' if a fully known constraint fails; otherwise a forced cell and value, if any. */
  function propagate(): 'bad' | [string, number] | null {
    for (const c of relevant) {
      const members = [c.total, ...c.parts];
      const open = members.filter((k) => val(k) === undefined);
      const sumParts = c.parts.reduce((a, p) => a + (val(p) ?? 0), 0);
      if (open.length === 0) {
        if (sumParts !== val(c.total)) return 'bad';
      } else if (open.length === 1) {
        const k = open[0]!;
        const v = k === c.total ? sumParts : val(c.total)! - sumParts;
        return [k, v];
      } else if (val(c.total) !== undefined) {
        // Parts still open must fit under the total.
        const room = val(c.total)! - sumParts;
        const need = open.filter((k) => k !== c.total).reduce((a, k) => a + lb(k), 0);
        if (room < need) return 'bad';
      }
    }
    return null;
  }

  function search(): boolean {
    if (--budget < 0) return false;
    const step = propagate();
    if (step === 'bad') return true;
    if (step) {
      const [k, v] = step;
      if (v < lb(k) || v > opts.ceiling) return true;
      assigned.set(k, v);
      const ok = search();
      assigned.delete(k);
      return ok;
    }
    const next = cells.find((k) => !assigned.has(k));
    if (next === undefined) {
      for (const k of cells) seen.get(k)!.add(assigned.get(k)!);
      return true;
    }
    for (let v = lb(next); v <= opts.ceiling; v++) {
      assigned.set(next, v);
      if (!search()) return false;
    }
    assigned.delete(next);
    return true;
  }
  return search() ? seen : null;
}

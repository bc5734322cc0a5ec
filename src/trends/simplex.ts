/**
 * @module A small dense simplex (two phases, Bland's rule, so it never cycles) for suppression's
 * bound checks: how far one hidden count can rise while every published sum still holds. Sizes
 * are a few dozen unknowns; numbers are small integers, so floating point with a tolerance is exact
 * enough.
 */

const EPS = 1e-9;

/**
 * A feasible basis for A·y = b, y ≥ 0, ready to maximize one unknown at a time; null if no
 * solution exists. Rows of A that follow from the others are dropped.
 */
export function feasibleTableau(A: number[][], b: number[]): Tableau | null {
  const m = A.length;
  const n = A[0]?.length ?? 0;
  // Rows: [y (n) | artificial (m) | rhs], every rhs made nonnegative.
  const rows = A.map((row, i) => {
    const sign = b[i]! < 0 ? -1 : 1;
    const r = new Float64Array(n + m + 1);
    for (let j = 0; j < n; j++) r[j] = sign * row[j]!;
    r[n + i] = 1;
    r[n + m] = sign * b[i]!;
    return r;
  });
  const basis = Array.from({ length: m }, (_, i) => n + i);
  // Phase 1: minimize the sum of the artificials.
  const cost = new Float64Array(n + m);
  for (let i = 0; i < m; i++) cost[n + i] = 1;
  if (!minimize(rows, basis, cost, n + m)) return null;
  const infeasibility = rows.reduce((a, r, i) => a + (basis[i]! >= n ? r[n + m]! : 0), 0);
  if (infeasibility > 1e-7) return null;
  // Drive the artificials out of the basis, or drop their rows (they follow from the others).
  for (let i = rows.length - 1; i >= 0; i--) {
    if (basis[i]! < n) continue;
    const j = [...Array(n).keys()].find((k) => Math.abs(rows[i]![k]!) > EPS);
    if (j === undefined) {
      rows.splice(i, 1);
      basis.splice(i, 1);
    } else pivot(rows, basis, i, j);
  }
  const compact = rows.map((r) => {
    const out = new Float64Array(n + 1);
    out.set(r.subarray(0, n));
    out[n] = r[n + m]!;
    return out;
  });
  return { rows: compact, basis, n };
}

export interface Tableau {
  rows: Float64Array[];
  basis: number[];
  /** Unknowns; each row holds their coefficients, then the right-hand side. */
  n: number;
}

/** The highest value unknown j can take (Infinity if unbounded), and a solution that reaches it. */
export function maximize(t: Tableau, j: number): { max: number; solution: Float64Array } {
  const rows = t.rows.map((r) => Float64Array.from(r));
  const basis = [...t.basis];
  const cost = new Float64Array(t.n);
  cost[j] = -1;
  const bounded = minimize(rows, basis, cost, t.n);
  const solution = new Float64Array(t.n);
  rows.forEach((r, i) => (solution[basis[i]!] = r[t.n]!));
  return { max: bounded ? solution[j]! : Infinity, solution };
}

/** Minimizes cost·y over the tableau (columns 0..columns-1 may enter); false if unbounded. */
function minimize(rows: Float64Array[], basis: number[], cost: Float64Array, columns: number): boolean {
  const rhs = rows[0] ? rows[0].length - 1 : 0;
  for (let guard = 0; guard < 10_000; guard++) {
    // Reduced costs; Bland: the first column that improves enters.
    let entering = -1;
    for (let k = 0; k < columns && entering < 0; k++) {
      if (basis.includes(k)) continue;
      let d = cost[k]!;
      for (let i = 0; i < rows.length; i++) d -= cost[basis[i]!]! * rows[i]![k]!;
      if (d < -EPS) entering = k;
    }
    if (entering < 0) return true;
    // Ratio test; Bland: among ties, the row whose basic unknown comes first leaves.
    let leave = -1;
    let best = Infinity;
    for (let i = 0; i < rows.length; i++) {
      const a = rows[i]![entering]!;
      if (a <= EPS) continue;
      const ratio = rows[i]![rhs]! / a;
      if (ratio < best - EPS || (Math.abs(ratio - best) <= EPS && basis[i]! < basis[leave]!)) {
        best = ratio;
        leave = i;
      }
    }
    if (leave < 0) return false;
    pivot(rows, basis, leave, entering);
  }
  throw new Error('simplex: no convergence');
}

function pivot(rows: Float64Array[], basis: number[], r: number, c: number) {
  const row = rows[r]!;
  const p = row[c]!;
  for (let k = 0; k < row.length; k++) row[k] = row[k]! / p;
  for (let i = 0; i < rows.length; i++) {
    if (i === r) continue;
    const f = rows[i]![c]!;
    if (Math.abs(f) < EPS) continue;
    const target = rows[i]!;
    for (let k = 0; k < row.length; k++) target[k] = target[k]! - f * row[k]!;
  }
  basis[r] = c;
}

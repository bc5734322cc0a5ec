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

/**
 * The cross-view attacker. Every published cell is a set of units (reports, or category mentions)
 * and a shown value; what an attacker knows of a shown value, from the published perturbation
 * table alone, is an interval: 0 is exactly 0, "<5" is from 1 to 4 + the largest adjustment, and
 * a number v is v ± the largest adjustment (never below 1). Combining views, the attacker subtracts
 * any published cell from any other that contains it (a pair) and a third one from what is left
 * (a triple), and intersects every interval that any combination gives for the same units, with
 * that set's own published interval. A count is recovered when the intersection holds one value.
 */
export interface PublishedCell {
  /** The units it counts, as a bit set over the dataset's units. */
  units: Uint32Array;
  size: number;
  lo: number;
  hi: number;
  /** Where it was shown, for the failure message. */
  where: string;
}

const words = (bits: number) => Math.ceil(bits / 32);
export const bitset = (members: Iterable<number>, bits: number) => {
  const b = new Uint32Array(words(bits));
  for (const m of members) b[m >>> 5]! |= 1 << (m & 31);
  return b;
};
const subset = (a: Uint32Array, b: Uint32Array) => a.every((w, i) => (w & ~b[i]!) === 0);
const minus = (a: Uint32Array, b: Uint32Array) => a.map((w, i) => w & ~b[i]!);
const popcount = (a: Uint32Array) => a.reduce((n, w) => {
  let x = w - ((w >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return n + ((((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24);
}, 0);
const keyOf = (a: Uint32Array) => a.join(',');

/** What a shown value tells, given the largest adjustment the published table allows. */
export function interval(shown: number | string, maxAdjustment: number, minShown = 5): [number, number] {
  if (shown === 0) return [0, 0];
  if (typeof shown === 'string') return [1, minShown - 1 + maxAdjustment];
  return [Math.max(1, shown - maxAdjustment), shown + maxAdjustment];
}

export interface Recovery {
  units: string;
  size: number;
  interval: [number, number];
  from: string[];
}

/**
 * Every set of 1 to 4 units that a pair or a triple of published cells isolates, with the values
 * the attacker still finds possible for its count. A published set shown twice with different
 * intervals is intersected too (that is what "the same cell always shows the same number" must make harmless).
 */
export function crossViewAttack(cells: readonly PublishedCell[]): { targets: number; recovered: Recovery[]; inconsistent: Recovery[] } {
  // One entry per distinct set, its intervals intersected.
  const bySet = new Map<string, PublishedCell & { from: string[] }>();
  for (const c of cells) {
    const key = keyOf(c.units);
    const seen = bySet.get(key);
    if (!seen) bySet.set(key, { ...c, from: [c.where] });
    else {
      seen.lo = Math.max(seen.lo, c.lo);
      seen.hi = Math.min(seen.hi, c.hi);
      if (seen.from.length < 3) seen.from.push(c.where);
    }
  }
  const published = [...bySet.values()].filter((c) => c.size > 0);
  const bySize = new Map<number, typeof published>();
  for (const c of published) bySize.set(c.size, [...(bySize.get(c.size) ?? []), c]);
  const targets = new Map<string, { units: Uint32Array; size: number; lo: number; hi: number; from: string[] }>();
  const derive = (units: Uint32Array, size: number, lo: number, hi: number, from: string[]) => {
    const key = keyOf(units);
    const own = bySet.get(key);
    let t = targets.get(key);
    if (!t) targets.set(key, (t = { units, size, lo: Math.max(0, own?.lo ?? 0), hi: own?.hi ?? Infinity, from: own ? [own.where] : [] }));
    t.lo = Math.max(t.lo, lo);
    t.hi = Math.min(t.hi, hi);
    if (t.from.length < 6) t.from.push(...from);
  };
  // Pairs: A minus a published B inside it. What is left, if small, is a target; if up to 12
  // units, a third published C inside it is subtracted too (a triple).
  for (const a of published) {
    for (const [size, list] of bySize) {
      if (size >= a.size) continue;
      for (const b of list) {
        if (!subset(b.units, a.units)) continue;
        const rest = minus(a.units, b.units);
        const restSize = a.size - b.size;
        const lo = a.lo - b.hi;
        const hi = a.hi - b.lo;
        if (restSize <= 4) derive(rest, restSize, lo, hi, [`${a.where} − ${b.where}`]);
        if (restSize > 12) continue;
        for (let s = Math.max(1, restSize - 4); s < restSize; s++) {
          for (const c of bySize.get(s) ?? []) {
            if (!subset(c.units, rest)) continue;
            derive(minus(rest, c.units), restSize - s, lo - c.hi, hi - c.lo, [`${a.where} − ${b.where} − ${c.where}`]);
          }
        }
      }
    }
  }
  const recovered: Recovery[] = [];
  const inconsistent: Recovery[] = [];
  for (const [units, t] of targets) {
    const r = { units, size: t.size, interval: [t.lo, t.hi] as [number, number], from: t.from };
    if (t.size < t.lo || t.size > t.hi) inconsistent.push(r);
    else if (t.lo === t.hi && t.size >= 1 && t.size <= 4) recovered.push(r);
  }
  return { targets: targets.size, recovered, inconsistent };
}

/** How many units a bit set holds. */
export const unitCount = popcount;

/**
 * @module Small-cell suppression: the one place that decides which counts may leave the server.
 * The officials' dashboard, its CSV export and the public transparency page all go through it.
 *
 * The published numbers are cells linked by additive constraints (total = sum of parts): rows and
 * columns of every table, the totals of each table, and any relation between tables (a clock
 * table's row total is the sum of two cells of another table). Rules:
 *
 * 1. Primary suppression: a count from 1 to 4 is hidden. Zero is shown (a zero is never hidden, so
 *    every hidden cell is known to be at least 1, and that knowledge is accounted for below).
 * 2. Complementary suppression, line by line: in every constraint whose total is shown, either no
 *    part is hidden, or at least two are, their sum (total minus the visible parts, which anyone
 *    can work out) is at least 5, and it exceeds what the hidden cells' known lower bounds force,
 *    so no hidden cell is pinned to one value. A constraint whose total is hidden must hide at
 *    least one part too (else the total is the sum of the visible parts).
 * 3. No hidden cell may follow from any combination of constraints (across rows, columns, tables):
 *    checked exactly by row-reducing the constraint system over the hidden cells.
 * 4. Nor may the bounds anyone can deduce pin one ("every hidden cell is at least 1", a spike
 *    alert's "at least 5", and sums of those): a cell on its lower bound is pinned if no solution
 *    lifts it (a small linear program, src/trends/simplex.ts); the others then only if the
 *    equations alone fix them. A linear program's answer (a lift under 1 counts as none) for
 *    groups of up to EXACT_LIMIT linked hidden cells; larger groups get interval propagation.
 *
 * When a cell is exposed, the nearest visible cell that drags the fewest others with it is hidden.
 *
 * Every hidden cell, primary or complementary, shows the same mark, so nobody can tell which is which.
 * The choice of complements is deterministic (smallest value first, then key order), so the same
 * data always gives the same page, CSV and dashboard.
 */
import { feasibleTableau, maximize } from './simplex';

/** Counts below this (and above 0) are never shown. */
export const MIN_SHOWN = 5;
/** What a hidden count shows as, everywhere. */
export const SUPPRESSED = '<5';

export type Shown = number | typeof SUPPRESSED;

/** total = sum of parts. */
export interface Constraint {
  total: string;
  parts: readonly string[];
}

export interface SuppressionInput {
  /** Every cell's true count (cells named in constraints but missing here count as 0). */
  values: ReadonlyMap<string, number>;
  constraints: readonly Constraint[];
  /**
   * Lower bounds that are published elsewhere (a spike alert says a count is at least 5). A hidden
   * cell is otherwise known to be at least 1.
   */
  lowerBounds?: ReadonlyMap<string, number>;
}

export interface Suppression {
  hidden: ReadonlySet<string>;
  /** The count as it may be shown: the number, or "<5" when hidden. */
  show(key: string): Shown;
  /** Whether every one of these cells is shown. */
  allShown(...keys: string[]): boolean;
}

/** Decides which cells are hidden. */
export function suppress(input: SuppressionInput): Suppression {
  const { constraints } = input;
  const value = (k: string) => input.values.get(k) ?? 0;
  const lower = (k: string) => Math.max(1, input.lowerBounds?.get(k) ?? 1);
  const hidden = new Set<string>();
  const byCell = new Map<string, number[]>();
  const cells = new Set<string>(input.values.keys());
  constraints.forEach((c, i) => {
    for (const k of [c.total, ...c.parts]) {
      cells.add(k);
      let list = byCell.get(k);
      if (!list) byCell.set(k, (list = []));
      list.push(i);
    }
  });

  for (const k of [...cells].sort()) {
    const v = value(k);
    if (v >= 1 && v < MIN_SHOWN) hidden.add(k);
  }

  /** Hides complements until every line touched is safe again; returns how many cells it hid. */
  const settle = (set: Set<string>, start: Iterable<number>): number => {
    const queue = [...start];
    const queued = new Set(queue);
    let added = 0;
    for (let at = 0; at < queue.length; at++) {
      const i = queue[at]!;
      queued.delete(i);
      const c = constraints[i]!;
      if (!lineUnsafe(c, set, value, lower)) continue;
      const pick = chooseComplement(c, set, value, lower);
      if (pick === undefined) throw new Error(`suppression: constraint ${c.total} cannot be protected (inconsistent counts?)`);
      set.add(pick);
      added++;
      for (const j of byCell.get(pick) ?? []) {
        if (!queued.has(j)) {
          queued.add(j);
          queue.push(j);
        }
      }
      if (!queued.has(i)) {
        queued.add(i);
        queue.push(i);
      }
    }
    return added;
  };

  settle(hidden, constraints.keys());
  for (;;) {
    let exposed = determinedCells(constraints, hidden, byCell);
    if (!exposed.length) exposed = pinnedCells(constraints, hidden, value, lower, byCell);
    if (!exposed.length) break;
    // Among the nearest visible cells, hide the one that drags the fewest others with it (the
    // line fixes it forces, tried on a copy): a combination of tables is often best broken at
    // a total rather than at the smallest neighbour.
    const candidates = complementCandidates(exposed[0]!, constraints, byCell, hidden, value);
    if (!candidates.length) throw new Error(`suppression: ${exposed[0]} cannot be protected`);
    let best = candidates[0]!;
    let bestCost = Infinity;
    for (const k of candidates.slice(0, 8)) {
      const trial = new Set(hidden);
      trial.add(k);
      const cost = settle(trial, byCell.get(k) ?? []);
      if (cost < bestCost) [best, bestCost] = [k, cost];
    }
    hidden.add(best);
    settle(hidden, byCell.get(best) ?? []);
  }

  const show = (k: string): Shown => (hidden.has(k) ? SUPPRESSED : value(k));
  return { hidden, show, allShown: (...keys) => keys.every((k) => !hidden.has(k)) };
}

/** Whether a line, as it stands, lets someone work out a hidden cell or a small hidden sum. */
function lineUnsafe(c: Constraint, hidden: Set<string>, value: (k: string) => number, lower: (k: string) => number): boolean {
  const hiddenParts = c.parts.filter((p) => hidden.has(p));
  const totalHidden = hidden.has(c.total);
  const k = hiddenParts.length + (totalHidden ? 1 : 0);
  if (k === 0) return false;
  if (k === 1) return true;
  if (totalHidden) return false; // total − (hidden parts) = visible parts: a difference, no bound on either side
  const sum = hiddenParts.reduce((a, p) => a + value(p), 0);
  const forced = hiddenParts.reduce((a, p) => a + lower(p), 0);
  return sum < MIN_SHOWN || sum - forced < 1;
}

/** The visible cell to hide next in an unsafe line: the smallest part that makes it safe, else the smallest part, else the total. */
function chooseComplement(c: Constraint, hidden: Set<string>, value: (k: string) => number, lower: (k: string) => number): string | undefined {
  const candidates = c.parts.filter((p) => !hidden.has(p) && value(p) > 0).sort(bySizeThenKey(value));
  for (const p of candidates) {
    hidden.add(p);
    const safe = !lineUnsafe(c, hidden, value, lower);
    hidden.delete(p);
    if (safe) return p;
  }
  if (candidates.length) return candidates[0];
  if (!hidden.has(c.total) && value(c.total) > 0) return c.total;
  return undefined;
}

/**
 * The visible, nonzero cells nearest to an exposed one (sharing a constraint with it, else with a
 * hidden cell linked to it, and so on), smallest first.
 */
function complementCandidates(cell: string, constraints: readonly Constraint[], byCell: Map<string, number[]>, hidden: Set<string>, value: (k: string) => number): string[] {
  const seenCells = new Set([cell]);
  const seenConstraints = new Set<number>();
  let frontier = [cell];
  while (frontier.length) {
    const candidates = new Set<string>();
    const next: string[] = [];
    for (const k of frontier) {
      for (const i of byCell.get(k) ?? []) {
        if (seenConstraints.has(i)) continue;
        seenConstraints.add(i);
        const c = constraints[i]!;
        for (const m of [...c.parts, c.total]) {
          if (!hidden.has(m)) {
            if (value(m) > 0) candidates.add(m);
          } else if (!seenCells.has(m)) {
            seenCells.add(m);
            next.push(m);
          }
        }
      }
    }
    if (candidates.size) return [...candidates].sort(bySizeThenKey(value));
    frontier = next;
  }
  return [];
}

const bySizeThenKey = (value: (k: string) => number) => (a: string, b: string) => value(a) - value(b) || (a < b ? -1 : a > b ? 1 : 0);

/** Groups of hidden cells up to this size get the exact check; larger ones the interval one. */
const EXACT_LIMIT = 120;

/**
 * Hidden cells that the published numbers pin to one value once everyone knows that a hidden cell
 * is at least 1 (or its published lower bound). Exact for groups of linked hidden cells up to
 * EXACT_LIMIT: a cell sitting on its lower bound is pinned if no solution lifts it by 1 (a small
 * linear program per such cell, src/trends/simplex.ts); once those are known, every other cell can
 * move unless the equations alone fix it (row reduction). Larger groups get interval propagation.
 */
export function pinnedCells(
  constraints: readonly Constraint[],
  hidden: ReadonlySet<string>,
  value: (k: string) => number,
  lower: (k: string) => number,
  byCell: Map<string, number[]> = cellIndex(constraints),
): string[] {
  const pinned: string[] = [];
  const large = new Set<string>();
  for (const group of hiddenGroups(constraints, hidden, byCell)) {
    if (group.length > EXACT_LIMIT) {
      group.forEach((k) => large.add(k));
      continue;
    }
    const tight = group.filter((k) => value(k) <= lower(k));
    if (!tight.length) continue;
    const col = new Map(group.map((k, i) => [k, i]));
    const touching = [...new Set(group.flatMap((k) => byCell.get(k) ?? []))].sort((a, b) => a - b);
    // Unknowns y = x − lower bound ≥ 0; each constraint: Σ hidden parts − hidden total = the rest.
    const A: number[][] = [];
    const b: number[] = [];
    for (const i of touching) {
      const c = constraints[i]!;
      const row = new Array<number>(group.length).fill(0);
      let rhs = hidden.has(c.total) ? 0 : value(c.total);
      if (hidden.has(c.total)) {
        row[col.get(c.total)!]! -= 1;
        rhs += lower(c.total);
      }
      for (const p of c.parts) {
        if (hidden.has(p)) {
          row[col.get(p)!]! += 1;
          rhs -= lower(p);
        } else rhs -= value(p);
      }
      A.push(row);
      b.push(rhs);
    }
    const tableau = feasibleTableau(A, b);
    if (!tableau) throw new Error('suppression: the counts do not add up');
    const movable = new Set(group.filter((k) => value(k) > lower(k)));
    const forced: string[] = [];
    for (const k of tight) {
      if (movable.has(k)) continue;
      const { max, solution } = maximize(tableau, col.get(k)!);
      if (max < 1 - 1e-6) forced.push(k);
      else group.forEach((g, i) => solution[i]! > 1e-6 && movable.add(g));
    }
    pinned.push(...forced);
    // With the forced cells known, the others are pinned only if the equations alone fix them.
    const rest = new Set(group.filter((k) => !forced.includes(k)));
    pinned.push(...determinedCells(constraints, rest, byCell));
  }
  if (large.size) pinned.push(...intervalPinned(constraints, hidden, value, lower).filter((k) => large.has(k)));
  return [...new Set(pinned)].sort();
}

/** Groups of hidden cells linked through constraints, each sorted. */
function hiddenGroups(constraints: readonly Constraint[], hidden: ReadonlySet<string>, byCell: Map<string, number[]>): string[][] {
  const seen = new Set<string>();
  const groups: string[][] = [];
  for (const start of [...hidden].sort()) {
    if (seen.has(start) || !byCell.has(start)) continue;
    const group: string[] = [];
    const stack = [start];
    seen.add(start);
    while (stack.length) {
      const k = stack.pop()!;
      group.push(k);
      for (const i of byCell.get(k) ?? []) {
        const c = constraints[i]!;
        for (const m of [c.total, ...c.parts]) {
          if (hidden.has(m) && !seen.has(m)) {
            seen.add(m);
            stack.push(m);
          }
        }
      }
    }
    groups.push(group.sort());
  }
  return groups;
}

/**
 * Hidden cells whose value the published bounds pin down: interval propagation over every
 * constraint (a hidden cell is at least its lower bound and a sum of hidden cells at least the sum
 * of theirs; a part is at most its total minus the other parts' minimum), until nothing tightens.
 * Catches what row reduction cannot: "this hidden total is at least 5, so the other is at most 1".
 */
function intervalPinned(constraints: readonly Constraint[], hidden: ReadonlySet<string>, value: (k: string) => number, lower: (k: string) => number): string[] {
  const lo = new Map<string, number>();
  const hi = new Map<string, number>();
  for (const k of hidden) {
    lo.set(k, lower(k));
    hi.set(k, Infinity);
  }
  const relevant = constraints.filter((c) => hidden.has(c.total) || c.parts.some((p) => hidden.has(p)));
  const tighten = (k: string, min: number, max: number) => {
    let changed = false;
    if (min > lo.get(k)!) lo.set(k, min), (changed = true);
    if (max < hi.get(k)!) hi.set(k, max), (changed = true);
    return changed;
  };
  for (let pass = 0, changed = true; changed && pass < 100; pass++) {
    changed = false;
    for (const c of relevant) {
      let visible = 0;
      let sumLo = 0;
      let finiteHi = 0; // the sum of the parts' finite maxima …
      let unbounded = 0; // … and how many parts have none
      const hiddenParts: string[] = [];
      for (const p of c.parts) {
        if (hidden.has(p)) {
          hiddenParts.push(p);
          sumLo += lo.get(p)!;
          if (Number.isFinite(hi.get(p)!)) finiteHi += hi.get(p)!;
          else unbounded++;
        } else visible += value(p);
      }
      const [tLo, tHi] = hidden.has(c.total) ? [lo.get(c.total)!, hi.get(c.total)!] : [value(c.total), value(c.total)];
      if (hidden.has(c.total)) changed = tighten(c.total, visible + sumLo, unbounded ? Infinity : visible + finiteHi) || changed;
      for (const p of hiddenParts) {
        const own = hi.get(p)!;
        const othersHi = unbounded - (Number.isFinite(own) ? 0 : 1) > 0 ? Infinity : finiteHi - (Number.isFinite(own) ? own : 0);
        changed = tighten(p, tLo - visible - othersHi, tHi - visible - (sumLo - lo.get(p)!)) || changed;
      }
    }
  }
  return [...hidden].filter((k) => lo.get(k) === hi.get(k)).sort();
}

const EPS = 1e-9;

/**
 * Hidden cells whose value follows from the constraints, whatever the other hidden cells hold:
 * row reduction of the constraint rows restricted to hidden cells (visible cells are constants).
 * A cell is determined exactly when its column is a pivot whose row touches no free column.
 * Done per connected group of hidden cells, with sparse rows, so large tables stay fast.
 */
export function determinedCells(constraints: readonly Constraint[], hidden: ReadonlySet<string>, byCell?: Map<string, number[]>): string[] {
  const index = byCell ?? cellIndex(constraints);
  const hiddenList = [...hidden].filter((k) => index.has(k)).sort();
  const parent = new Map(hiddenList.map((k) => [k, k]));
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(k, r);
    return r;
  };
  const rowsOf = new Map<number, Array<[string, number]>>();
  constraints.forEach((c, i) => {
    const terms: Array<[string, number]> = [];
    if (hidden.has(c.total)) terms.push([c.total, -1]);
    for (const p of c.parts) if (hidden.has(p)) terms.push([p, 1]);
    if (!terms.length) return;
    rowsOf.set(i, terms);
    for (const [k] of terms.slice(1)) parent.set(find(k), find(terms[0]![0]));
  });
  const groups = new Map<string, { cells: string[]; rows: Array<Array<[string, number]>> }>();
  for (const k of hiddenList) {
    const root = find(k);
    let g = groups.get(root);
    if (!g) groups.set(root, (g = { cells: [], rows: [] }));
    g.cells.push(k);
  }
  for (const terms of rowsOf.values()) groups.get(find(terms[0]![0]))!.rows.push(terms);

  const determined: string[] = [];
  for (const g of groups.values()) {
    const col = new Map(g.cells.map((k, i) => [k, i]));
    const rows: Array<Map<number, number>> = g.rows.map((terms) => {
      const m = new Map<number, number>();
      for (const [k, v] of terms) m.set(col.get(k)!, (m.get(col.get(k)!) ?? 0) + v);
      return m;
    });
    const rowsWith = new Map<number, Set<number>>();
    rows.forEach((r, ri) => {
      for (const c of r.keys()) {
        let s = rowsWith.get(c);
        if (!s) rowsWith.set(c, (s = new Set()));
        s.add(ri);
      }
    });
    const used = new Set<number>();
    const pivotRowOf = new Map<number, number>();
    for (let c = 0; c < g.cells.length; c++) {
      let best = -1;
      for (const ri of rowsWith.get(c) ?? []) {
        if (used.has(ri)) continue;
        if (Math.abs(rows[ri]!.get(c) ?? 0) < EPS) continue;
        if (best < 0 || rows[ri]!.size < rows[best]!.size) best = ri;
      }
      if (best < 0) continue; // free column
      used.add(best);
      pivotRowOf.set(c, best);
      const pivot = rows[best]!;
      const pv = pivot.get(c)!;
      for (const [k, v] of [...pivot]) pivot.set(k, v / pv);
      for (const ri of [...(rowsWith.get(c) ?? [])]) {
        if (ri === best) continue;
        const row = rows[ri]!;
        const factor = row.get(c) ?? 0;
        if (Math.abs(factor) < EPS) continue;
        for (const [k, v] of pivot) {
          const next = (row.get(k) ?? 0) - factor * v;
          if (Math.abs(next) < EPS) {
            row.delete(k);
            rowsWith.get(k)?.delete(ri);
          } else {
            row.set(k, next);
            let s = rowsWith.get(k);
            if (!s) rowsWith.set(k, (s = new Set()));
            s.add(ri);
          }
        }
      }
    }
    for (const [c, ri] of pivotRowOf) {
      const row = rows[ri]!;
      let alone = true;
      for (const k of row.keys()) if (k !== c && !pivotRowOf.has(k)) alone = false;
      if (alone) determined.push(g.cells[c]!);
    }
  }
  return determined.sort();
}

function cellIndex(constraints: readonly Constraint[]) {
  const byCell = new Map<string, number[]>();
  constraints.forEach((c, i) => {
    for (const k of [c.total, ...c.parts]) {
      let list = byCell.get(k);
      if (!list) byCell.set(k, (list = []));
      list.push(i);
    }
  });
  return byCell;
}

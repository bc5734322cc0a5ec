/**
 * Property tests for small-cell suppression (src/trends/suppress.ts): over random tables, linked
 * tables and published lower bounds, nothing shown and no difference of what is shown reveals a
 * count from 1 to 4. The attacker (suppress-attacker.ts) is written apart from the module.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_SHOWN, SUPPRESSED, suppress, type Constraint, type Suppression } from '../../src/trends/suppress';
import { Counts, gridConstraints, type Grid } from '../../src/trends/tables';
import { feasibleValues, linearlyDetermined } from './suppress-attacker';

/** Counts that look like real trends: mostly zeros and small numbers, now and then a big one. */
const count = fc.oneof(
  { weight: 4, arbitrary: fc.constant(0) },
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 4 }) },
  { weight: 3, arbitrary: fc.integer({ min: 5, max: 12 }) },
  { weight: 1, arbitrary: fc.integer({ min: 13, max: 60 }) },
);

const matrix = (maxRows: number, maxCols: number) =>
  fc
    .tuple(fc.integer({ min: 1, max: maxRows }), fc.integer({ min: 2, max: maxCols }))
    .chain(([r, c]) => fc.array(fc.array(count, { minLength: c, maxLength: c }), { minLength: r, maxLength: r }));

/** A grid named by a prefix, its rows and columns summed into totals. */
function grid(prefix: string, m: number[][], rowTotalPrefix = `${prefix}R`): { g: Grid; counts: Counts } {
  const g: Grid = {
    id: prefix,
    rows: m.map((_, i) => ({ id: String(i), label: `r${i}` })),
    cols: m[0]!.map((_, j) => ({ id: String(j), label: `c${j}` })),
    cell: (r, c) => `${prefix}:${r}:${c}`,
    rowTotal: (r) => `${rowTotalPrefix}:${r}`,
    colTotal: (c) => `${prefix}C:${c}`,
    total: 'ALL',
  };
  const counts = new Counts();
  m.forEach((row, i) =>
    row.forEach((v, j) => {
      counts.add(g.cell(String(i), String(j)), v);
      counts.add(g.rowTotal(String(i)), v);
      counts.add(g.colTotal(String(j)), v);
      counts.add(g.total, v);
    }),
  );
  return { g, counts };
}

/** Everything the attacker can check without search. */
function expectSafe(values: ReadonlyMap<string, number>, constraints: readonly Constraint[], s: Suppression, lowerBounds?: ReadonlyMap<string, number>) {
  const keys = new Set([...values.keys(), ...constraints.flatMap((c) => [c.total, ...c.parts])]);
  for (const k of keys) {
    const shown = s.show(k);
    // No displayed cell is a count from 1 to 4, and a hidden cell is marked "<5" and nothing else.
    if (shown !== SUPPRESSED) expect(shown === 0 || shown >= MIN_SHOWN, `${k} shown as ${shown}`).toBe(true);
    if ((values.get(k) ?? 0) === 0) expect(shown, `zero ${k}`).toBe(0);
  }
  for (const c of constraints) {
    const hiddenParts = c.parts.filter((p) => s.hidden.has(p));
    const k = hiddenParts.length + (s.hidden.has(c.total) ? 1 : 0);
    // Never exactly one hidden cell in a line: it would be the total minus the rest.
    expect(k === 1, `one hidden cell in ${c.total}`).toBe(false);
    if (!s.hidden.has(c.total) && hiddenParts.length) {
      // The difference of displayed numbers (total minus visible parts) is never 1–4 …
      const shownTotal = s.show(c.total) as number;
      const visible = c.parts.filter((p) => !s.hidden.has(p)).reduce((a, p) => a + (s.show(p) as number), 0);
      const difference = shownTotal - visible;
      expect(difference === 0 || difference >= MIN_SHOWN, `${c.total}: total minus visible = ${difference}`).toBe(true);
      // … nor so small that it forces every hidden cell to its lower bound.
      const forced = hiddenParts.reduce((a, p) => a + Math.max(1, lowerBounds?.get(p) ?? 1), 0);
      expect(difference > forced, `${c.total}: hidden cells forced`).toBe(true);
    }
  }
  // No hidden cell follows from any combination of rows, columns and tables.
  expect(linearlyDetermined(constraints, s.hidden)).toEqual([]);
}

/** The search: no hidden count from 1 to 4 has only one possible value. */
function expectNotPinned(values: ReadonlyMap<string, number>, constraints: readonly Constraint[], s: Suppression, lowerBounds?: ReadonlyMap<string, number>) {
  if (s.hidden.size > 14) return;
  const ceiling = Math.max(...values.values()) + 3;
  const feasible = feasibleValues(values, constraints, s.hidden, { ceiling, lowerBounds, budget: 150_000 });
  if (!feasible) return; // too large to search: covered by the linear check
  for (const k of s.hidden) {
    const v = values.get(k) ?? 0;
    expect(feasible.get(k)!.has(v), `${k}: the true value is feasible`).toBe(true);
    if (v >= 1 && v < MIN_SHOWN) expect(feasible.get(k)!.size, `${k} = ${v} is pinned`).toBeGreaterThan(1);
  }
}

describe('small-cell suppression', () => {
  it('should hide every count from 1 to 4 and show zeros and counts from 5 as they are', () => {
    const values = new Map([['a', 0], ['b', 1], ['c', 4], ['d', 5], ['e', 17]]);
    const s = suppress({ values, constraints: [] });
    expect(['a', 'b', 'c', 'd', 'e'].map(s.show)).toEqual([0, SUPPRESSED, SUPPRESSED, 5, 17]);
  });

  it('should hide a second cell when one hidden cell could be worked out from its total', () => {
    // 12 = 3 + 9: hiding only the 3 would leave 12 − 9 = 3 for anyone to see.
    const values = new Map([['t', 12], ['a', 3], ['b', 9]]);
    const s = suppress({ values, constraints: [{ total: 't', parts: ['a', 'b'] }] });
    expect([s.show('t'), s.show('a'), s.show('b')]).toEqual([12, SUPPRESSED, SUPPRESSED]);
  });

  it('should not let two hidden ones add up to a small number', () => {
    // 9 = 1 + 1 + 7: hiding the two 1s would show they add up to 2 (both 1).
    const values = new Map([['t', 9], ['a', 1], ['b', 1], ['c', 7]]);
    const s = suppress({ values, constraints: [{ total: 't', parts: ['a', 'b', 'c'] }] });
    expect(s.show('c')).toBe(SUPPRESSED);
  });

  it('should protect a cell that only a combination of rows and columns would reveal', () => {
    // Two 2×2 blocks of hidden cells joined by one hidden cell: that cell would be the sum of
    // two rows minus two columns. The row reduction finds it and hides more.
    const m = [
      [2, 3, 0, 9],
      [3, 2, 6, 0],
      [0, 0, 2, 3],
      [0, 8, 3, 2],
    ];
    const { g, counts } = grid('g', m);
    const constraints = gridConstraints(g);
    const s = suppress({ values: counts.values, constraints });
    expectSafe(counts.values, constraints, s);
  });

  // Cases the search below once found: sums over several lines, with every hidden cell known to be
  // at least 1 (and a spike's "at least 5"), used to pin a 1.
  for (const [m, flagged] of [
    [[[1, 0, 3], [5, 1, 13], [1, 0, 2]], -1],
    [[[1, 0, 1], [2, 2, 1], [1, 5, 0]], 1],
  ] as Array<[number[][], number]>) {
    it(`should not let bounds and several lines together pin a count (${JSON.stringify(m)})`, () => {
      const { g, counts } = grid('g', m);
      const constraints = gridConstraints(g);
      const lowerBounds = new Map(flagged < 0 ? [] : [[g.rowTotal(String(flagged)), MIN_SHOWN], [g.total, MIN_SHOWN]] as Array<[string, number]>);
      const s = suppress({ values: counts.values, constraints, lowerBounds });
      expectSafe(counts.values, constraints, s, lowerBounds);
      expectNotPinned(counts.values, constraints, s, lowerBounds);
    });
  }

  it('should be deterministic: the same counts give the same page, dashboard and CSV', () => {
    fc.assert(
      fc.property(matrix(5, 5), (m) => {
        const { g, counts } = grid('g', m);
        const constraints = gridConstraints(g);
        const a = suppress({ values: counts.values, constraints });
        const b = suppress({ values: new Map([...counts.values].reverse()), constraints: gridConstraints(g) });
        expect([...a.hidden].sort()).toEqual([...b.hidden].sort());
      }),
      { numRuns: 200 },
    );
  });

  it('should reveal no count from 1 to 4 in any table with totals (cells, differences, combinations)', () => {
    fc.assert(
      fc.property(matrix(6, 6), (m) => {
        const { g, counts } = grid('g', m);
        const constraints = gridConstraints(g);
        const s = suppress({ values: counts.values, constraints });
        expectSafe(counts.values, constraints, s);
      }),
      { numRuns: 600 },
    );
  });

  it('should leave no count from 1 to 4 with a single possible value, searching every consistent table', () => {
    fc.assert(
      fc.property(matrix(3, 3), (m) => {
        const { g, counts } = grid('g', m);
        const constraints = gridConstraints(g);
        const s = suppress({ values: counts.values, constraints });
        expectNotPinned(counts.values, constraints, s);
      }),
      { numRuns: 600 },
    );
  });

  it('should keep linked tables consistent: shared totals, a cross-table sum, the same grand total', () => {
    // Like the dashboard: weeks × recipients and weeks × status share their week totals and the
    // grand total, and a third table's row totals are sums of two columns of the first.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((weeks) =>
          fc.tuple(
            fc.array(fc.array(count, { minLength: 3, maxLength: 3 }), { minLength: weeks, maxLength: weeks }),
            fc.array(fc.array(fc.nat({ max: 1000 }), { minLength: 3, maxLength: 3 }), { minLength: weeks, maxLength: weeks }),
            fc.array(fc.array(fc.nat({ max: 1000 }), { minLength: 2, maxLength: 2 }), { minLength: weeks, maxLength: weeks }),
          ),
        ),
        ([bySendTo, statusSplit, clockSplit]) => {
          const a = grid('a', bySendTo, 'W');
          // Split each week's total over three statuses, and the first two columns over two clock classes.
          const split = (total: number, weights: number[]) => {
            const sum = weights.reduce((x, y) => x + y, 0) || 1;
            const parts = weights.map((w) => Math.floor((total * w) / sum));
            parts[parts.length - 1]! += total - parts.reduce((x, y) => x + y, 0);
            return parts;
          };
          const byStatus = bySendTo.map((row, i) => split(row.reduce((x, y) => x + y, 0), statusSplit[i]!));
          const b = grid('b', byStatus, 'W');
          const byClock = bySendTo.map((row, i) => split(row[0]! + row[1]!, clockSplit[i]!));
          const c = grid('c', byClock, 'K');
          c.g.total = 'COMPANY';
          const values = new Map([...a.counts.values, ...b.counts.values]);
          byClock.forEach((row, i) =>
            row.forEach((v, j) => {
              values.set(`c:${i}:${j}`, v);
              values.set(`K:${i}`, (values.get(`K:${i}`) ?? 0) + v);
              values.set(`cC:${j}`, (values.get(`cC:${j}`) ?? 0) + v);
              values.set('COMPANY', (values.get('COMPANY') ?? 0) + v);
            }),
          );
          const constraints = [
            ...gridConstraints(a.g),
            ...gridConstraints(b.g),
            ...gridConstraints(c.g),
            ...bySendTo.map((_, i) => ({ total: `K:${i}`, parts: [`a:${i}:0`, `a:${i}:1`] })),
            { total: 'COMPANY', parts: ['aC:0', 'aC:1'] },
          ];
          const s = suppress({ values, constraints });
          expectSafe(values, constraints, s);
          if (bySendTo.length <= 2) expectNotPinned(values, constraints, s);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('should account for lower bounds published elsewhere (a spike alert says "at least 5")', () => {
    fc.assert(
      fc.property(matrix(3, 3), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), (m, flags) => {
        const { g, counts } = grid('g', m);
        const constraints = gridConstraints(g);
        // A row whose total is 5 or more may be flagged; the flag is a public lower bound of 5.
        const lowerBounds = new Map<string, number>();
        m.forEach((_, i) => {
          if (flags[i] && counts.get(g.rowTotal(String(i))) >= MIN_SHOWN) {
            lowerBounds.set(g.rowTotal(String(i)), MIN_SHOWN);
            lowerBounds.set(g.total, MIN_SHOWN);
          }
        });
        const s = suppress({ values: counts.values, constraints, lowerBounds });
        expectSafe(counts.values, constraints, s, lowerBounds);
        expectNotPinned(counts.values, constraints, s, lowerBounds);
      }),
      { numRuns: 300 },
    );
  });
});

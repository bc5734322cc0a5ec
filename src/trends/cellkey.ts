/**
 * @module The cell-key method (Australian Bureau of Statistics TableBuilder; Eurostat's guidelines
 * on statistical disclosure control): the one place that decides how every count that leaves the
 * server is shown, on the dashboard, in its CSV and on the public page.
 *
 * Every report carries a random record key (migrations/0013_record_keys.sql). A cell's key is the
 * sum of its reports' keys modulo 2^32, and the count is shown with a small adjustment read from a
 * fixed table at that key (PERTURBATION). So:
 * - the same reports always show the same number, whichever view, filter or day they appear in;
 * - two views that differ by a few reports have unrelated adjustments (the difference's own key is
 *   random), so subtracting them gives a count plus noise, never the count;
 * - zero stays zero, and a shown number is always 5 or more: a count adjusted below 5 shows "<5".
 * Totals are cells like any other: they are adjusted on their own and need not equal the sum of
 * the numbers shown beside them.
 */

/** Shown numbers are at least this; an adjusted count below it shows as SUPPRESSED. */
export const MIN_SHOWN = 5;
/** What a count adjusted below MIN_SHOWN shows as, everywhere. */
export const SUPPRESSED = '<5';
export type Shown = number | typeof SUPPRESSED;

/** Record and cell keys are whole numbers from 0 to KEY_MODULUS − 1. */
export const KEY_MODULUS = 2 ** 32;

/**
 * The perturbation table: each adjustment and how many of the 2^32 cell keys give it. Keys are
 * laid out from 0 in this order, so key 0 (an all-zero test fixture) gives no adjustment. Half the
 * numbers are exact, nine in ten within 1, practically all within 3; never more than 5 either way.
 * The tails are thin on purpose: to be sure of a small count by subtracting two views, both would
 * need the largest adjustment, in opposite directions (about 1 in 6·10^10).
 */
export const PERTURBATION: ReadonlyArray<readonly [adjustment: number, keys: number]> = [
  [0, 0], // filled in below: the keys the others leave
  [1, 200_000 * 4096],
  [-1, 200_000 * 4096],
  [2, 62_000 * 4096],
  [-2, 62_000 * 4096],
  [3, 16_000 * 4096],
  [-3, 16_000 * 4096],
  [4, 2_000 * 4096],
  [-4, 2_000 * 4096],
  [5, 4 * 4096],
  [-5, 4 * 4096],
].map(([a, keys], i, all) => [a!, i === 0 ? KEY_MODULUS - all.slice(1).reduce((s, [, w]) => s + w!, 0) : keys!] as const);

/** The largest adjustment, either way: what an attacker knows of any shown number. */
export const MAX_ADJUSTMENT = Math.max(...PERTURBATION.map(([a]) => Math.abs(a)));

const BOUNDS = (() => {
  let at = 0;
  return PERTURBATION.map(([a, keys]) => [(at += keys), a] as const);
})();

/** The adjustment the table gives a cell key. */
export function adjustment(key: number): number {
  for (const [upTo, a] of BOUNDS) if (key < upTo) return a;
  throw new Error(`cell key out of range: ${key}`);
}

/** A cell: how many reports (or mentions) it counts, and the sum of their record keys modulo 2^32. */
export interface Cell {
  n: number;
  k: number;
}

/** Adds keys modulo 2^32 (either may be a sum well above it). */
export const addKeys = (a: number, b: number) => (a + b) % KEY_MODULUS;
/** Takes keys away modulo 2^32. */
export const subtractKeys = (a: number, b: number) => (((a - b) % KEY_MODULUS) + KEY_MODULUS) % KEY_MODULUS;

/** The number a cell shows: 0 for none, else its count adjusted by its key, "<5" below 5. */
export function perturb(cell: Cell): Shown {
  if (cell.n <= 0) return 0;
  const v = cell.n + adjustment(cell.k % KEY_MODULUS);
  return v < MIN_SHOWN ? SUPPRESSED : v;
}

/** A fresh record key from the runtime's CSPRNG (Workers and Node both have crypto.getRandomValues). */
export function newRecordKey(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

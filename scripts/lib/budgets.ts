/**
 * @module The budgets `npm run check:deploy` enforces, and the verdict it prints: each figure against
 * its budget, and whether any is passed.
 */

/**
 * Set a little above what the build reaches (README "Tests and benchmarks"); raise one only with a
 * reason in the commit. The Worker: 812,657 B raw on 2026-12-07 after dropping zod's locales and
 * libsodium's base64 copy of its wasm (from 1,471,009 B), then 853,621 B raw and 364,030 B gzip in
 * all once the referral, the clocks, keeping a case longer and the hardened headers landed the same
 * day; 796,812 B raw and 343,597 B gzip once mimetext (and the core-js it pulled) left the mails;
 * 812,586 B raw and 348,541 B gzip once the held widening, the console's case view, retired sign-in,
 * neutral mail names and the officials' figures landed (2026-12-08); the console then loads 174,470 B.
 * The pages on 2026-12-07, once libsodium's wasm became a file of its own (bench/page-bytes.ts):
 * the form 168,052 -> 137,026 B, the follow-up page 170,945 -> 139,908 B, the console 211,670 -> 171,886 B.
 */
export const BUDGETS = {
  /** The Worker's script: every cold isolate parses it. */
  'worker index.js raw': 820_000,
  /** Everything wrangler uploads, gzipped. */
  'worker upload gzip': 356_000,
  /** What a worker's phone downloads before the form at /f/demo can send: HTML, scripts, libsodium's wasm. */
  'form first load gzip': 140_000,
  /** The same for the follow-up page at /seguimiento, before the receipt code can be typed and checked. */
  'follow-up first load gzip': 143_000,
  /** What a reader's browser downloads before the console can sign in: HTML, styles, script, libsodium-sumo's wasm. */
  'console first load gzip': 180_000,
} as const;

export type BudgetName = keyof typeof BUDGETS;

/** One line per figure ("ok" or "OVER", the figure, its budget) and how many budgets are passed; a missing figure counts as passed. */
export function judge(figures: Partial<Record<string, number>>, budgets: Record<string, number> = BUDGETS): { lines: string[]; over: number } {
  const lines: string[] = [];
  let over = 0;
  for (const [name, budget] of Object.entries(budgets)) {
    const figure = figures[name];
    const ok = figure !== undefined && Number.isFinite(figure) && figure <= budget;
    if (!ok) over++;
    lines.push(
      `budget ${ok ? 'ok  ' : 'OVER'} ${name}: ${figure ?? 'not measured'} B of ${budget} B${figure !== undefined ? ` (${((figure / budget) * 100).toFixed(1)}%)` : ''}`,
    );
  }
  return { lines, over };
}

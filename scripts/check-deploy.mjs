// Builds the production bundle offline (wrangler deploy --dry-run) and prints its size against its
// budget, so CI proves the Worker deploys as configured and stays light to start. Exits non-zero if
// the build fails or a budget is passed.
import { dryRunBundle } from './lib/worker-bundle.mjs';

/**
 * The Worker's script (every cold isolate parses it) and the whole upload. Set a little above what the
 * build reaches: 812,657 B raw on 2026-12-07 after dropping zod's locales and libsodium's base64 copy
 * of its wasm (from 1,471,009 B), then 853,621 B raw and 364,030 B gzip in all once the referral, the
 * clocks, keeping a case longer and the hardened headers landed the same day. Raise one only with a
 * reason in the commit.
 */
const BUDGETS = { 'index.js raw': 880_000, 'upload gzip': 380_000 };

const { files } = dryRunBundle();
let raw = 0;
let gz = 0;
for (const f of files) {
  raw += f.raw;
  gz += f.gzip;
  console.log(`deploy bundle: ${f.name} ${f.raw} B`);
}
console.log(`deploy bundle total: ${raw} B raw, ${gz} B gzip (Workers free plan limit: 3 MiB gzip)`);
const figures = { 'index.js raw': files.find((f) => f.name === 'index.js')?.raw ?? Infinity, 'upload gzip': gz };
let over = 0;
for (const [name, budget] of Object.entries(BUDGETS)) {
  const ok = figures[name] <= budget;
  if (!ok) over++;
  console.log(`budget ${ok ? 'ok  ' : 'OVER'} ${name}: ${figures[name]} B of ${budget} B`);
}
if (over) {
  console.error(`check:deploy: ${over} budget(s) passed; see what grew (wrangler deploy --dry-run --metafile) before raising one`);
  process.exit(1);
}

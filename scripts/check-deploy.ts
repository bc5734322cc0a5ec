/**
 * `npm run check:deploy`: builds the production bundle offline (wrangler deploy --dry-run) and runs
 * the built Worker locally to read its pages, then prints each figure against its budget
 * (scripts/lib/budgets.ts): the Worker's script and upload, and what a phone downloads before the
 * form can send and a reader's browser before the console can sign in. Exits 1 if the build fails or
 * a budget is passed. Reads public/assets/ as `npm run build` left it.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BUDGETS, judge, type BudgetName } from './lib/budgets';
import { prepareState, startDevServer } from './lib/dev-server';
import { pageDownloads, totalGzip, type Download } from './lib/page-weight';
// @ts-expect-error: a plain .mjs helper shared with bench/worker-startup.ts.
import { dryRunBundle } from './lib/worker-bundle.mjs';

const assetsDir = fileURLToPath(new URL('../public/assets/', import.meta.url));

const { files } = dryRunBundle() as { files: { name: string; raw: number; gzip: number }[] };
let gz = 0;
for (const f of files) {
  gz += f.gzip;
  console.log(`deploy bundle: ${f.name} ${f.raw} B raw, ${f.gzip} B gzip`);
}
console.log(`deploy bundle total: ${gz} B gzip (Workers free plan limit: 3 MiB gzip)`);
const figures: Partial<Record<BudgetName, number>> = {
  'worker index.js raw': files.find((f) => f.name === 'index.js')?.raw,
  'worker upload gzip': gz,
};

/** The pages as the built Worker renders them (the demo plant's form and the follow-up page in Spanish, as a worker first sees them). */
const pages: [BudgetName, string][] = [
  ['form first load gzip', '/f/demo'],
  ['follow-up first load gzip', '/seguimiento'],
  ['console first load gzip', '/console'],
];
const stateDir = await prepareState();
const server = await startDevServer({ stateDir });
try {
  for (const [name, path] of pages) {
    const res = await fetch(`${server.url}${path}`, { headers: { 'accept-language': 'es-MX' } });
    if (!res.ok) throw new Error(`check:deploy: ${path} answered ${res.status}`);
    const list: Download[] = pageDownloads(path, await res.text(), assetsDir);
    for (const d of list) console.log(`${path}: ${d.path} ${d.raw} B raw, ${d.gzip} B gzip`);
    figures[name] = totalGzip(list);
  }
} finally {
  await server.stop();
  rmSync(stateDir, { recursive: true, force: true });
}

const { lines, over } = judge(figures, BUDGETS);
for (const line of lines) console.log(line);
if (over) {
  console.error(`check:deploy: ${over} budget(s) passed; see what grew (wrangler deploy --dry-run --metafile, esbuild's metafile) before raising one`);
  process.exit(1);
}

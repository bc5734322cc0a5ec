// Builds the production bundle offline (wrangler deploy --dry-run) and prints its size, so CI
// proves the Worker deploys as configured. Exits non-zero if the build fails.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const out = mkdtempSync(join(tmpdir(), 'buzon-deploy-'));
execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', out], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false' },
});
let raw = 0;
let gz = 0;
for (const f of readdirSync(out)) {
  if (statSync(join(out, f)).isDirectory() || f.endsWith('.map')) continue;
  const bytes = readFileSync(join(out, f));
  raw += bytes.length;
  gz += gzipSync(bytes, { level: 9 }).length;
  console.log(`deploy bundle: ${f} ${bytes.length} B`);
}
console.log(`deploy bundle total: ${raw} B raw, ${gz} B gzip (Workers free plan limit: 3 MiB gzip)`);

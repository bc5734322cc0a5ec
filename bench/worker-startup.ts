/**
 * @module The Worker's weight and cold start: its upload as wrangler builds it, and `wrangler check
 * startup` (a CPU profile of workerd evaluating the script) several times, min and median.
 * Figures, not assertions: the profile runs on this shared machine, not on Cloudflare's.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs helper shared with scripts/check-deploy.ts.
import { dryRunBundle } from '../scripts/lib/worker-bundle.mjs';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export function workerStartup(runs = Number(process.env.STARTUP_RUNS ?? 5)) {
  const { files } = dryRunBundle() as { files: { name: string; raw: number; gzip: number }[] };
  for (const f of files) console.log(`worker: ${f.name} ${f.raw} B raw, ${f.gzip} B gzip`);
  const dir = mkdtempSync(join(tmpdir(), 'buzon-startup-'));
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = join(dir, `startup-${i}.cpuprofile`);
    execFileSync('npx', ['wrangler', 'check', 'startup', '--outfile', out], {
      stdio: 'ignore',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false' },
    });
    const profile = JSON.parse(readFileSync(out, 'utf8')) as { startTime: number; endTime: number };
    ms.push((profile.endTime - profile.startTime) / 1000);
  }
  console.log(`worker startup (wrangler check startup, ${runs} runs): min ${Math.min(...ms).toFixed(0)} ms, median ${median(ms).toFixed(0)} ms`);
}

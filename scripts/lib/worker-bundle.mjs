// @module The Worker as wrangler would upload it (deploy --dry-run), measured: its files' bytes raw and
// gzip, shared by the deploy check's budget and the startup benchmark.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Bundles the Worker offline into a temporary directory and returns it with each file's size. */
export function dryRunBundle(extraArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), 'buzon-deploy-'));
  execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', dir, ...extraArgs], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false' },
  });
  const files = readdirSync(dir)
    .filter((f) => !f.endsWith('.map') && !statSync(join(dir, f)).isDirectory())
    .map((name) => {
      const bytes = readFileSync(join(dir, name));
      return { name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    });
  return { dir, files };
}

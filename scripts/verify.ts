/**
 * `npm run verify -- <origin>`: builds this commit in a temporary directory, runs that build's
 * Worker locally with the deployment's public settings, plants and signed reader lists, and compares what <origin> serves
 * with both: /.well-known/buzon-build.json, every asset's bytes and headers, and every page a worker,
 * a reader or a passer-by can open, in both languages, each listed plant's form and poster included
 * (its status, every header but the transport ones, its markup skeleton, the forms it could submit
 * natively, its integrity pins and no other code). Prints "identical", or a `differs:` line for each difference.
 * Exit code 0 when identical, 1 when something differs, 2 when the check could not run.
 *
 *   --worktree          build the files as they are now instead of the committed HEAD
 *   --admin-key <key>   the administrator key the bundles must carry (default: the one the deployment names)
 *   --page <path>       also check another page
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sourceCommit, type BuildManifest } from './lib/build-manifest.mjs';
import { deploymentDifferences, type Served } from './lib/deployment-diff';
import { fetchManifest, fetchServed, listedFacilities, pagePaths, publicSettings } from './lib/deployment-fetch';
import { startReference } from './lib/reference-worker';
import { buildTree, exportTree } from './lib/source-tree';
import { parseCommandLine, runMain, text, UsageError } from './lib/cli';

const repo = fileURLToPath(new URL('..', import.meta.url));

const HELP = `Builds this commit and compares it with what a deployment serves: its build manifest, every
asset's bytes, and every page a worker and a reader open, in both languages, every plant listed at /
(headers, markup, integrity pins, native forms, no other code), against the same commit run locally.

  npm run verify -- <origin> [--worktree] [--admin-key <key>] [--page <path>]

  --worktree          build the files as they are now instead of the committed HEAD
  --admin-key KEY     the administrator key the bundles must carry (default: the one the deployment names)
  --page PATH         also check another page; repeatable
  --help              this text

Exit status: 0 identical, 1 something differs, 2 the check could not run.`;

function commandLine(argv: string[]) {
  const { values, positionals } = parseCommandLine(
    argv,
    { worktree: { type: 'boolean' }, 'admin-key': { type: 'string' }, page: { type: 'string', multiple: true } },
    HELP,
    { positionals: true },
  );
  if (positionals.length !== 1) throw new UsageError('usage: npm run verify -- <origin> [--worktree] [--admin-key <key>] [--page <path>]');
  let origin: string;
  try {
    origin = new URL(positionals[0]!).origin;
  } catch {
    throw new UsageError(`${positionals[0]} is not an origin like https://buzon.example.org`);
  }
  const pages = (values.page ?? []) as string[];
  return { origin, worktree: values.worktree === true, adminKey: text(values, 'admin-key'), pages };
}

async function main() {
  const opts = commandLine(process.argv.slice(2));
  const manifest = await fetchManifest(opts.origin);
  const adminSignPk = opts.adminKey ?? ('error' in manifest ? '' : manifest.adminSignPk);
  const commit = opts.worktree ? sourceCommit(repo, {}) : execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  console.log(
    `verify: ${opts.origin} against a local build of ${commit}${opts.worktree ? ' (working tree)' : ''} with ADMIN_SIGN_PK ${adminSignPk || '(none)'}`,
  );
  if (!opts.adminKey)
    console.log('verify: that key is the one the deployment names; check it against the key your administrator published, or pass --admin-key');
  if (!('error' in manifest) && manifest.commit !== commit)
    console.log(`verify: the deployment says it was built from ${manifest.commit}; check that commit out to compare like with like`);

  // The plants the form lists, and the settings the pages show: the local Worker renders with the same.
  const front = await fetchServed(opts.origin, manifest, [], ['/']);
  const facilities = listedFacilities(typeof front.pages.get('/') === 'object' ? (front.pages.get('/') as { html: string }).html : '');
  const pages = [...new Set([...pagePaths(facilities), ...opts.pages])];

  const dir = exportTree(repo, opts.worktree ? 'worktree' : 'head', 'buzon-verify-');
  let local: BuildManifest;
  let served: Served;
  let reference: Served;
  try {
    local = buildTree(dir, { commit, adminSignPk });
    served = await fetchServed(opts.origin, manifest, Object.keys(local.assets), pages);
    const settings = await publicSettings(opts.origin, served, facilities);
    const plants = facilities.map((f) => `${f.shortCode}${settings.emailLocals[f.shortCode] ? ` (${settings.emailLocals[f.shortCode]}@${settings.emailDomain})` : ''}`);
    console.log(`verify: the pages name ${facilities.length} plant${facilities.length === 1 ? '' : 's'} (${plants.join(', ') || 'none'}) and quick exit ${settings.quickExitUrl ?? '(none)'}; the local Worker renders with the same settings: check them`);
    const worker = await startReference(dir, opts.origin, { adminSignPk, facilities, settings });
    try {
      reference = await fetchServed(worker.url, local, Object.keys(local.assets), pages);
    } finally {
      await worker.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const differences = deploymentDifferences(local, served, opts.origin, reference);
  for (const d of differences) console.log(`differs: ${d.file}: ${d.reason}`);
  const files = new Set(differences.map((d) => d.file));
  if (files.size === 0) {
    console.log(`identical: ${served.assets.size} assets, ${pages.length} pages and the manifest match the local build`);
    return 0;
  }
  console.log(`${files.size} file${files.size === 1 ? ' differs' : 's differ'}: ${[...files].join(', ')}`);
  return 1;
}

// Anything that stops the check is "could not run" (2), never "differs" (1).
await runMain('verify', () =>
  main().catch((error: Error) => {
    throw error instanceof UsageError ? error : new UsageError(error.message, { cause: error.cause });
  }),
);

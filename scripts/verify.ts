/**
 * `npm run verify -- <origin>`: builds this commit in a temporary directory and compares it with
 * what <origin> serves: /.well-known/buzon-build.json, every asset's bytes, and the pages a worker
 * and a reader open (their Content-Security-Policy, their integrity pins, and no other code). Prints "identical", or each file that differs.
 * Exit code 0 when identical, 1 when something differs, 2 when the check could not run.
 *
 *   --worktree          build the files as they are now instead of the committed HEAD
 *   --admin-key <key>   the administrator key the bundles must carry (default: the one the deployment names)
 *   --facility <code>   also check that plant's form and posters (/f/<code>, /f/<code>/cartel)
 *   --page <path>       also check another page
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sourceCommit, type BuildManifest } from './lib/build-manifest.mjs';
import { deploymentDifferences, type Expected } from './lib/deployment-diff';
import { NOT_FOUND_PAGE, fetchManifest, fetchServed } from './lib/deployment-fetch';
import { buildTree, exportTree } from './lib/source-tree';
import { parseCommandLine, runMain, text, UsageError } from './lib/cli';

const repo = fileURLToPath(new URL('..', import.meta.url));
/** The pages every deployment has: the form, the follow-up, the console, the no-trace help, the public figures. */
const PAGES = ['/', '/?lang=en', '/seguimiento', '/seguimiento?lang=en', '/console', '/sin-rastro', '/transparencia', NOT_FOUND_PAGE];

const HELP = `Builds this commit and compares it with what a deployment serves: its build manifest, every
asset's bytes, and the pages a worker and a reader open (headers, integrity pins, no other code).

  npm run verify -- <origin> [--worktree] [--admin-key <key>] [--facility <code>] [--page <path>]

  --worktree          build the files as they are now instead of the committed HEAD
  --admin-key KEY     the administrator key the bundles must carry (default: the one the deployment names)
  --facility CODE     also check that plant's form and posters (/f/CODE, /f/CODE/cartel); repeatable
  --page PATH         also check another page; repeatable
  --help              this text

Exit status: 0 identical, 1 something differs, 2 the check could not run.`;

function commandLine(argv: string[]) {
  const { values, positionals } = parseCommandLine(
    argv,
    { worktree: { type: 'boolean' }, 'admin-key': { type: 'string' }, facility: { type: 'string', multiple: true }, page: { type: 'string', multiple: true } },
    HELP,
    { positionals: true },
  );
  if (positionals.length !== 1) throw new UsageError('usage: npm run verify -- <origin> [--worktree] [--admin-key <key>] [--facility <code>] [--page <path>]');
  let origin: string;
  try {
    origin = new URL(positionals[0]!).origin;
  } catch {
    throw new UsageError(`${positionals[0]} is not an origin like https://buzon.example.org`);
  }
  const pages = [...PAGES];
  for (const given of (values.facility ?? []) as string[]) {
    const code = encodeURIComponent(given);
    pages.push(`/f/${code}`, `/f/${code}/cartel`, `/f/${code}/cartel?papel=a4`);
  }
  pages.push(...((values.page ?? []) as string[]));
  return { origin, worktree: values.worktree === true, adminKey: text(values, 'admin-key'), pages };
}

/** The page headers the source in dir sends, computed from that source (the one just built), not from this checkout. */
async function expectedHeaders(dir: string): Promise<Expected> {
  const { contentSecurityPolicy } = (await import(pathToFileURL(join(dir, 'src/lib/csp.ts')).href)) as typeof import('../src/lib/csp');
  const { STYLESHEET } = (await import(pathToFileURL(join(dir, 'src/views/styles.ts')).href)) as typeof import('../src/views/styles');
  return { csp: await Promise.all([false, true].map((play) => contentSecurityPolicy(STYLESHEET, { play }))) };
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

  const dir = exportTree(repo, opts.worktree ? 'worktree' : 'head', 'buzon-verify-');
  let local: BuildManifest;
  let expected: Expected;
  try {
    local = buildTree(dir, { commit, adminSignPk });
    expected = await expectedHeaders(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const served = await fetchServed(opts.origin, manifest, Object.keys(local.assets), opts.pages);

  const differences = deploymentDifferences(local, served, opts.origin, expected);
  for (const d of differences) console.log(`differs: ${d.file}: ${d.reason}`);
  const files = new Set(differences.map((d) => d.file));
  if (files.size === 0) {
    console.log(`identical: ${served.assets.size} assets, ${opts.pages.length} pages and the manifest match the local build`);
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

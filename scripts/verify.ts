/**
 * `npm run verify -- <origin>`: builds this commit in a temporary directory and compares it with
 * what <origin> serves: /.well-known/buzon-build.json, every asset's bytes, and the integrity pins
 * of the pages a worker and a reader open. Prints "identical", or each file that differs.
 * Exit code 0 when identical, 1 when something differs, 2 when the check could not run.
 *
 *   --worktree          build the files as they are now instead of the committed HEAD
 *   --admin-key <key>   the administrator key the bundles must carry (default: the one the deployment names)
 *   --facility <code>   also check that plant's form and posters (/f/<code>, /f/<code>/cartel)
 *   --page <path>       also check another page
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sourceCommit, type BuildManifest } from './lib/build-manifest.mjs';
import { MANIFEST_PATH, deploymentDifferences, type Served } from './lib/deployment-diff';
import { buildTree, exportTree } from './lib/source-tree';

const repo = fileURLToPath(new URL('..', import.meta.url));
/** The pages every deployment has: the form, the follow-up, the console, the no-trace help, the public figures. */
const PAGES = ['/', '/?lang=en', '/seguimiento', '/seguimiento?lang=en', '/console', '/sin-rastro', '/transparencia'];

function parseArgs(argv: string[]) {
  const opts = { origin: '', worktree: false, adminKey: undefined as string | undefined, pages: [...PAGES] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--worktree') opts.worktree = true;
    else if (a === '--admin-key') opts.adminKey = value();
    else if (a === '--facility') {
      const code = encodeURIComponent(value());
      opts.pages.push(`/f/${code}`, `/f/${code}/cartel`, `/f/${code}/cartel?papel=a4`);
    } else if (a === '--page') opts.pages.push(value());
    else if (!a.startsWith('--') && !opts.origin) opts.origin = new URL(a).origin;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!opts.origin) throw new Error('usage: npm run verify -- <origin> [--worktree] [--admin-key <key>] [--facility <code>] [--page <path>]');
  return opts;
}

async function fetchManifest(origin: string): Promise<Served['manifest']> {
  const res = await fetch(origin + MANIFEST_PATH);
  if (!res.ok) return { error: `answered ${res.status}` };
  try {
    return (await res.json()) as BuildManifest;
  } catch {
    return { error: 'is not JSON' };
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const manifest = await fetchManifest(opts.origin);
  const adminSignPk = opts.adminKey ?? ('error' in manifest ? '' : manifest.adminSignPk);
  const commit = opts.worktree ? sourceCommit(repo, {}) : execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  console.log(`verify: ${opts.origin} against a local build of ${commit}${opts.worktree ? ' (working tree)' : ''} with ADMIN_SIGN_PK ${adminSignPk || '(none)'}`);
  if (!opts.adminKey) console.log('verify: that key is the one the deployment names; check it against the key your administrator published, or pass --admin-key');
  if (!('error' in manifest) && manifest.commit !== commit) console.log(`verify: the deployment says it was built from ${manifest.commit}; check that commit out to compare like with like`);

  const dir = exportTree(repo, opts.worktree ? 'worktree' : 'head', 'buzon-verify-');
  let local: BuildManifest;
  try {
    local = buildTree(dir, { commit, adminSignPk });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const served: Served = { manifest, assets: new Map(), pages: new Map() };
  const assetPaths = new Set([...Object.keys(local.assets), ...('error' in manifest ? [] : Object.keys(manifest.assets ?? {}))]);
  for (const path of assetPaths) {
    const res = await fetch(opts.origin + path);
    served.assets.set(path, res.ok ? new Uint8Array(await res.arrayBuffer()) : res.status);
  }
  for (const path of opts.pages) {
    const res = await fetch(opts.origin + path);
    served.pages.set(path, res.ok ? await res.text() : res.status);
  }

  const differences = deploymentDifferences(local, served, opts.origin);
  for (const d of differences) console.log(`differs: ${d.file}: ${d.reason}`);
  const files = new Set(differences.map((d) => d.file));
  if (files.size === 0) {
    console.log(`identical: ${assetPaths.size} assets, ${opts.pages.length} pages and the manifest match the local build`);
    return 0;
  }
  console.log(`${files.size} file${files.size === 1 ? ' differs' : 's differ'}: ${[...files].join(', ')}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`verify: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);

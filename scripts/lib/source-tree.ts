/**
 * @module A clean copy of the source in a temporary directory, and its build: what `npm run verify`
 * compares a deployment with, and how the reproducibility test builds twice in two places.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BuildManifest } from './build-manifest.mjs';

/**
 * `head`: the committed tree of HEAD (git archive), which is what a deployment of this commit was
 * built from. `worktree`: the files as they are now, tracked and untracked but not ignored (for
 * tests and for checking a change before committing it).
 */
export type TreeSource = 'head' | 'worktree';

export function exportTree(repo: string, source: TreeSource, prefix = 'buzon-src-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (source === 'head') {
    execFileSync('sh', ['-c', 'git -C "$1" archive --format=tar HEAD | tar -x -C "$2"', 'sh', repo, dir]);
  } else {
    const files = execFileSync('git', ['-C', repo, 'ls-files', '-co', '--exclude-standard', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const file of files) {
      if (!existsSync(join(repo, file))) continue; // deleted but not yet committed
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      copyFileSync(join(repo, file), join(dir, file));
    }
  }
  // The same installed packages (package-lock.json pins them); the bundles carry no path to them.
  symlinkSync(realpathSync(join(repo, 'node_modules')), join(dir, 'node_modules'));
  return dir;
}

/** Runs `npm run build`'s script in dir for a given commit name and administrator key; returns its manifest. */
export function buildTree(dir: string, opts: { commit: string; adminSignPk: string; env?: Record<string, string> }): BuildManifest {
  execFileSync('node', ['scripts/build.mjs'], {
    cwd: dir,
    env: { ...process.env, ...opts.env, BUZON_COMMIT: opts.commit, ADMIN_SIGN_PK: opts.adminSignPk },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return JSON.parse(readFileSync(join(dir, 'build/buzon-build.json'), 'utf8')) as BuildManifest;
}

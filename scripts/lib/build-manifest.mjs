// The build manifest (served at /.well-known/buzon-build.json): which commit and administrator key
// the bundles were built from, and the hashes of every file under public/assets/. Nothing in it
// depends on the time or the directory of the build, so two builds of one commit match byte for byte.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const MANIFEST_FORMAT = 'buzon-build/1';

/**
 * The commit a build names: BUZON_COMMIT if set (a build from an exported tree has no .git), else
 * `git rev-parse HEAD` with "-dirty" when tracked files differ from it, else "unknown".
 */
export function sourceCommit(dir, env = process.env) {
  if (env.BUZON_COMMIT) return env.BUZON_COMMIT;
  try {
    const git = (...args) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = git('rev-parse', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') ? `${head}-dirty` : head;
  } catch {
    return 'unknown';
  }
}

/** sha256 (hex) and sha384 (in the `integrity` attribute's form) of some bytes. */
export function digests(bytes) {
  return {
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sha384: `sha384-${createHash('sha384').update(bytes).digest('base64')}`,
  };
}

/** Every file in assetsDir by its served path (/assets/<name>), sorted so the JSON is stable. */
export function hashAssets(assetsDir) {
  const names = readdirSync(assetsDir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
  return Object.fromEntries(names.map((name) => [`/assets/${name}`, digests(readFileSync(join(assetsDir, name)))]));
}

export function buildManifest({ commit, adminSignPk, tools, assetsDir }) {
  return { format: MANIFEST_FORMAT, commit, adminSignPk, tools, assets: hashAssets(assetsDir) };
}

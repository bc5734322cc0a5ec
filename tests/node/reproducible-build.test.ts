/**
 * Reproducible bundles: two builds of the same source and administrator key, in two directories
 * with different paths, time zones and locales, give byte-identical public/assets/ and the same
 * manifest; the manifest's hashes are those of the files; another key gives other bundles, and the
 * manifest names it.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { BuildManifest } from '../../scripts/lib/build-manifest.mjs';
import { buildTree, exportTree } from '../../scripts/lib/source-tree';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const KEY_A = Buffer.alloc(32, 1).toString('base64url');
const KEY_B = Buffer.alloc(32, 2).toString('base64url');
const dirs: string[] = [];

function built(prefix: string, adminSignPk: string, env: Record<string, string> = {}): { dir: string; manifest: BuildManifest; files: Map<string, Buffer> } {
  const dir = exportTree(repo, 'worktree', prefix);
  dirs.push(dir);
  const manifest = buildTree(dir, { commit: 'test-commit', adminSignPk, env });
  const assets = join(dir, 'public/assets');
  const files = new Map(readdirSync(assets).sort().map((name) => [name, readFileSync(join(assets, name))]));
  return { dir, manifest, files };
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('reproducible build', () => {
  it('should give byte-identical assets and manifests from two directories', { timeout: 120_000 }, () => {
    const one = built('buzon-build-a-', KEY_A, { TZ: 'America/Mexico_City', LANG: 'es_MX.UTF-8' });
    const two = built('buzon-build-second-copy-with-a-longer-path-', KEY_A, { TZ: 'Pacific/Kiritimati', LANG: 'C' });
    expect(one.dir).not.toBe(two.dir);
    expect([...one.files.keys()]).toEqual([...two.files.keys()]);
    expect([...one.files.keys()]).toEqual(expect.arrayContaining(['report.js', 'follow-up.js', 'console.js', 'no-trace.js', 'console.css', 'trends.css']));
    for (const [name, bytes] of one.files) expect(bytes.equals(two.files.get(name)!), name).toBe(true);
    expect(JSON.stringify(two.manifest)).toBe(JSON.stringify(one.manifest));

    // Nothing about where or when it was built: no build path, no time.
    for (const [name, bytes] of one.files) {
      const text = bytes.toString('latin1');
      for (const path of [one.dir, repo.replace(/\/$/, ''), '/tmp/', '/node_modules/', '/work/']) expect(text.includes(path), `${name} holds ${path}`).toBe(false);
    }
    const manifestText = JSON.stringify(one.manifest);
    expect(manifestText).not.toMatch(/20\d\d-\d\d-\d\d|\/tmp\//);

    // The manifest names exactly these files with their hashes, the commit and the key.
    expect(Object.keys(one.manifest.assets)).toEqual([...one.files.keys()].map((n) => `/assets/${n}`));
    for (const [name, bytes] of one.files) {
      expect(one.manifest.assets[`/assets/${name}`]).toEqual({
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        sha384: `sha384-${createHash('sha384').update(bytes).digest('base64')}`,
      });
    }
    expect(one.manifest).toMatchObject({ format: 'buzon-build/1', commit: 'test-commit', adminSignPk: KEY_A, tools: { esbuild: '0.27.3' } });
  });

  it('should build another administrator key into the reader-list checks, and name it', { timeout: 120_000 }, () => {
    const a = built('buzon-key-a-', KEY_A);
    const b = built('buzon-key-b-', KEY_B);
    expect(b.manifest.adminSignPk).toBe(KEY_B);
    const changed = [...a.files.keys()].filter((name) => !a.files.get(name)!.equals(b.files.get(name)!));
    expect(changed).toEqual(expect.arrayContaining(['console.js', 'follow-up.js']));
    expect(changed).not.toContain('no-trace.js');
    for (const name of changed) expect(b.files.get(name)!.toString('latin1')).toContain(KEY_B);
  });
});

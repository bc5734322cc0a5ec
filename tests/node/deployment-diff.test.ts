/**
 * What `npm run verify` reports for each way a deployment can differ from the local build, on
 * made-up inputs (the real end-to-end run is tests/e2e/verify-deployment.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { digests, type BuildManifest } from '../../scripts/lib/build-manifest.mjs';
import { deploymentDifferences, type Served } from '../../scripts/lib/deployment-diff';

const origin = 'https://buzon.example';
const js = new TextEncoder().encode('console.log(1)');
const css = new TextEncoder().encode('p{}');
const local: BuildManifest = {
  format: 'buzon-build/1',
  commit: 'abc',
  adminSignPk: 'K',
  tools: { esbuild: '0.27.3' },
  assets: { '/assets/a.js': digests(js), '/assets/b.css': digests(css) },
};
const page = `<html><head><link rel="stylesheet" href="/assets/b.css" integrity="${local.assets['/assets/b.css']!.sha384}"><script type="module" src="/assets/a.js" integrity="${local.assets['/assets/a.js']!.sha384}"></script></head></html>`;

function served(change: (s: Served) => void = () => {}): Served {
  const s: Served = {
    manifest: structuredClone(local),
    assets: new Map<string, Uint8Array | number>([['/assets/a.js', js], ['/assets/b.css', css]]),
    pages: new Map<string, string | number>([['/', page]]),
  };
  change(s);
  return s;
}
const files = (s: Served) => deploymentDifferences(local, s, origin).map((d) => d.file);

describe('deployment differences', () => {
  it('should find none when everything matches', () => {
    expect(deploymentDifferences(local, served(), origin)).toEqual([]);
  });

  it('should name a changed asset, a missing one and an extra one', () => {
    expect(files(served((s) => s.assets.set('/assets/a.js', new TextEncoder().encode('console.log(2)'))))).toEqual(['/assets/a.js']);
    expect(files(served((s) => s.assets.set('/assets/b.css', 404)))).toEqual(['/assets/b.css']);
    expect(files(served((s) => s.assets.set('/assets/extra.js', js)))).toEqual(['/assets/extra.js']);
  });

  it('should name the manifest when its commit, key, tools or any hash differ, or it is missing', () => {
    for (const change of [
      (m: BuildManifest) => (m.commit = 'def'),
      (m: BuildManifest) => (m.adminSignPk = 'other'),
      (m: BuildManifest) => (m.tools = { esbuild: '0.27.4' }),
      (m: BuildManifest) => (m.assets['/assets/a.js'] = digests(css)),
      (m: BuildManifest) => delete m.assets['/assets/b.css'],
    ]) {
      expect(files(served((s) => change(s.manifest as BuildManifest)))).toEqual(['/.well-known/buzon-build.json']);
    }
    expect(files(served((s) => (s.manifest = { error: 'answered 404' })))).toEqual(['/.well-known/buzon-build.json']);
  });

  it('should name a page that pins another hash, loads an unpinned or foreign script, or did not load', () => {
    const repinned = page.replace(local.assets['/assets/a.js']!.sha384, digests(css).sha384);
    expect(files(served((s) => s.pages.set('/', repinned)))).toEqual(['/']);
    expect(files(served((s) => s.pages.set('/', page.replace(/ integrity="[^"]*"><\/script>/, '></script>'))))).toEqual(['/']);
    expect(files(served((s) => s.pages.set('/', `${page}<script src="https://evil.example/x.js"></script>`)))).toEqual(['/']);
    expect(files(served((s) => s.pages.set('/seguimiento', 503)))).toEqual(['/seguimiento']);
  });
});

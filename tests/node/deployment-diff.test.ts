/**
 * What `npm run verify` reports for each way a deployment can differ from the local build, on
 * made-up inputs (the real end-to-end run is tests/e2e/verify-deployment.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { digests, type BuildManifest } from '../../scripts/lib/build-manifest.mjs';
import { deploymentDifferences, type Served, type ServedPage } from '../../scripts/lib/deployment-diff';

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

const csp = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'";
const expected = { csp: [csp, `${csp}; media-src blob:`] };
const at = (html: string) => ({ html, csp });

function served(change: (s: Served) => void = () => {}): Served {
  const s: Served = {
    manifest: structuredClone(local),
    assets: new Map<string, Uint8Array | number>([['/assets/a.js', js], ['/assets/b.css', css]]),
    pages: new Map<string, ServedPage | number>([['/', at(page)]]),
  };
  change(s);
  return s;
}
const files = (s: Served) => [...new Set(deploymentDifferences(local, s, origin, expected).map((d) => d.file))];

describe('deployment differences', () => {
  it('should find none when everything matches', () => {
    expect(deploymentDifferences(local, served(), origin, expected)).toEqual([]);
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
    expect(files(served((s) => s.pages.set('/', at(repinned))))).toEqual(['/']);
    expect(files(served((s) => s.pages.set('/', at(page.replace(/ integrity="[^"]*"><\/script>/, '></script>')))))).toEqual(['/']);
    expect(files(served((s) => s.pages.set('/', at(`${page}<script src="https://evil.example/x.js"></script>`))))).toEqual(['/']);
    expect(files(served((s) => s.pages.set('/seguimiento', 503)))).toEqual(['/seguimiento']);
  });

  it('should name a page whose Content-Security-Policy is missing or looser than the build\'s', () => {
    expect(files(served((s) => s.pages.set('/', { html: page, csp: `${csp}; media-src blob:` })))).toEqual([]);
    for (const policy of [null, `${csp} 'unsafe-inline'`, "default-src 'none'; script-src 'self' https://evil.example 'wasm-unsafe-eval'", `${csp}; connect-src *`]) {
      expect(files(served((s) => s.pages.set('/', { html: page, csp: policy })))).toEqual(['/']);
    }
  });

  it('should name a page that runs code besides its pinned scripts, however the markup hides it', () => {
    const pin = local.assets['/assets/a.js']!.sha384;
    const head = page.replace('</head></html>', '');
    for (const extra of [
      // A quoted decoy: a loose reader takes the first src=" it sees, the browser loads /evil.js.
      `<script data-x=' src="/assets/a.js" integrity="${pin}"' src="/evil.js"></script>`,
      `<script src="/evil.js" data-x=" src=&quot;/assets/a.js&quot;"></script>`,
      `<script/src="/evil.js"></script>`,
      `<script src=/evil.js></script>`,
      // Raw text a browser ends early: the script is inside an attribute for a loose reader only.
      `<title><img alt="</title><script src=/evil.js></script>"></title>`,
      `<noscript><p title="</noscript><script src=/evil.js></script>"></p></noscript>`,
      `<!-- --><script src="/evil.js"></script>`,
      '<img src="/x.png" onerror="fetch(\'/evil\')">',
      '<body onload="alert(1)">',
      '<a href=" java\tscript:alert(1)">x</a>',
      '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
      '<iframe src="/evil.html"></iframe>',
      '<base href="https://evil.example/">',
      '<link rel="serviceworker" href="/sw.js">',
      `<script type="module" src="/assets/a.js" integrity="${pin}">alert(1)</script>`,
      `<script type="module" src="/assets/a.js" integrity="${pin}" src="/evil.js"></script>`,
      '<p title="&#106;avascript">x</p>',
      // What the constancia panel once read to load the QR drawer: a script and pin the page chose.
      '<div id="constancia-panel" data-qr-src="/evil.js" data-qr-integrity="sha384-x" hidden></div>',
    ]) {
      expect(files(served((s) => s.pages.set('/', at(`${head}${extra}</head></html>`)))), extra).toEqual(['/']);
    }
  });
});

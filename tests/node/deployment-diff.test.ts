/**
 * What `npm run verify` reports for each way a deployment can differ from the local build and from
 * what the build's Worker serves locally, on made-up inputs (the real end-to-end run, with a
 * tampering proxy in front of wrangler dev, is tests/e2e/verify-deployment.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { digests, type BuildManifest } from '../../scripts/lib/build-manifest.mjs';
import { deploymentDifferences, type Served, type ServedPage } from '../../scripts/lib/deployment-diff';
import { nativeForms, pageSkeleton, type HeaderSet } from '../../scripts/lib/page-skeleton';

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

const csp = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'none'; form-action 'none'";
const pageHeaders = (): HeaderSet => ({ 'content-security-policy': [csp], 'cache-control': ['no-store'], 'referrer-policy': ['no-referrer'], 'content-type': ['text/html; charset=UTF-8'] });
const at = (html: string): ServedPage => ({ html });

function served(change: (s: Served) => void = () => {}): Served {
  const s: Served = {
    manifest: structuredClone(local),
    assets: new Map<string, Uint8Array | number>([['/assets/a.js', js], ['/assets/b.css', css]]),
    pages: new Map<string, ServedPage | number>([['/', at(page)], ['/seguimiento', at(page)]]),
    headers: new Map([['/', pageHeaders()], ['/seguimiento', pageHeaders()], ['/assets/a.js', { 'cache-control': ['no-store'] }]]),
  };
  change(s);
  return s;
}
/** What the build's Worker, run locally, answers: the same pages and headers. */
const reference = served();
const files = (s: Served) => [...new Set(deploymentDifferences(local, s, origin, reference).map((d) => d.file))];
const reasons = (s: Served) => deploymentDifferences(local, s, origin, reference).map((d) => `${d.file}: ${d.reason}`);

describe('deployment differences', () => {
  it('should find none when everything matches', () => {
    expect(deploymentDifferences(local, served(), origin, reference)).toEqual([]);
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

  it('should name a page whose Content-Security-Policy is missing or not the one the local Worker sends', () => {
    for (const policy of [undefined, `${csp} 'unsafe-inline'`, csp.replace("form-action 'none'", "form-action 'self'"), csp.replace("; worker-src 'none'", ''), `${csp}; connect-src *`]) {
      expect(files(served((s) => (s.headers.get('/')!['content-security-policy'] = policy ? [policy] : undefined!)))).toEqual(['/']);
    }
  });

  it('should name every header a page or an asset sends differently: a Refresh, a cookie, caching, referrer, permissions, HSTS', () => {
    const changed = (path: string, name: string, value: string | null) =>
      reasons(
        served((s) => {
          const h = s.headers.get(path)!;
          if (value === null) delete h[name];
          else h[name] = [value];
        }),
      );
    expect(changed('/', 'refresh', '0; url=https://evil.example/')).toEqual(['/: sends refresh "0; url=https://evil.example/", the local build sends none']);
    expect(changed('/seguimiento', 'set-cookie', 'seen=1')).toEqual(['/seguimiento: sends set-cookie "seen=1", the local build sends none']);
    expect(changed('/', 'cache-control', 'public, max-age=60')).toEqual(['/: sends cache-control "public, max-age=60", the local build sends "no-store"']);
    expect(changed('/', 'referrer-policy', null)).toEqual(['/: sends referrer-policy none, the local build sends "no-referrer"']);
    expect(changed('/', 'permissions-policy', 'microphone=*')).toEqual(['/: sends permissions-policy "microphone=*", the local build sends none']);
    expect(changed('/', 'strict-transport-security', 'max-age=0')).toEqual(['/: sends strict-transport-security "max-age=0", the local build sends none']);
    expect(changed('/assets/a.js', 'set-cookie', 'seen=1')).toEqual(['/assets/a.js: sends set-cookie "seen=1", the local build sends none']);
  });

  it('should name a validator or a Vary the local build does not send, and an asset tagged anew for each visitor: a per-visitor ETag tracks a phone like a cookie', () => {
    const withHeader = (path: string, name: string, value: string) => served((s) => (s.headers.get(path)![name] = [value]));
    expect(reasons(withHeader('/', 'etag', '"v-5f2c"'))).toEqual(['/: sends etag "\\"v-5f2c\\"", the local build sends none']);
    expect(reasons(withHeader('/seguimiento', 'last-modified', 'Mon, 07 Dec 2026 20:00:01 GMT'))).toEqual(['/seguimiento: sends last-modified "Mon, 07 Dec 2026 20:00:01 GMT", the local build sends none']);
    expect(reasons(withHeader('/', 'vary', 'cookie'))).toEqual(['/: sends vary "cookie", the local build sends none']);
    // An asset's ETag is kept only when two fresh requests got two (scripts/lib/deployment-fetch.ts).
    expect(reasons(served((s) => (s.headers.get('/assets/a.js')!.etag = ['"v-1"', '"v-2"'])))).toEqual([
      '/assets/a.js: sends etag "\\"v-1\\"", "\\"v-2\\"" to two fresh requests for the same bytes: a tag for each visitor',
    ]);
  });

  it('should name a page whose forms could post natively where the local page has no such form', () => {
    const withForm = (form: string) => page.replace('</head></html>', `</head><body>${form}<input name="receipt"></form></body></html>`);
    const ref = served((s) => s.pages.set('/', at(withForm('<form id="open-case" novalidate="">'))));
    for (const form of ['<form id="open-case" novalidate="" method="post" action="/">', '<form id="open-case" novalidate="" action="https://evil.example/">']) {
      const found = deploymentDifferences(local, served((s) => s.pages.set('/', at(withForm(form)))), origin, ref);
      expect(found.map((d) => d.file)).toContain('/');
      expect(found.map((d) => d.reason).join('\n')).toMatch(/^has forms <form method="(?:post|get)" action="(?:\/|https:\/\/evil\.example\/)">, the local build's page has <form method="get" action="">/m);
    }
    const second = withForm('<form id="open-case" novalidate=""></form><form method="post" action="/x">');
    expect(nativeForms(second)).toEqual(['<form method="get" action="">', '<form method="post" action="/x">']);
    expect(files(served((s) => s.pages.set('/', at(second))))).toEqual(['/']);
    expect(nativeForms('<form><button formaction="/x" formmethod="post">')).toEqual(['<form method="get" action="">', '<button formaction="/x">', '<button formmethod="post">']);
  });

  it('should compare the markup skeleton, not the text, and read a chart as data unless it links or loads', () => {
    expect(pageSkeleton('<p class="a">Planta Uno</p>')).toEqual(pageSkeleton('<p class="a">Planta Dos, otra</p>'));
    expect(pageSkeleton('<p class="a">x</p>')).not.toEqual(pageSkeleton('<p class="b">x</p>'));
    expect(pageSkeleton('<p>x</p>')).not.toEqual(pageSkeleton('<p>x<a href="https://evil.example/">y</a></p>'));
    const chart = (inner: string) => `<svg viewBox="0 0 760 328" width="760"><rect x="1" y="2" width="3" height="4" fill="#111"><title>a: 3</title></rect>${inner}</svg>`;
    expect(pageSkeleton(chart('<text x="5" y="6">7</text><line x1="0" x2="9" y1="1" y2="1" stroke="#000"/>'))).toEqual(pageSkeleton(chart('')));
    for (const hidden of ['<a href="https://evil.example/"><text>x</text></a>', '<image href="/x.png"/>', '<rect onclick="x()"/>', '<foreignObject></foreignObject>', '<rect style="fill:url(https://evil.example/)"/>']) {
      expect(pageSkeleton(chart(hidden)), hidden).not.toEqual(pageSkeleton(chart('')));
    }
    expect(files(served((s) => s.pages.set('/seguimiento', at(page.replace('</head>', '<meta name="x" content="y"></head>')))))).toEqual(['/seguimiento']);
  });

  it('should name a page the deployment serves that the local Worker does not render', () => {
    expect(reasons(served((s) => s.pages.set('/extra', at(page))))).toEqual(["/extra: is served, but the local build's Worker answered nothing"]);
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

  it("should check libsodium's wasm like every asset: its bytes, its listing and its headers", () => {
    const wasm = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    const path = '/assets/libsodium-0123456789abcdef.wasm';
    const withWasm: BuildManifest = { ...local, assets: { ...local.assets, [path]: digests(wasm) } };
    const servedWasm = (change: (s: Served) => void = () => {}) =>
      served((s) => {
        s.manifest = structuredClone(withWasm);
        s.assets.set(path, wasm);
        s.headers.set(path, { 'cache-control': ['no-store'], 'content-type': ['application/wasm'] });
        change(s);
      });
    const ref = servedWasm();
    const named = (s: Served) => [...new Set(deploymentDifferences(withWasm, s, origin, ref).map((d) => d.file))];
    expect(named(servedWasm())).toEqual([]);
    expect(named(servedWasm((s) => s.assets.set(path, new Uint8Array([...wasm, 0]))))).toEqual([path]);
    expect(named(servedWasm((s) => s.assets.set(path, 404)))).toEqual([path]);
    expect(named(servedWasm((s) => (s.headers.get(path)!['cache-control'] = ['public, max-age=31536000'])))).toEqual([path]);
    expect(named(servedWasm((s) => delete (s.manifest as BuildManifest).assets[path]))).toEqual(['/.well-known/buzon-build.json']);
  });
});

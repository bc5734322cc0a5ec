/**
 * `npm run verify` against real wrangler dev serving a built copy of this source, behind a local
 * proxy that plays a malicious deployment: "identical" while the proxy passes everything through,
 * and, when it tampers, each tampered page, header and bundle named with a `differs:` line (exit code
 * 1): a page without its bundle whose form posts the report natively, a second native form for the
 * receipt code, a Refresh header, changed Set-Cookie, Cache-Control, Referrer-Policy,
 * Permissions-Policy, Strict-Transport-Security and Content-Security-Policy, a per-visitor ETag on a
 * page and on a bundle and a Vary that keys answers on the visitor's cookie, the constancia page, a
 * plant's form and poster, an English page, and one byte of one bundle (which real Chromium then
 * also refuses to run: Subresource Integrity). The proxy always does what Cloudflare's edge does to a
 * compressed answer (a weak ETag, Vary: Accept-Encoding), which is no difference. One build and one
 * server serve every case; the plant's reader list is signed by the administrator the build names.
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminFile } from '../../scripts/lib/admin-key';
import { launchChromium } from '../../scripts/lib/browser';
import { sourceCommit } from '../../scripts/lib/build-manifest.mjs';
import { prepareState, startDevServer, type DevServer } from '../../scripts/lib/dev-server';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import { buildTree, exportTree } from '../../scripts/lib/source-tree';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));
/**
 * An administrator of the served build's own, not the demo's in .dev.vars, so verify must take its key
 * from the manifest to match; it signs the demo plant's reader list, which is what makes / offer the plant.
 */
let adminKey: string;

interface Answer {
  headers: Headers;
  body: Buffer;
}
type Tamper = (a: Answer) => void;

/** Replaces text in an HTML answer, and fails the test if the text was not there (the tamper would be a no-op). */
const html =
  (...edits: [string | RegExp, string][]): Tamper =>
  (a) => {
    let page = a.body.toString('utf8');
    for (const [from, to] of edits) {
      const next = page.replace(from, to);
      if (next === page) throw new Error(`tamper: ${String(from)} not found`);
      page = next;
    }
    a.body = Buffer.from(page);
  };
const header =
  (name: string, value: string): Tamper =>
  (a) =>
    name === 'set-cookie' ? a.headers.append(name, value) : a.headers.set(name, value);
/** A validator of its own for each request: a browser that keeps the answer sends it back (If-None-Match), naming the device. */
const visitorEtag: Tamper = (a) => a.headers.set('etag', `W/"${randomBytes(12).toString('hex')}"`);

/** What the malicious deployment changes, by request path; verify must name exactly these. */
const TAMPERED: Record<string, { tamper: Tamper; named: RegExp }> = {
  // No bundle at all, and a plain form that posts the report's fields as typed.
  '/': {
    tamper: html([/<script type="module" src="\/assets\/report\.js"[^>]*><\/script>/, ''], ['<form id="report" class="needs-script" novalidate=""', '<form id="report" class="needs-script" method="post" action="/"'], ['<textarea id="description"', '<textarea name="description" id="description"']),
    named: /^differs: \/: has forms <form method="post" action="\/">, the local build's page has <form method="get" action="">/m,
  },
  // The bundle kept, the receipt code moved to a second form that posts natively.
  '/seguimiento': {
    tamper: html([/<input type="text" id="receipt-code"[^>]*\/>/, ''], ['</form>', '</form><form method="post" action="/seguimiento"><input type="text" id="receipt-code" name="receipt"/></form>']),
    named: /^differs: \/seguimiento: has forms <form method="get" action=""> <form method="post" action="\/seguimiento">/m,
  },
  '/sin-rastro': { tamper: header('refresh', '0; url=https://evil.example/'), named: /^differs: \/sin-rastro: sends refresh "0; url=https:\/\/evil\.example\/", the local build sends none$/m },
  '/transparencia': { tamper: header('set-cookie', 'seen=1; Path=/'), named: /^differs: \/transparencia: sends set-cookie "seen=1; Path=\/", the local build sends none$/m },
  '/console': { tamper: header('cache-control', 'public, max-age=600'), named: /^differs: \/console: sends cache-control "public, max-age=600", the local build sends "no-store"$/m },
  '/seguimiento?lang=en': { tamper: header('referrer-policy', 'unsafe-url'), named: /^differs: \/seguimiento\?lang=en: sends referrer-policy "unsafe-url", the local build sends "no-referrer"$/m },
  '/sin-rastro?lang=en': { tamper: header('permissions-policy', 'microphone=*'), named: /^differs: \/sin-rastro\?lang=en: sends permissions-policy "microphone=\*", the local build sends "geolocation=\(\)/m },
  // Over http the source sends no HSTS; a deployment that sends max-age=0 switches it off for the https site.
  '/verify/no-such-page': { tamper: header('strict-transport-security', 'max-age=0'), named: /^differs: \/verify\/no-such-page: sends strict-transport-security "max-age=0", the local build sends none$/m },
  '/console?lang=en': {
    tamper: (a) => a.headers.set('content-security-policy', a.headers.get('content-security-policy')!.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")),
    named: /^differs: \/console\?lang=en: sends content-security-policy ".*'unsafe-inline'.*", the local build sends "/m,
  },
  '/constancia': { tamper: html(['action="/constancia?lang=es"', 'action="https://evil.example/constancia"']), named: /^differs: \/constancia: has forms <form method="post" action="https:\/\/evil\.example\/constancia">/m },
  // The plant's own form, the poster's QR target, without its quick exit.
  '/f/demo': { tamper: html([/<a id="quick-exit"[^>]*>[^<]*<\/a>/, '']), named: /^differs: \/f\/demo: its markup parts from the local build's at tag \d+ of \d+: served <\/nav>, the local build has <a [^>]*id="quick-exit"/m },
  // The answer to the constancia form's native POST.
  'POST /constancia': { tamper: html(['<main>', '<main><img src="/assets/seen.png" alt="">']), named: /^differs: POST \/constancia: its markup parts from the local build's at tag \d+ of \d+: served <img alt="" src="\/assets\/seen\.png">/m },
  // The poster's QR code leads elsewhere.
  '/f/demo/cartel': {
    tamper: html([/<img class="qr" src="[^"]*"/, `<img class="qr" src="data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64')}"`]),
    named: /^differs: \/f\/demo\/cartel: its markup parts from the local build's at tag \d+ of \d+: served <img alt="[^"]*" class="qr" src="data:image\/svg\+xml;base64,PHN2/m,
  },
  '/?lang=en': { tamper: html(['<main>', '<main><p><a href="https://evil.example/help">Help</a></p>']), named: /^differs: \/\?lang=en: its markup parts from the local build's at tag \d+ of \d+: served <p>, the local build has /m },
  // A tracking ETag on a page that sends none, and on a bundle in place of its platform-made one.
  '/f/demo?lang=en': { tamper: visitorEtag, named: /^differs: \/f\/demo\?lang=en: sends etag "\\"[0-9a-f]{24}\\"", the local build sends none$/m },
  '/assets/report.js': { tamper: visitorEtag, named: /^differs: \/assets\/report\.js: sends etag "\\"[0-9a-f]{24}\\"", "\\"[0-9a-f]{24}\\"" to two fresh requests for the same bytes/m },
  '/transparencia?lang=en': { tamper: header('vary', 'Accept-Encoding, Cookie'), named: /^differs: \/transparencia\?lang=en: sends vary "cookie", the local build sends none$/m },
  '/assets/follow-up.js': {
    tamper: (a) => {
      const at = a.body.length >> 1;
      a.body[at] = a.body[at]! ^ 0x01;
    },
    named: /^differs: \/assets\/follow-up\.js: served bytes have sha256 /m,
  },
};

let copy: string;
let stateDir: string;
let server: DevServer;
let proxy: Server;
let origin: string;
let tampering = false;

/** The request as the browser sent it, to the served copy; the answer, tampered with if asked. */
async function relay(req: IncomingMessage): Promise<{ status: number; answer: Answer }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (name !== 'host' && typeof value === 'string') headers.set(name, value);
  const res = await fetch(new URL(req.url!, server.url), { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined, redirect: 'manual' });
  const answer = { headers: new Headers(res.headers), body: Buffer.from(await res.arrayBuffer()) };
  answer.headers.delete('content-length');
  answer.headers.delete('content-encoding');
  // What Cloudflare's edge does to every answer it compresses: not a difference.
  const etag = answer.headers.get('etag');
  if (etag && !etag.startsWith('W/')) answer.headers.set('etag', `W/${etag}`);
  answer.headers.append('vary', 'Accept-Encoding');
  if (tampering) TAMPERED[`${req.method === 'POST' ? 'POST ' : ''}${req.url!}`]?.tamper(answer);
  return { status: res.status, answer };
}

async function verify(): Promise<{ code: number; stdout: string; differing: string[] }> {
  const result = await run('npx', ['tsx', 'scripts/verify.ts', origin, '--worktree'], { cwd: repo }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: `${error.stdout}${error.stderr}` }),
  );
  const differing = [...new Set([...result.stdout.matchAll(/^differs: ((?:POST )?\S+):/gm)].map((m) => m[1]!))];
  return { ...result, differing };
}

/** Console messages of a page load in Chromium: SRI failures show up there. */
async function consoleOf(url: string): Promise<string[]> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const messages: string[] = [];
    page.on('console', (m) => messages.push(m.text()));
    await page.goto(url, { waitUntil: 'load' });
    return messages;
  } finally {
    await browser.close();
  }
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'buzon-'));
  const adminFile = join(stateDir, 'admin.txt');
  adminKey = createAdminFile(await loadNodeSodium(), adminFile).publicKey;
  copy = exportTree(repo, 'worktree', 'buzon-served-');
  buildTree(copy, { commit: sourceCommit(repo, {}), adminSignPk: adminKey });
  await prepareState(stateDir, { admin: adminFile });
  proxy = createServer((req, res) => {
    relay(req).then(
      ({ status, answer }) => {
        const cookies = answer.headers.getSetCookie();
        const plain = [...answer.headers].filter(([name]) => name !== 'set-cookie');
        res.writeHead(status, [...plain, ...cookies.map((c) => ['set-cookie', c])].flat());
        res.end(answer.body);
      },
      (error: unknown) => res.writeHead(502).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  // The posters name the origin verify checks, as a deployment's PUBLIC_ORIGIN would; the Worker checks reader lists with the build's key.
  server = await startDevServer({ stateDir, cwd: copy, vars: { PUBLIC_ORIGIN: origin, ADMIN_SIGN_PK: adminKey } });
  // A build, a migrated and seeded state and a wrangler dev: minutes on a loaded 2-core machine.
}, 600_000);

afterAll(async () => {
  await server?.stop();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  for (const dir of [copy, stateDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm run verify', () => {
  it('should call a deployment of this source identical on every page of both languages, and Chromium should run its pinned scripts', async () => {
    tampering = false;
    const result = await verify();
    expect(result.stdout).toContain(`ADMIN_SIGN_PK ${adminKey}`);
    expect(result.stdout).toMatch(/^verify: the pages name 1 plant \(demo \(demo@buzon\.example\.org\)\)/m);
    expect(result.differing).toEqual([]);
    // 8 pages in 2 languages, and the demo plant's form in 2 languages and its poster on 2 papers.
    expect(result.stdout).toMatch(/^identical: \d+ assets, 20 pages and the manifest match the local build$/m);
    expect(result.code).toBe(0);
    expect((await consoleOf(`${origin}/seguimiento`)).filter((m) => m.includes('integrity'))).toEqual([]);
  });

  it('should name each tampered page, header and bundle, and nothing else, and Chromium should refuse the changed bundle', async () => {
    tampering = true;
    const result = await verify();
    expect(result.differing.sort()).toEqual(Object.keys(TAMPERED).sort());
    for (const { named } of Object.values(TAMPERED)) expect(result.stdout).toMatch(named);
    expect(result.stdout).not.toMatch(/^identical/m);
    expect(result.code).toBe(1);
    const refused = (await consoleOf(`${origin}/seguimiento`)).filter((m) => m.includes('integrity'));
    expect(refused.join('\n')).toMatch(/follow-up\.js.*blocked|blocked.*follow-up\.js/s);
  });
});

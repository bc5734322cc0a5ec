/**
 * @module Report page bytes: the HTML compressed, everything transferred until the page can send,
 * and each page's first load from the built files (what check:deploy budgets) before -> after.
 */
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launchChromium } from '../scripts/lib/browser';
import { BUDGETS } from '../scripts/lib/budgets';
import { pageDownloads, totalGzip } from '../scripts/lib/page-weight';

/** Each page's first load (gzip) at 9691e5d, when libsodium's wasm was base64 text inside each bundle. */
const BEFORE = { '/f/demo': 168_052, '/seguimiento': 170_945, '/console': 211_670 } as const;
const BUDGET_OF = { '/f/demo': 'form first load gzip', '/seguimiento': 'follow-up first load gzip', '/console': 'console first load gzip' } as const;

/** What a browser downloads before each page can be used, counted from the built files (scripts/lib/page-weight.ts). */
export async function firstLoads(base: string) {
  const assets = fileURLToPath(new URL('../public/assets/', import.meta.url));
  console.log('\n## First load, gzip (HTML in Spanish, scripts, styles, libsodium\'s wasm)');
  for (const path of Object.keys(BEFORE) as (keyof typeof BEFORE)[]) {
    const html = await (await fetch(`${base}${path}`, { headers: { 'accept-language': 'es-MX' } })).text();
    const list = pageDownloads(path, html, assets);
    const after = totalGzip(list);
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    console.log(`${path}: ${BEFORE[path]} B (${kb(BEFORE[path])}) -> ${after} B (${kb(after)}), budget ${BUDGETS[BUDGET_OF[path]]} B`);
    console.log(`  ${list.map((d) => `${d.path} ${d.gzip} B`).join(', ')}`);
  }
}

export async function pageBytes(base: string) {
  const html = Buffer.from(await (await fetch(`${base}/f/demo`)).arrayBuffer());
  const htmlGzip = gzipSync(html, { level: 6 }).length;

  // What a browser actually transfers (wrangler dev gzips like the edge does) until "send" is enabled.
  const browser = await launchChromium();
  const page = await browser.newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const sizes = new Map<string, number>();
  const urls = new Map<string, string>();
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', (e) => sizes.set(e.requestId, e.encodedDataLength));
  await page.goto(`${base}/f/demo`);
  await page.waitForFunction(() => !(document.getElementById('send') as HTMLButtonElement).disabled);
  await page.waitForTimeout(300);
  await browser.close();
  const transferred = [...sizes.entries()].map(([id, bytes]) => ({ url: urls.get(id)!.replace(base, ''), bytes }));
  const total = transferred.reduce((n, r) => n + r.bytes, 0);
  console.log('\n## Report page bytes');
  console.log(`HTML: ${html.length} B raw, ${htmlGzip} B gzip (target ≤ 14336 B)`);
  for (const r of transferred) console.log(`  ${r.url}: ${r.bytes} B on the wire`);
  console.log(`total transferred until the form can send: ${total} B = ${(total / 1024).toFixed(1)} KB (issue 25 target for the form: ≤ 130 KB gzip)`);
  return { htmlGzip, total };
}

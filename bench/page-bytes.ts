/**
 * @module Report page bytes: the HTML compressed, and everything transferred until the page can send.
 */
import { gzipSync } from 'node:zlib';
import { launchChromium } from '../scripts/lib/browser';

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
  console.log(`total transferred until the form can send: ${total} B = ${(total / 1024).toFixed(1)} KB (target ≤ 188 KB)`);
  return { htmlGzip, total };
}

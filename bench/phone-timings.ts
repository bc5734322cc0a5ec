/**
 * @module Phone-like timings through CDP: slow 4G and a 4x slower CPU.
 */
import { launchChromium, phoneContext } from '../scripts/lib/browser';

const SLOW_4G = { offline: false, latency: 562.5, downloadThroughput: (1.6 * 1024 * 1024) / 8 * 0.9, uploadThroughput: (750 * 1024) / 8 * 0.9 };

export async function phoneTimings(base: string, runs = 3, writingMs = 0) {
  console.log(`\n## Phone-like timings (slow 4G: 562.5 ms RTT, ~184 KB/s down, ~84 KB/s up; CPU 4x slower; send ${writingMs} ms after the form is filled)`);
  const browser = await launchChromium();
  const rows: Array<{ paint: number; ready: number; send: number }> = [];
  for (let i = 0; i < runs; i++) {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.goto(`${base}/f/demo`, { waitUntil: 'commit' });
    await page.waitForSelector('#description');
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
    const paint = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]!.startTime);
    await page.waitForFunction(() => !(document.getElementById('send') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
    const ready = await page.evaluate(() => performance.now());
    await page.check('#cat-intimidation');
    await page.check('#when-this_week');
    await page.fill('#description', 'Medición de tiempo de envío en un teléfono lento.');
    await page.check('#send-to-both');
    // writingMs = 0 sends at once, so the proof of work still running in the background is included.
    if (writingMs) await page.waitForTimeout(writingMs);
    const t0 = Date.now();
    await page.tap('#send');
    await page.waitForSelector('#receipt:not([hidden])', { timeout: 60_000 });
    rows.push({ paint, ready, send: Date.now() - t0 });
    await context.close();
  }
  await browser.close();
  for (const [i, r] of rows.entries()) {
    console.log(`run ${i + 1}: form painted and fillable ${r.paint.toFixed(0)} ms; encryption ready ${r.ready.toFixed(0)} ms; send → receipt ${r.send} ms`);
  }
  const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`median: fillable ${med(rows.map((r) => r.paint)).toFixed(0)} ms, ready ${med(rows.map((r) => r.ready)).toFixed(0)} ms, send → receipt ${med(rows.map((r) => r.send))} ms (target ≤ 2000 ms)`);
  return rows;
}

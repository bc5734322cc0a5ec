/**
 * @module Console benchmarks: sign-in time (Argon2id included) and decrypting and rendering
 * 1,000 reports in headless Chromium.
 */
import { readFileSync } from 'node:fs';
import { launchChromium } from '../scripts/lib/browser';
import { releaseNow } from '../scripts/lib/dev-server';
import type { Sodium } from '../src/crypto';
import { buildSubmission, fetchRecipients, postSubmission } from './submission';

export async function consoleBench(s: Sodium, base: string, stateDir: string, reports = 1000) {
  const recipients = await fetchRecipients(base);
  const subs = [];
  for (let i = 0; i < reports; i++) subs.push(await buildSubmission(s, base, recipients, `Reporte ${i}: nos dijeron que no votáramos por el sindicato nuevo.`));
  for (let i = 0; i < subs.length; i += 25) await Promise.all(subs.slice(i, i + 25).map((sub) => postSubmission(base, sub.json).then((r) => r.arrayBuffer())));
  await releaseNow(stateDir); // the console lists a batch only once it is released

  const [passphrase, , keyId] = readFileSync(`${stateDir}/.demo-monitor.txt`, 'utf8').trim().split('\n');
  const browser = await launchChromium();
  const signins: number[] = [];
  const renders: number[] = [];
  const network: string[] = [];
  for (let run = 0; run < 3; run++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/console`);
    await page.waitForFunction(() => !(document.getElementById('signin-button') as HTMLButtonElement).disabled);
    await page.fill('#key-id', keyId!.trim());
    await page.fill('#passphrase', passphrase!.trim());
    let t0 = performance.now();
    await page.click('#signin-button');
    await page.waitForSelector('#app:not([hidden])');
    signins.push(performance.now() - t0);
    await page.waitForSelector('#cases tbody tr');

    t0 = performance.now();
    // A string, not a function: tsx would wrap named functions in a helper the page does not have.
    await page.evaluate(`new Promise((resolve) => {
      const total = ${reports};
      const rows = () => document.querySelectorAll('#cases tbody tr').length;
      document.getElementById('filters').requestSubmit();
      const tick = () => {
        const more = document.getElementById('more');
        if (rows() >= total) return resolve();
        if (!more.hidden && more.dataset.clicked !== String(rows())) {
          more.dataset.clicked = String(rows());
          more.click();
        }
        requestAnimationFrame(tick);
      };
      tick();
    })`);
    renders.push(performance.now() - t0);
    const api = (await page.evaluate(`performance.getEntriesByType('resource').filter((e) => e.name.includes('/console/api/') && e.startTime > performance.now() - ${Math.ceil(performance.now() - t0) + 50}).map((e) => [new URL(e.name).pathname, Math.round(e.duration)])`)) as Array<[string, number]>;
    const total = (path: string) => api.filter(([p]) => p.endsWith(path)).reduce((n, [, d]) => n + d, 0);
    network.push(`cases ${total('/cases')} ms + bodies ${total('/bodies')} ms over ${api.length} requests`);
    const opened = await page.locator('#cases tbody td.summary button', { hasText: 'nos dijeron' }).count();
    if (opened < reports) throw new Error(`only ${opened} of ${reports} reports decrypted`);
    await page.close();
  }
  await browser.close();
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`\n## Console (headless Chromium, unthrottled; ${reports} reports sealed to the demo monitor)`);
  console.log(`sign-in, Argon2id included: ${signins.map((x) => x.toFixed(0)).join(', ')} ms (median ${med(signins).toFixed(0)} ms)`);
  console.log(`list, fetch, decrypt and render ${reports} reports (pages of 200): ${renders.map((x) => x.toFixed(0)).join(', ')} ms (median ${med(renders).toFixed(0)} ms; target ≤ 1000 ms)`);
  console.log(`  of which waiting on the server: ${network.join('; ')}`);
}

/**
 * libsodium's wasm as a file of its own (src/client/sodium/, scripts/build.mjs), in real Chromium on
 * wrangler dev: served with every privacy header and no-store like the scripts, the bytes the build
 * pinned; fetched once, by its hash, by the form, the follow-up page and the console; the form is
 * filled while it is still on its way and sends once it arrives; and bytes other than the pinned ones
 * are refused, so the page says to reopen it instead of running them.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, phoneContext } from '../../scripts/lib/browser';

const base = inject('baseUrl');
const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../../build/buzon-build.json', import.meta.url)), 'utf8')) as {
  assets: Record<string, { sha256: string; sha384: string }>;
};
const wasmPaths = Object.keys(manifest.assets).filter((p) => p.endsWith('.wasm'));
const standard = wasmPaths.find((p) => /^\/assets\/libsodium-[0-9a-f]{16}\.wasm$/.test(p))!;
const sumo = wasmPaths.find((p) => /^\/assets\/libsodium-sumo-[0-9a-f]{16}\.wasm$/.test(p))!;

/** Headers a response carries that say how it may be kept, framed, run or shared. */
const POLICY_HEADERS = [
  'cache-control',
  'content-security-policy',
  'referrer-policy',
  'x-content-type-options',
  'x-frame-options',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'permissions-policy',
];

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium({ actionTimeoutMs: 60_000 });
});
afterAll(async () => browser?.close());

describe("libsodium's wasm as its own asset", () => {
  it('should be served as the build pinned it, with no-store and the same privacy headers as the scripts', async () => {
    expect(wasmPaths.sort()).toEqual([standard, sumo].sort());
    const script = await fetch(`${base}/assets/report.js`);
    for (const path of [standard, sumo]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe('application/wasm');
      expect(res.headers.get('cache-control'), path).toBe('no-store');
      expect(res.headers.get('set-cookie'), path).toBeNull();
      for (const name of POLICY_HEADERS) expect(res.headers.get(name), `${path} ${name}`).toBe(script.headers.get(name));
      expect(res.headers.get('content-security-policy'), path).toContain("default-src 'none'; script-src 'self' 'wasm-unsafe-eval';");
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(`sha384-${createHash('sha384').update(bytes).digest('base64')}`, path).toBe(manifest.assets[path]!.sha384);
      expect(path).toContain(createHash('sha256').update(bytes).digest('hex').slice(0, 16));
    }
  });

  it('should be fetched once, from this origin, by the form, the follow-up page and the console', async () => {
    for (const [path, wasm, ready] of [
      ['/f/demo', standard, '#send'],
      ['/seguimiento', standard, '#open'],
      ['/console', sumo, '#signin-button'],
    ] as const) {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`${base}${path}`);
      await page.waitForFunction((sel) => !(document.querySelector(sel) as HTMLButtonElement).disabled, ready, { timeout: 60_000 });
      expect(
        requests.filter((u) => u.endsWith('.wasm')),
        path,
      ).toEqual([`${base}${wasm}`]);
      expect(new Set(requests.map((u) => new URL(u).origin)), path).toEqual(new Set([base]));
      await page.close();
    }
  });

  it('should let the worker fill the form while the wasm is on its way, and send once it arrives', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    let release!: () => void;
    const arrived = new Promise<void>((r) => (release = r));
    let held = 0;
    await page.route('**/*.wasm', async (route: Route) => {
      held++;
      await arrived; // the phone's slow connection: the wasm comes only after the form is filled
      await route.continue();
    });
    await page.goto(`${base}/f/demo`);
    await page.waitForFunction(() => document.readyState === 'complete' || document.readyState === 'interactive');
    await page.check('#cat-intimidation');
    await page.check('#when-this_week');
    await page.fill('#description', 'Nos dijeron cómo votar, y la página aún no tenía su llave.');
    await page.check('#send-to-monitor');
    expect(held).toBe(1);
    expect(await page.$eval('#send', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    expect(await page.inputValue('#description')).toContain('aún no tenía su llave');
    release();
    await page.waitForFunction(() => !(document.getElementById('send') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
    await page.tap('#send');
    await page.waitForSelector('#receipt:not([hidden])', { timeout: 120_000 });
    expect((await page.textContent('#receipt-code'))!.trim()).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(held).toBe(1);
    await context.close();
  });

  it('should refuse a wasm whose bytes are not the pinned ones, and ask to reopen the page instead of sending', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    const real = new Uint8Array(await (await fetch(`${base}${standard}`)).arrayBuffer());
    const forged = real.slice();
    forged[forged.length - 1]! ^= 1; // one bit off the build's bytes
    let served = 0;
    await page.route('**/*.wasm', async (route: Route) => {
      served++;
      await route.fulfill({ status: 200, contentType: 'application/wasm', headers: { 'cache-control': 'no-store' }, body: Buffer.from(forged) });
    });
    await page.goto(`${base}/f/demo`);
    await page.waitForFunction(() => document.getElementById('errors')!.textContent!.includes('vuelve a abrir la página'), null, { timeout: 60_000 });
    expect(served).toBe(3); // a dropped connection is tried again; a forged file each time
    expect(await page.$eval('#send', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    await context.close();
  });
});

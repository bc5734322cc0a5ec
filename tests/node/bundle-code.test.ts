/**
 * The browser bundles load no code at run time: no chunk, worker, service worker, eval or wasm
 * file that their integrity pins would not cover. libsodium's wasm is inside each bundle that
 * uses it, so Subresource Integrity on the script pins the wasm too (docs/threat-model.md).
 * Reads the output of `npm run build`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const assets = fileURLToPath(new URL('../../public/assets/', import.meta.url));
const bundles = readdirSync(assets).filter((f) => f.endsWith('.js'));

/** What would fetch or compile code the script's own integrity pin does not cover. */
const LOADERS = /\bimport\(|\bnew (?:Shared)?Worker\(|\bimportScripts\(|serviceWorker|instantiateStreaming|compileStreaming|(?<![\w$.])eval\(|(?<![\w$.])Function\(|\.wasm\b/g;
/** The bundles that use libsodium. */
const WITH_SODIUM = ['report.js', 'follow-up.js', 'console.js'];
/** "\0asm", the start of a wasm module, in base64 as the bundles embed it. */
const EMBEDDED_WASM = 'AGFzbQ';

describe('the browser bundles', () => {
  it('should be scripts and stylesheets only, with no wasm or other file to fetch beside them', () => {
    expect(readdirSync(assets).filter((f) => !/\.(?:js|css)$/.test(f))).toEqual([]);
    expect(bundles).toEqual(expect.arrayContaining([...WITH_SODIUM, 'no-trace.js']));
  });

  it('should load no code at run time, and carry libsodium\'s wasm inside', () => {
    for (const name of bundles) {
      const code = readFileSync(`${assets}${name}`, 'utf8');
      expect([...code.matchAll(LOADERS)].map((m) => m[0]), name).toEqual([]);
      if (WITH_SODIUM.includes(name)) expect(code, name).toContain(EMBEDDED_WASM);
    }
  });

  it('should notice a bundle that would fetch its wasm or import a chunk', () => {
    for (const code of ['WebAssembly.instantiateStreaming(fetch("/assets/libsodium.wasm"))', 'await import("./chunk-1.js")', 'new Worker("/w.js")', 'Function("return 1")()']) {
      expect(code.match(LOADERS), code).not.toBeNull();
    }
  });

  it('should carry the hashes of the scripts it adds on request (QR drawer, voice) inside the bundles that add them, so the page cannot name others', () => {
    const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../../build/buzon-build.json', import.meta.url)), 'utf8')) as { assets: Record<string, { sha384: string }> };
    const pin = (name: string) => manifest.assets[`/assets/${name}`]!.sha384;
    for (const name of ['report.js', 'follow-up.js']) expect(readFileSync(`${assets}${name}`, 'utf8'), name).toContain(pin('qr.js'));
    expect(readFileSync(`${assets}report.js`, 'utf8')).toContain(pin('voice.js'));
  });
});

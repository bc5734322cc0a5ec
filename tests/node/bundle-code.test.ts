/**
 * The browser bundles load no code at run time that their own integrity pins would not cover: no
 * chunk, worker, service worker or eval. The one file they fetch and compile is libsodium's wasm,
 * served beside them under a name that carries its hash, and fetched with the `integrity` value the
 * bundle carries, so Subresource Integrity on the script pins the wasm too (docs/threat-model.md).
 * Reads the output of `npm run build`.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const assets = fileURLToPath(new URL('../../public/assets/', import.meta.url));
const bundles = readdirSync(assets).filter((f) => f.endsWith('.js'));
const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../../build/buzon-build.json', import.meta.url)), 'utf8')) as {
  assets: Record<string, { sha256: string; sha384: string }>;
};

/** What would fetch or compile code the script's own integrity pin does not cover. */
const LOADERS =
  /\bimport\(|\bnew (?:Shared)?Worker\(|\bimportScripts\(|serviceWorker|instantiateStreaming|compileStreaming|(?<![\w$.])eval\(|(?<![\w$.])Function\(|\.wasm\b/g;
/** The wasm file each bundle that uses libsodium fetches: the console needs the sumo build (Argon2id). */
const WASM_OF: Record<string, RegExp> = {
  'report.js': /^libsodium-[0-9a-f]{16}\.wasm$/,
  'follow-up.js': /^libsodium-[0-9a-f]{16}\.wasm$/,
  'console.js': /^libsodium-sumo-[0-9a-f]{16}\.wasm$/,
};
/** "\0asm", the start of a wasm module, in base64 as libsodium's ESM build embeds it. */
const EMBEDDED_WASM = 'AGFzbQ';
const wasmFiles = readdirSync(assets).filter((f) => f.endsWith('.wasm'));

/** The one loader a bundle may hold: libsodium's wasm fetched by its path, pinned by the hash beside it. */
function withoutWasmLoader(code: string, wasm: string): string {
  const pin = `{url:"/assets/${wasm}",integrity:"${manifest.assets[`/assets/${wasm}`]!.sha384}"}`;
  expect(code.split(pin).length - 1, `the path and hash of ${wasm}`).toBe(1);
  // Where the browser has it (checked, then called): compiled while it downloads.
  expect(code.match(/instantiateStreaming/g), 'the streaming compile').toHaveLength(2);
  expect(code, 'fetched with its integrity').toMatch(/fetch\(\w+\.url,\{integrity:\w+\.integrity,/);
  return code.replace(pin, '').replaceAll('instantiateStreaming', '');
}

describe('the browser bundles', () => {
  it("should be scripts, stylesheets and libsodium's two wasm builds, each named by its own hash", () => {
    expect(readdirSync(assets).filter((f) => !/\.(?:js|css|wasm)$/.test(f))).toEqual([]);
    expect(bundles).toEqual(expect.arrayContaining([...Object.keys(WASM_OF), 'no-trace.js']));
    expect(wasmFiles).toHaveLength(2);
    for (const name of wasmFiles) {
      const sha256 = createHash('sha256')
        .update(readFileSync(`${assets}${name}`))
        .digest('hex');
      expect(name).toMatch(new RegExp(`-${sha256.slice(0, 16)}\\.wasm$`));
      expect(manifest.assets[`/assets/${name}`]?.sha256).toBe(sha256);
    }
  });

  it("should load no code at run time but libsodium's wasm, by the hash the bundle carries, and embed no wasm", () => {
    for (const name of bundles) {
      let code = readFileSync(`${assets}${name}`, 'utf8');
      const wasm = WASM_OF[name];
      if (wasm) {
        const file = wasmFiles.find((f) => wasm.test(f));
        expect(file, name).toBeDefined();
        code = withoutWasmLoader(code, file!);
      }
      expect(
        [...code.matchAll(LOADERS)].map((m) => m[0]),
        name,
      ).toEqual([]);
      expect(code, name).not.toContain(EMBEDDED_WASM);
    }
  });

  it('should notice a bundle that would fetch another wasm or import a chunk', () => {
    for (const code of [
      'WebAssembly.instantiateStreaming(fetch("/assets/other.wasm"))',
      'await import("./chunk-1.js")',
      'new Worker("/w.js")',
      'Function("return 1")()',
    ]) {
      expect(code.match(LOADERS), code).not.toBeNull();
    }
  });

  it('should carry the hashes of the scripts it adds on request (QR drawer, voice) inside the bundles that add them, so the page cannot name others', () => {
    const pin = (name: string) => manifest.assets[`/assets/${name}`]!.sha384;
    for (const name of ['report.js', 'follow-up.js']) expect(readFileSync(`${assets}${name}`, 'utf8'), name).toContain(pin('qr.js'));
    expect(readFileSync(`${assets}report.js`, 'utf8')).toContain(pin('voice.js'));
  });
});

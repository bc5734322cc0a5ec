/**
 * @module libsodium for the browser bundles, with its wasm as a file of its own: libsodium's own
 * factory (minus the base64 copy of the wasm it embeds, scripts/lib/libsodium-loader.mjs) is handed
 * the wasm through its instantiateWasm hook, fetched from this origin with the hash the (pinned)
 * bundle carries and compiled while it downloads. libsodium-wrappers calls the factory as soon as
 * the bundle runs, so the download starts with the page and the form is filled meanwhile.
 */

/** A wasm file the build made: its path under /assets/ and its `integrity` value (scripts/build.mjs). */
export interface WasmAsset {
  url: string;
  integrity: string;
}

/** The wasm never arrived whole (no signal, or bytes other than the pinned ones): reopening the page is the remedy. */
export class WasmUnavailable extends Error {}

type Imports = WebAssembly.Imports;
type Done = (instance: WebAssembly.Instance, module: WebAssembly.Module) => void;
type Factory = (options: Record<string, unknown>) => Promise<unknown>;

/** How often a failed download is tried again (a phone's connection drops for a moment) before the page says so. */
const ATTEMPTS = 3;

/**
 * libsodium's factory with the wasm coming from `asset`. libsodium's hook has no way to report a
 * failure, so a download that never succeeds rejects the returned promise instead (and with it
 * `sodium.ready`) with a WasmUnavailable, and the page asks to check the signal and reopen it.
 */
export function withWasmAsset(factory: Factory, asset: WasmAsset) {
  return (options: Record<string, unknown> = {}) => {
    let failed: (error: unknown) => void = () => undefined;
    const failure = new Promise<never>((_, reject) => (failed = reject));
    const ready = factory({
      ...options,
      instantiateWasm(imports: Imports, done: Done) {
        instantiate(asset, imports).then(({ instance, module }) => done(instance, module), failed);
        return {};
      },
    });
    return Promise.race([ready, failure]);
  };
}

async function instantiate(asset: WasmAsset, imports: Imports): Promise<WebAssembly.WebAssemblyInstantiatedSource> {
  for (let attempt = 1; ; attempt++) {
    try {
      // Same origin, no cookie to send, nothing kept in the HTTP cache; the hash refuses any other bytes.
      const response = fetch(asset.url, { integrity: asset.integrity, credentials: 'omit', cache: 'no-store' });
      if (typeof WebAssembly.instantiateStreaming === 'function') return await WebAssembly.instantiateStreaming(response, imports);
      const res = await response; // browsers before streaming compilation (Safari 14)
      if (!res.ok) throw new Error(`wasm ${res.status}`);
      return await WebAssembly.instantiate(await res.arrayBuffer(), imports);
    } catch (error) {
      if (attempt >= ATTEMPTS) throw new WasmUnavailable(`${asset.url}: ${String(error)}`);
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
}

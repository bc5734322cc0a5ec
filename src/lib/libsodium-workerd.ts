/**
 * @module Stand-in for the `libsodium` package inside workerd (aliased in wrangler.toml and
 * vitest.config.ts). workerd forbids compiling wasm from bytes at run time, so the wasm is
 * imported precompiled (build/libsodium.wasm, made by scripts/build.mjs) and handed to
 * libsodium's factory through its instantiateWasm hook. The factory is libsodium's own minus the
 * base64 copy of that same wasm it embeds (build/libsodium-loader.mjs), which every cold isolate
 * would otherwise parse for nothing.
 */
// @ts-expect-error: libsodium's ESM factory without its embedded base64 wasm (scripts/lib/libsodium-loader.mjs); no types.
import factory from '../../build/libsodium-loader.mjs';
import wasm from '../../build/libsodium.wasm';

type Imports = WebAssembly.Imports;

export default function libsodium(options: Record<string, unknown> = {}) {
  return factory({
    ...options,
    instantiateWasm(imports: Imports, done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
      const instance = new WebAssembly.Instance(wasm as WebAssembly.Module, imports);
      done(instance, wasm as WebAssembly.Module);
      return instance.exports;
    },
  });
}

/**
 * @module Stand-in for the `libsodium` package inside workerd (aliased in wrangler.toml and
 * vitest.config.ts). workerd forbids compiling wasm from bytes at run time, so the wasm is
 * imported precompiled (build/libsodium.wasm, made by scripts/build.mjs) and handed to
 * libsodium's factory through its instantiateWasm hook.
 */
// @ts-expect-error: the real module has no types; the path bypasses the alias.
import factory from '../../node_modules/libsodium/dist/modules-esm/libsodium.mjs';
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

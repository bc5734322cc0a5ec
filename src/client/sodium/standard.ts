/**
 * @module Stand-in for the `libsodium` package in the browser bundles (esbuild alias in
 * scripts/build.mjs): libsodium's factory fed /assets/libsodium-<hash>.wasm (./wasm-asset.ts).
 */
// @ts-expect-error: libsodium's ESM factory without its embedded base64 wasm (scripts/lib/libsodium-loader.mjs); no types.
import factory from '../../../build/libsodium-loader.mjs';
import { withWasmAsset, type WasmAsset } from './wasm-asset';

/** The wasm's path and hash, put into this bundle by scripts/build.mjs. */
declare const __SODIUM_WASM__: WasmAsset;

export default withWasmAsset(factory, __SODIUM_WASM__);

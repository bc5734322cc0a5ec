/**
 * @module Stand-in for the `libsodium-sumo` package in the console's bundle (esbuild alias in
 * scripts/build.mjs): the sumo factory (Argon2id) fed /assets/libsodium-sumo-<hash>.wasm (./wasm-asset.ts).
 */
// @ts-expect-error: libsodium-sumo's ESM factory without its embedded base64 wasm (scripts/lib/libsodium-loader.mjs); no types.
import factory from '../../../build/libsodium-sumo-loader.mjs';
import { withWasmAsset, type WasmAsset } from './wasm-asset';

/** The wasm's path and hash, put into this bundle by scripts/build.mjs. */
declare const __SODIUM_SUMO_WASM__: WasmAsset;

export default withWasmAsset(factory, __SODIUM_SUMO_WASM__);

// @module The Worker's libsodium loader without the wasm it embeds: libsodium's ESM build carries its
// wasm as one ~296 KB base64 string, which the Worker never uses (it imports build/libsodium.wasm
// precompiled, src/lib/libsodium-workerd.ts) but would parse at every cold start.
import { readFile, writeFile } from 'node:fs/promises';

/** The one base64 literal long enough to be the wasm (the next longest string in the file is far shorter). */
const EMBEDDED_WASM = /"[A-Za-z0-9+/]{100000,}={0,2}"/g;

/**
 * Writes `modulePath` to `outFile` with the embedded wasm replaced by an empty string. The factory
 * decodes it only to instantiate the wasm itself, which the Worker's instantiateWasm hook does instead.
 * Throws unless exactly one such literal is found, so a libsodium upgrade cannot silently change this.
 */
export async function writeLoaderWithoutWasm(modulePath, outFile) {
  const source = await readFile(modulePath, 'utf8');
  const found = source.match(EMBEDDED_WASM) ?? [];
  if (found.length !== 1) throw new Error(`libsodium loader: expected one embedded wasm literal in ${modulePath}, found ${found.length}`);
  const stripped = source.replace(EMBEDDED_WASM, '""');
  await writeFile(outFile, stripped);
  return { before: source.length, after: stripped.length };
}

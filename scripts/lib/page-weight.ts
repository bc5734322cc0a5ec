/**
 * @module What a browser downloads before a page can be used: its HTML, the scripts and stylesheets
 * it names, and the wasm those scripts fetch as they start (libsodium's, named inside the bundle),
 * each gzipped as a server sends it. Read from the built files, so the figure does not depend on the
 * machine's load. The lazy scripts (QR drawer, voice) load on a tap and are not counted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pageResources } from './page-pins';

export interface Download {
  path: string;
  raw: number;
  gzip: number;
}

/** gzip at level 6, what web servers use by default (wrangler dev sends about the same on the wire). */
export const gzipBytes = (bytes: Uint8Array | string) => gzipSync(bytes, { level: 6 }).length;

/** The wasm paths a bundle fetches while it starts (src/client/sodium/wasm-asset.ts). */
const WASM_PATH = /"(\/assets\/[A-Za-z0-9_.-]+\.wasm)"/g;

/** The page's own bytes, then every file it loads before it can be used; `assetsDir` holds /assets/. */
export function pageDownloads(pagePath: string, html: string, assetsDir: string): Download[] {
  const list: Download[] = [{ path: pagePath, raw: Buffer.byteLength(html), gzip: gzipBytes(html) }];
  const seen = new Set<string>();
  const add = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const bytes = readFileSync(join(assetsDir, path.replace(/^\/assets\//, '')));
    list.push({ path, raw: bytes.length, gzip: gzipBytes(bytes) });
    if (path.endsWith('.js')) for (const m of bytes.toString('utf8').matchAll(WASM_PATH)) add(m[1]!);
  };
  for (const r of pageResources(html)) if (r.url?.startsWith('/assets/') && r.kind !== 'inline-script') add(r.url);
  return list;
}

export const totalGzip = (list: Download[]) => list.reduce((n, d) => n + d.gzip, 0);

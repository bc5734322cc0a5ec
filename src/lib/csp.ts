/**
 * @module The Content-Security-Policy of every response: the only inline code allowed is the
 * pages' stylesheets (the page's one, and the one rule applied only without scripts), by hash; scripts
 * come from this origin (pinned by integrity in the pages) and may compile wasm (libsodium's, fetched
 * from this origin by the bundles, pinned by the hash they carry: src/client/sodium/). No page may start a worker (so none
 * can register a Service Worker), and forms may post natively only where the source has such a form
 * (the constancia check). `npm run verify` runs the Worker built from the same source and compares
 * every page's headers, this one included, with what a deployment sends.
 */
import { sha256Source } from '../crypto/digest';

export interface PolicyOptions {
  /** Pages that play recordings they decrypted or made (src/lib/http.ts, allowMedia): media from blob: URLs, which runs no code. */
  play?: boolean;
  /** The page whose form posts natively to this origin (the constancia check); every other page: no native form submission at all. */
  nativeForm?: boolean;
}

export async function contentSecurityPolicy(stylesheets: string[], opts: PolicyOptions = {}): Promise<string> {
  const hashes = await Promise.all(stylesheets.map((sheet) => sha256Source(sheet)));
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    `style-src 'self' ${hashes.map((h) => `'${h}'`).join(' ')}`,
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    ...(opts.play ? ['media-src blob:'] : []),
    // Workers would fall back to script-src 'self': a page could then register a Service Worker that outlives the deployment.
    "worker-src 'none'",
    // The scripts send what they sealed with fetch(); a form posting natively would send its fields in clear.
    `form-action ${opts.nativeForm ? "'self'" : "'none'"}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * @module The Content-Security-Policy of every response: the only inline code allowed is the
 * pages' one stylesheet, by hash; scripts come from this origin (pinned by integrity in the pages)
 * and may instantiate wasm (libsodium, embedded in the bundles). `npm run verify` computes it from
 * the source it builds and compares it with what a deployment sends (either form: with or without
 * media from blob: URLs, which runs no code).
 */
export async function contentSecurityPolicy(stylesheet: string, media: { play?: boolean } = {}): Promise<string> {
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    `style-src 'self' '${await sha256Source(stylesheet)}'`,
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    // Pages that play recordings they decrypted or made (src/lib/http.ts, allowMedia).
    ...(media.play ? ['media-src blob:'] : []),
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** CSP source expression for an inline block: 'sha256-<base64 of its SHA-256>'. */
async function sha256Source(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return `sha256-${btoa(String.fromCharCode(...digest))}`;
}

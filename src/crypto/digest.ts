/**
 * @module Digests that name or pin bytes, not secrets: a sealed body's digest (BLAKE2b-256 via
 * crypto_generichash), a signed reader list's mark, and a CSP hash source (SHA-256 via WebCrypto).
 * Server and CLI only: imported by path, not through ./index, so no page bundle carries it.
 */
import { toB64, utf8 } from './encoding';
import type { Sodium } from './sodium';

/** A sealed body's digest as stored beside it and in its KV key: base64url BLAKE2b-256 (crypto_generichash). */
export const sealedBodyDigest = (s: Sodium, body: Uint8Array) => toB64(s, s.crypto_generichash(32, body, null));

/** The mark the CLI remembers for a signed reader list: hex BLAKE2b-256 (crypto_generichash) of its statement. */
export const statementHash = (s: Sodium, statement: string) => s.to_hex(s.crypto_generichash(32, utf8(statement), null));

/** CSP source expression for an inline block: 'sha256-<base64 of its SHA-256>' (WebCrypto crypto.subtle.digest). */
export async function sha256Source(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return `sha256-${btoa(String.fromCharCode(...digest))}`;
}

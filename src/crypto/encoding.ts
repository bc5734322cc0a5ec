/**
 * @module Byte encodings used on the wire and in storage: base64url without padding, hex, UTF-8.
 */
import type { Sodium } from './sodium';

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
export const fromUtf8 = (b: Uint8Array): string => new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(b);

/** base64url, no padding (libsodium's URLSAFE_NO_PADDING variant). */
export const toB64 = (s: Sodium, b: Uint8Array): string => s.to_base64(b, s.base64_variants.URLSAFE_NO_PADDING);
/** Decodes base64url without padding; throws on anything else. */
export const fromB64 = (s: Sodium, t: string): Uint8Array => s.from_base64(t, s.base64_variants.URLSAFE_NO_PADDING);

export const toHex = (s: Sodium, b: Uint8Array): string => s.to_hex(b);
export const fromHex = (s: Sodium, t: string): Uint8Array => s.from_hex(t);

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

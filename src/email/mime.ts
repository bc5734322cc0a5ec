/**
 * @module Small pieces of outgoing mail shared by the acknowledgement and the digest: a UTF-8 text
 * body in base64 (its length depends only on its byte length), a fixed-width Message-ID, and a
 * check that an address is safe to write into a header.
 */
import type { Sodium } from '../crypto';

/** UTF-8 bytes of a text, base64 in lines of 76 characters (RFC 2045). */
export function base64Body(text: string | Uint8Array): string {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return (btoa(binary).match(/.{1,76}/g) ?? []).join('\r\n');
}

/** "<32 hex digits@domain>": random, and always the same length. */
export const newMessageId = (s: Sodium, domain: string) => `<${s.to_hex(s.randombytes_buf(16))}@${domain}>`;

/** Whether an address is safe to write into a header: one mailbox, no spaces, brackets or line breaks (an IDN top-level domain in its xn-- form). */
export const isPlainAddress = (address: string) => /^[^\s<>()",;:\\@]+@[A-Za-z0-9.-]+\.(?:[A-Za-z]{2,}|xn--[A-Za-z0-9-]+)$/.test(address);

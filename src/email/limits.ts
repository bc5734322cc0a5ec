/**
 * @module Size limits of the email intake, and why they are what they are (docs/email.md).
 */

/**
 * The largest message accepted, raw, before anything is parsed. Cloudflare Email Routing takes up
 * to 25 MiB; a sealed report must fit one KV value (25 MiB) after base64 and bucket padding, and
 * the Worker must hold the message, its parse and its ciphertext at once in 128 MB.
 */
export const MAX_RAW_BYTES = 10 * 1024 * 1024;

/**
 * The largest plaintext sealed: its padded bucket is 16 MiB, so the body is 16 MiB + 40 bytes,
 * under KV's 25 MiB. A raw message within MAX_RAW_BYTES always fits in base64 (13.4 MiB).
 */
export const MAX_PLAINTEXT_BYTES = 16 * 1024 * 1024 - 1;

/** MIME nesting deeper than this is not a letter from a person; the parser stops and the raw bytes are kept. */
export const MAX_MIME_DEPTH = 50;

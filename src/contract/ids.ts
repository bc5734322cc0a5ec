/**
 * @module The identifiers and encodings every request shape is built from: one definition each.
 */
import * as z from 'zod';

/** URL-safe base64 without padding (src/crypto/encoding.ts). */
export const B64URL = /^[A-Za-z0-9_-]+$/;
/** A report, mailbox, message or attachment id: 16 random bytes in lowercase hex. */
export const hexId = z.string().regex(/^[0-9a-f]{32}$/);
/** A reader's key id: 8 bytes in lowercase hex. */
export const keyIdSchema = z.string().regex(/^[0-9a-f]{16}$/);
/** A facility id as the seed and the CLI write it. */
export const FACILITY_ID = /^[a-z0-9-]+$/;
/** Base64url of exactly `chars` characters. */
export const b64urlOfLength = (chars: number) => z.string().length(chars).regex(B64URL);
/** Characters of unpadded base64 for a number of bytes. */
export const b64Chars = (bytes: number) => Math.ceil((bytes * 4) / 3);

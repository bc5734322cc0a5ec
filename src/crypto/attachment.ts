/**
 * @module Attachment encryption: crypto_secretstream_xchacha20poly1305, one stream per file,
 * cut into chunks that upload (and retry) one by one. The stream's order and its final tag mean
 * a chunk cannot be dropped, repeated, reordered or moved to another file unnoticed.
 *
 * Format 2 (what `encryptAttachment` writes) pads the file with sodium_pad, the chunk size as
 * block size, before cutting it: every chunk holds exactly `chunkBytes` of plaintext, so a stored
 * chunk is always `chunkBytes + 17` bytes and a file's stored size tells only its number of
 * chunks. The padding (`0x80` then zeros) always ends inside the final chunk, which the reader
 * unpads. Format 1 (reports sent before) is the same stream without padding; it is still read.
 */
import { concat, utf8 } from './encoding';
import type { Sodium } from './sodium';

export interface EncryptedAttachment {
  key: Uint8Array;
  header: Uint8Array;
  chunks: Uint8Array[];
}

/** Attachment format 1 (no padding) or 2 (padded to whole chunks); see docs/crypto.md. */
export type AttachmentStreamFormat = 1 | 2;

/** Chunks a file of `length` bytes takes in format 2: ⌈(length + 1) / chunkBytes⌉ (at least one padding byte). */
export const paddedChunkCount = (length: number, chunkBytes: number) => Math.floor(length / chunkBytes) + 1;

/**
 * Encrypts bytes as a secretstream under a fresh key, in format 2: the plaintext is padded to a
 * multiple of `chunkBytes` with sodium_pad (only the tail is copied), each chunk is pushed with
 * TAG_MESSAGE and the last with TAG_FINAL.
 */
export function encryptAttachment(s: Sodium, bytes: Uint8Array, chunkBytes: number, additionalData: string): EncryptedAttachment {
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1) throw new Error('chunk size must be a positive integer');
  const key = s.crypto_secretstream_xchacha20poly1305_keygen();
  const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(key);
  const ad = utf8(additionalData);
  const count = paddedChunkCount(bytes.length, chunkBytes);
  const lastStart = (count - 1) * chunkBytes;
  // sodium_pad(tail, chunkBytes): tail ‖ 0x80 ‖ zeros, exactly chunkBytes long since len(tail) < chunkBytes.
  const finalPlain = s.pad(bytes.subarray(lastStart), chunkBytes);
  if (finalPlain.length !== chunkBytes) throw new Error('padding did not fill the final chunk');
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const last = i === count - 1;
    const tag = last ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    const plain = last ? finalPlain : bytes.subarray(i * chunkBytes, (i + 1) * chunkBytes);
    chunks.push(s.crypto_secretstream_xchacha20poly1305_push(state, plain, ad, tag));
  }
  return { key, header, chunks };
}

/**
 * Opens a stream chunk by chunk (for progress); throws on tampering, reordering or truncation.
 * In format 2 the final chunk's plaintext is unpadded (sodium_unpad, its own length as block size).
 */
export function attachmentOpener(s: Sodium, key: Uint8Array, header: Uint8Array, additionalData: string, format: AttachmentStreamFormat = 2) {
  const state = s.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
  const ad = utf8(additionalData);
  let finished = false;
  return {
    /** Decrypts the next chunk; `last` says whether the caller expects the stream to end here. */
    next(chunk: Uint8Array, last: boolean): Uint8Array {
      if (finished) throw new Error('stream already ended');
      const result = s.crypto_secretstream_xchacha20poly1305_pull(state, chunk, ad);
      if (!result) throw new Error('chunk does not authenticate');
      finished = result.tag === s.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
      if (finished !== last) throw new Error(last ? 'stream is truncated' : 'stream ended early');
      if (!finished || format === 1) return result.message;
      if (result.message.length === 0) throw new Error('final chunk has no padding');
      return s.unpad(result.message, result.message.length);
    },
  };
}

/** Decrypts a whole attachment from its chunks. */
export function decryptAttachment(
  s: Sodium,
  key: Uint8Array,
  header: Uint8Array,
  chunks: Uint8Array[],
  additionalData: string,
  format: AttachmentStreamFormat = 2,
): Uint8Array {
  const opener = attachmentOpener(s, key, header, additionalData, format);
  return concat(...chunks.map((c, i) => opener.next(c, i === chunks.length - 1)));
}

/**
 * @module Attachment encryption: crypto_secretstream_xchacha20poly1305, one stream per file,
 * cut into chunks that upload (and retry) one by one. The stream's order and its final tag mean
 * a chunk cannot be dropped, repeated, reordered or moved to another file unnoticed.
 */
import { concat, utf8 } from './encoding';
import type { Sodium } from './sodium';

export interface EncryptedAttachment {
  key: Uint8Array;
  header: Uint8Array;
  chunks: Uint8Array[];
}

/** Encrypts bytes as a secretstream under a fresh key; the last chunk carries TAG_FINAL. */
export function encryptAttachment(s: Sodium, bytes: Uint8Array, chunkBytes: number, additionalData: string): EncryptedAttachment {
  const key = s.crypto_secretstream_xchacha20poly1305_keygen();
  const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(key);
  const ad = utf8(additionalData);
  const chunks: Uint8Array[] = [];
  const count = Math.max(1, Math.ceil(bytes.length / chunkBytes));
  for (let i = 0; i < count; i++) {
    const last = i === count - 1;
    const tag = last ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    chunks.push(s.crypto_secretstream_xchacha20poly1305_push(state, bytes.subarray(i * chunkBytes, (i + 1) * chunkBytes), ad, tag));
  }
  return { key, header, chunks };
}

/** Opens a stream chunk by chunk (for progress); throws on tampering, reordering or truncation. */
export function attachmentOpener(s: Sodium, key: Uint8Array, header: Uint8Array, additionalData: string) {
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
      return result.message;
    },
  };
}

/** Decrypts a whole attachment from its chunks. */
export function decryptAttachment(s: Sodium, key: Uint8Array, header: Uint8Array, chunks: Uint8Array[], additionalData: string): Uint8Array {
  const opener = attachmentOpener(s, key, header, additionalData);
  return concat(...chunks.map((c, i) => opener.next(c, i === chunks.length - 1)));
}

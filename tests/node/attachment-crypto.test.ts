import { describe, expect, it } from 'vitest';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import { decryptAttachment, encryptAttachment } from '../../src/crypto';

const AD = 'buzon.attachment.v1:r:a';

describe('attachment encryption (crypto_secretstream_xchacha20poly1305)', async () => {
  const s = await loadNodeSodium();
  const bytes = s.randombytes_buf(10_000);
  const e = encryptAttachment(s, bytes, 4096, AD);

  it('should round-trip in chunks of the given size plus 17 bytes', () => {
    expect(e.chunks.map((c) => c.length)).toEqual([4096 + 17, 4096 + 17, 10_000 - 8192 + 17]);
    expect(decryptAttachment(s, e.key, e.header, e.chunks, AD)).toEqual(bytes);
  });

  it('should reject a tampered chunk', () => {
    const chunks = e.chunks.map((c) => c.slice());
    chunks[1]![20]! ^= 1;
    expect(() => decryptAttachment(s, e.key, e.header, chunks, AD)).toThrow();
  });

  it('should reject reordered chunks', () => {
    expect(() => decryptAttachment(s, e.key, e.header, [e.chunks[1]!, e.chunks[0]!, e.chunks[2]!], AD)).toThrow();
  });

  it('should reject a truncated stream (the final chunk missing)', () => {
    expect(() => decryptAttachment(s, e.key, e.header, e.chunks.slice(0, 2), AD)).toThrow(/truncated|authenticate/);
  });

  it('should reject chunks moved to another report or attachment (wrong additional data)', () => {
    expect(() => decryptAttachment(s, e.key, e.header, e.chunks, 'buzon.attachment.v1:r:other')).toThrow();
  });

  it('should reject the wrong key', () => {
    expect(() => decryptAttachment(s, s.crypto_secretstream_xchacha20poly1305_keygen(), e.header, e.chunks, AD)).toThrow();
  });

  it('should handle an empty file as one final chunk', () => {
    const empty = encryptAttachment(s, new Uint8Array(0), 4096, AD);
    expect(empty.chunks).toHaveLength(1);
    expect(decryptAttachment(s, empty.key, empty.header, empty.chunks, AD)).toEqual(new Uint8Array(0));
  });
});

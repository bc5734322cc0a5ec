import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import { decryptAttachment, encryptAttachment, paddedChunkCount } from '../../src/crypto';
import {
  ATTACHMENT_LIMITS,
  CHUNK_OVERHEAD,
  MAX_CHUNKS,
  attachmentFormatOf,
  chunkAdditionalData,
  imageSize,
  neutralName,
  neutralNames,
} from '../../src/domain/attachment';

const AD = 'buzon.attachment.v2:r:a';
const CHUNK = ATTACHMENT_LIMITS.chunkBytes;

describe('attachment encryption (crypto_secretstream_xchacha20poly1305)', async () => {
  const s = await loadNodeSodium();
  const bytes = s.randombytes_buf(10_000);
  const e = encryptAttachment(s, bytes, 4096, AD);
  const stored = (chunks: Uint8Array[]) => chunks.reduce((n, c) => n + c.length, 0);

  /** What the phone wrote before padding (format 1): the same stream, the last chunk only as long as the rest of the file. */
  function encryptFormat1(plain: Uint8Array, chunkBytes: number, ad: string) {
    const key = s.crypto_secretstream_xchacha20poly1305_keygen();
    const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(key);
    const count = Math.max(1, Math.ceil(plain.length / chunkBytes));
    const chunks = Array.from({ length: count }, (_, i) =>
      s.crypto_secretstream_xchacha20poly1305_push(
        state,
        plain.subarray(i * chunkBytes, (i + 1) * chunkBytes),
        s.from_string(ad),
        i === count - 1 ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
      ),
    );
    return { key, header, chunks };
  }

  it('should round-trip with every chunk the full chunk size plus 17 bytes, the last one padded', () => {
    expect(e.chunks.map((c) => c.length)).toEqual([4096 + 17, 4096 + 17, 4096 + 17]);
    expect(decryptAttachment(s, e.key, e.header, e.chunks, AD)).toEqual(bytes);
  });

  it('should store two files of different sizes within one chunk in the same number of bytes', () => {
    for (const [a, b] of [
      [1, CHUNK - 1],
      [12_345, 200_000],
      [CHUNK, 2 * CHUNK - 1],
      [3 * CHUNK + 5, 4 * CHUNK - 1],
    ] as const) {
      const small = encryptAttachment(s, new Uint8Array(a).fill(7), CHUNK, AD);
      const large = encryptAttachment(s, new Uint8Array(b).fill(9), CHUNK, AD);
      expect(stored(small.chunks)).toBe(stored(large.chunks));
      expect(small.chunks.map((c) => c.length)).toEqual(large.chunks.map((c) => c.length));
      expect(new Set(small.chunks.map((c) => c.length))).toEqual(new Set([CHUNK + CHUNK_OVERHEAD]));
    }
  });

  it('should make the stored size depend only on the chunk count: ⌈(length + 1) / chunk⌉ chunks', () => {
    for (const length of [0, 1, 4095, 4096, 4097, 8191, 8192, 10_000]) {
      const plain = s.randombytes_buf(length);
      const out = encryptAttachment(s, plain, 4096, AD);
      expect(out.chunks).toHaveLength(Math.ceil((length + 1) / 4096));
      expect(out.chunks).toHaveLength(paddedChunkCount(length, 4096));
      expect(stored(out.chunks)).toBe(out.chunks.length * (4096 + 17));
      expect(decryptAttachment(s, out.key, out.header, out.chunks, AD)).toEqual(plain);
    }
  });

  it('should give a file of exactly one chunk a second chunk of padding, and read it back', () => {
    const full = s.randombytes_buf(4096);
    const out = encryptAttachment(s, full, 4096, AD);
    expect(out.chunks).toHaveLength(2);
    expect(decryptAttachment(s, out.key, out.header, out.chunks, AD)).toEqual(full);
  });

  it('should keep the largest allowed file within the chunks the server accepts', () => {
    expect(paddedChunkCount(ATTACHMENT_LIMITS.bytesPerFile, CHUNK)).toBeLessThanOrEqual(MAX_CHUNKS);
    expect(paddedChunkCount(ATTACHMENT_LIMITS.bytesPerFile - 1, CHUNK)).toBe(MAX_CHUNKS - 1);
  });

  it('should read back files whose last bytes look like padding (0x80, zeros)', () => {
    for (const tail of [[0x80], [0x80, 0], [0], [0x80, 0x80, 0, 0]]) {
      const plain = Uint8Array.from([1, 2, 3, ...tail]);
      const out = encryptAttachment(s, plain, 16, AD);
      expect(decryptAttachment(s, out.key, out.header, out.chunks, AD)).toEqual(plain);
    }
  });

  it('should still read an attachment uploaded before padding (format 1, v1 additional data)', () => {
    const ad1 = chunkAdditionalData('r', 'a', 1);
    expect(ad1).toBe('buzon.attachment.v1:r:a');
    const old = encryptFormat1(bytes, 4096, ad1);
    expect(old.chunks.map((c) => c.length)).toEqual([4096 + 17, 4096 + 17, 10_000 - 8192 + 17]);
    expect(decryptAttachment(s, old.key, old.header, old.chunks, ad1, 1)).toEqual(bytes);
    // A description without `format` is format 1; the new phone writes 2.
    expect(attachmentFormatOf({})).toBe(1);
    expect(attachmentFormatOf({ format: 2 })).toBe(2);
  });

  it('should not open a format 2 stream as format 1 or the other way round (the format is in the additional data)', () => {
    const ad2 = chunkAdditionalData('r', 'a');
    expect(ad2).toBe('buzon.attachment.v2:r:a');
    const fresh = encryptAttachment(s, bytes, 4096, ad2);
    expect(() => decryptAttachment(s, fresh.key, fresh.header, fresh.chunks, chunkAdditionalData('r', 'a', 1), 1)).toThrow();
    const old = encryptFormat1(bytes, 4096, chunkAdditionalData('r', 'a', 1));
    expect(() => decryptAttachment(s, old.key, old.header, old.chunks, ad2, 2)).toThrow();
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
    expect(() => decryptAttachment(s, e.key, e.header, e.chunks, 'buzon.attachment.v2:r:other')).toThrow();
  });

  it('should reject the wrong key', () => {
    expect(() => decryptAttachment(s, s.crypto_secretstream_xchacha20poly1305_keygen(), e.header, e.chunks, AD)).toThrow();
  });

  it('should handle an empty file as one final, fully padded chunk', () => {
    const empty = encryptAttachment(s, new Uint8Array(0), 4096, AD);
    expect(empty.chunks.map((c) => c.length)).toEqual([4096 + 17]);
    expect(decryptAttachment(s, empty.key, empty.header, empty.chunks, AD)).toEqual(new Uint8Array(0));
  });
});

describe('neutral names and sizes for evidence', () => {
  it('should name files by kind and place within the kind, with the extension of their type', () => {
    expect(neutralNames(['image/jpeg', 'image/png', 'application/pdf', 'audio/wav', 'image/jpeg'])).toEqual([
      'foto-1.jpg',
      'foto-2.png',
      'documento-1.pdf',
      'audio-1.wav',
      'foto-3.jpg',
    ]);
    expect(neutralName('video/mp4', 1)).toBe('video-1.mp4');
    expect(neutralName('application/zip', 2)).toBe('archivo-2.bin');
    expect(neutralName('audio/x-m4a', 1)).toBe('audio-1.m4a');
  });

  it('should redraw images to a long side of 1280, 1920 or 2560 and a short side in steps of 160', () => {
    expect(imageSize(1179, 2556)).toEqual({ width: 960, height: 1920 }); // an iPhone screenshot
    expect(imageSize(1080, 2400)).toEqual({ width: 800, height: 1920 }); // an Android one
    expect(imageSize(1170, 2532)).toEqual({ width: 960, height: 1920 }); // another iPhone model: the same size
    expect(imageSize(640, 480)).toEqual({ width: 1280, height: 960 });
    expect(imageSize(4000, 3000)).toEqual({ width: 2560, height: 1920 });
    expect(imageSize(4032, 3024)).toEqual({ width: 2560, height: 1920 });
    expect(imageSize(1920, 1080)).toEqual({ width: 1920, height: 1120 });
    expect(imageSize(2000, 2000)).toEqual({ width: 1920, height: 1920 });
    expect(imageSize(5000, 10)).toEqual({ width: 2560, height: 160 });
    for (let w = 1; w < 5000; w += 97) {
      for (let h = 1; h < 5000; h += 131) {
        const out = imageSize(w, h);
        const long = Math.max(out.width, out.height);
        const short = Math.min(out.width, out.height);
        expect([1280, 1920, 2560]).toContain(long);
        expect(short % 160).toBe(0);
        expect(short).toBeGreaterThan(0);
        expect(short).toBeLessThanOrEqual(long);
        if (w !== h) expect(out.width === out.height || out.width > out.height === w > h).toBe(true); // keeps the orientation
      }
    }
  });
});

interface StreamVector {
  additionalData: string;
  key: string;
  header: string;
  chunks: string[];
}
const VECTORS = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/crypto-vectors.json', import.meta.url)), 'utf8')).attachment as {
  reportId: string;
  attachmentId: string;
  chunkBytes: number;
  plaintext: string;
  format2: StreamVector;
  format1: StreamVector;
};

describe('attachment known-answer vectors (tests/fixtures/crypto-vectors.json)', async () => {
  const s = await loadNodeSodium();
  const open = (v: StreamVector, format: 1 | 2) =>
    s.to_hex(decryptAttachment(s, s.from_hex(v.key), s.from_hex(v.header), v.chunks.map((c) => s.from_hex(c)), v.additionalData, format));

  it('should open the frozen format 2 stream: whole chunks, the final one unpadded', () => {
    const { reportId, attachmentId, chunkBytes, format2 } = VECTORS;
    expect(format2.additionalData).toBe(chunkAdditionalData(reportId, attachmentId, 2));
    expect(format2.chunks.map((c) => c.length / 2)).toEqual([chunkBytes + 17, chunkBytes + 17]);
    expect(open(format2, 2)).toBe(VECTORS.plaintext);
  });

  it('should open the frozen format 1 stream, whose last chunk has only the remaining bytes', () => {
    const { reportId, attachmentId, chunkBytes, format1, plaintext } = VECTORS;
    expect(format1.additionalData).toBe(chunkAdditionalData(reportId, attachmentId, 1));
    expect(format1.chunks.map((c) => c.length / 2)).toEqual([chunkBytes + 17, plaintext.length / 2 - chunkBytes + 17]);
    expect(open(format1, 1)).toBe(plaintext);
  });
});

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../fixtures/crosscheck.py', import.meta.url));

describe('attachments against PyNaCl (tests/fixtures/crosscheck.py --attachment)', async () => {
  const s = await loadNodeSodium();
  const ids = { reportId: s.to_hex(s.randombytes_buf(16)), attachmentId: s.to_hex(s.randombytes_buf(16)) };
  const file = s.randombytes_buf(CHUNK + 1000);
  const ours = encryptAttachment(s, file, CHUNK, chunkAdditionalData(ids.reportId, ids.attachmentId));
  const reverse = s.randombytes_buf(CHUNK - 1);

  /** Runs Python once; fails (never skips) when python3-nacl is missing. */
  function python() {
    execFileSync(PYTHON, ['-I', '-c', 'import nacl'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const dir = mkdtempSync(join(tmpdir(), 'buzon-crosscheck-att-'));
    try {
      const hex = (v: { key: Uint8Array; header: Uint8Array; chunks: Uint8Array[] }) => ({
        key: s.to_hex(v.key),
        header: s.to_hex(v.header),
        chunks: v.chunks.map((c) => s.to_hex(c)),
      });
      const input = {
        open: [
          { format: 2, ...ids, chunkBytes: CHUNK, ...hex(ours) },
          { format: 2, reportId: VECTORS.reportId, attachmentId: VECTORS.attachmentId, chunkBytes: VECTORS.chunkBytes, ...VECTORS.format2 },
          { format: 1, reportId: VECTORS.reportId, attachmentId: VECTORS.attachmentId, chunkBytes: VECTORS.chunkBytes, ...VECTORS.format1 },
        ],
        seal: { ...ids, chunkBytes: CHUNK, plaintext: s.to_hex(reverse) },
      };
      writeFileSync(join(dir, 'input.json'), JSON.stringify(input));
      return JSON.parse(execFileSync(PYTHON, ['-I', SCRIPT, '--attachment', join(dir, 'input.json')], { encoding: 'utf8', maxBuffer: 16 << 20 })) as {
        opened: Array<{ plaintext: string; chunkLengths: number[] }>;
        sealed: { key: string; header: string; chunks: string[] };
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const result = python();

  it('should open in Python, from the spec, a padded attachment Node sealed and both frozen vectors', () => {
    expect(result.opened[0]!.plaintext).toBe(s.to_hex(file));
    expect(result.opened[0]!.chunkLengths).toEqual([CHUNK + 17, CHUNK + 17]);
    expect(result.opened[1]!.plaintext).toBe(VECTORS.plaintext);
    expect(result.opened[2]!.plaintext).toBe(VECTORS.plaintext);
  });

  it('should open in Node a padded attachment Python sealed', () => {
    const { key, header, chunks } = result.sealed;
    expect(chunks.map((c) => c.length / 2)).toEqual([CHUNK + 17]);
    const opened = decryptAttachment(s, s.from_hex(key), s.from_hex(header), chunks.map((c) => s.from_hex(c)), chunkAdditionalData(ids.reportId, ids.attachmentId));
    expect(opened).toEqual(reverse);
  });
});

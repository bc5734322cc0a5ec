/**
 * @module Opening one encrypted file in the page, shared by the console and the follow-up page:
 * its chunks fetched one by one (each page fetches them its own way: a reader's session, the case
 * mailbox key) and decrypted here, then a blob: URL typed so that only raster images show and only
 * audio plays; everything else is opaque bytes to download, so a file claiming to be HTML or SVG
 * never runs.
 */
import { attachmentOpener, concat, fromB64, type Sodium } from '../crypto';
import { attachmentFormatOf, chunkAdditionalData, type SealedAttachment } from '../domain/attachment';

const SAFE_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
/** Audio the page plays from a blob: URL (the CSP's `media-src blob:`); an audio element runs no code. */
const PLAYABLE_AUDIO_TYPES = [
  'audio/wav',
  'audio/wave',
  'audio/x-wav',
  'audio/webm',
  'audio/ogg',
  'audio/opus',
  'audio/mpeg',
  'audio/mp4',
  'audio/x-m4a',
  'audio/aac',
];

/** What the sealed message says about a file: enough to fetch and open it. */
export type OpenableAttachment = Pick<SealedAttachment, 'id' | 'type' | 'size' | 'chunks' | 'header' | 'key'> & { format?: unknown };

/** Whether a value from a decrypted message describes a file this page can fetch and open. */
export function isOpenable(a: unknown): a is OpenableAttachment {
  const f = a as Record<string, unknown> | null;
  return (
    typeof f === 'object' &&
    f !== null &&
    typeof f.id === 'string' &&
    /^[0-9a-f]{32}$/.test(f.id) &&
    typeof f.type === 'string' &&
    typeof f.size === 'number' &&
    Number.isInteger(f.chunks) &&
    (f.chunks as number) >= 1 &&
    typeof f.header === 'string' &&
    typeof f.key === 'string'
  );
}

/** Fetches (`chunk(i)`: the encrypted bytes of chunk i) and decrypts every chunk of a file of case `caseId`. */
export async function openChunks(
  s: Sodium,
  caseId: string,
  a: OpenableAttachment,
  chunk: (index: number) => Promise<Uint8Array>,
  onProgress: (percent: number) => void,
): Promise<Uint8Array> {
  // Reports sent before padding (format 1) stay readable: their format is what they were sealed with.
  const format = attachmentFormatOf(a);
  const opener = attachmentOpener(s, fromB64(s, a.key), fromB64(s, a.header), chunkAdditionalData(caseId, a.id, format), format);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < a.chunks; i++) {
    parts.push(opener.next(await chunk(i), i === a.chunks - 1));
    onProgress(Math.round(((i + 1) / a.chunks) * 100));
  }
  return concat(...parts);
}

/** A blob: URL for opened bytes, and whether the page may show it as an image or play it as audio. */
export function openedUrl(bytes: Uint8Array, type: string): { url: string; image: boolean; audio: boolean } {
  const image = SAFE_IMAGE_TYPES.includes(type);
  const audio = PLAYABLE_AUDIO_TYPES.includes(type);
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: image || audio ? type : 'application/octet-stream' }));
  return { url, image, audio };
}

/** Fetches one encrypted chunk with no cookie and nothing left in a cache. */
export async function fetchChunk(url: string, headers: Record<string, string> = {}): Promise<Uint8Array> {
  const res = await fetch(url, { headers, cache: 'no-store', credentials: 'omit' });
  if (!res.ok) throw new Error('chunk');
  return new Uint8Array(await res.arrayBuffer());
}

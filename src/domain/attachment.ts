/**
 * @module Evidence attachments: what a worker may attach and how it is cut for upload.
 * Shared by the Worker and the report page.
 */

export const ATTACHMENT_LIMITS = {
  files: 5,
  bytesPerFile: 10 * 1024 * 1024,
  /** Plaintext bytes per encrypted chunk: small enough that a failed chunk on a slow line costs little. */
  chunkBytes: 256 * 1024,
} as const;

/** crypto_secretstream_xchacha20poly1305_ABYTES: what each chunk grows by when encrypted. */
export const CHUNK_OVERHEAD = 17;
/**
 * Chunks of the largest file: its plaintext is padded to whole chunks with at least one byte of
 * padding (see `encryptAttachment`), so a file of exactly 10 MiB takes one chunk more than 10 MiB / 256 KiB.
 */
export const MAX_CHUNKS = Math.ceil((ATTACHMENT_LIMITS.bytesPerFile + 1) / ATTACHMENT_LIMITS.chunkBytes);

/**
 * Attachment formats. 1: the last chunk holds only the file's remaining bytes, so its stored size
 * told the file's exact length (reports sent before padding; still readable). 2: the plaintext is
 * padded to whole chunks (sodium_pad, chunk size as block size), so every stored chunk is the same size.
 */
export type AttachmentFormat = 1 | 2;
export const ATTACHMENT_FORMAT: AttachmentFormat = 2;

/** Kinds a worker may attach: photos and screenshots, audio, PDF. */
export function attachmentKind(type: string): 'image' | 'audio' | 'pdf' | null {
  if (/^image\/(jpeg|png|webp|gif|bmp)$/.test(type)) return 'image';
  if (/^audio\//.test(type)) return 'audio';
  if (type === 'application/pdf') return 'pdf';
  return null;
}

/** How an attachment is described inside the sealed report (never in clear on the server). */
export interface SealedAttachment {
  id: string;
  name: string;
  type: string;
  size: number;
  chunks: number;
  /** secretstream header and key, base64url. */
  header: string;
  key: string;
  /** True when the phone re-encoded it and so removed its hidden data (EXIF, GPS, thumbnails). */
  cleaned: boolean;
  /** Attachment format; absent in reports sent before format 2, which means 1. */
  format?: AttachmentFormat;
}

/** Where a stored report's chunk lives for good (no TTL). */
export const attachmentChunkKey = (reportId: string, attachmentId: string, index: number) =>
  `report/${reportId}/att/${attachmentId}/${index}`;

/** Where a chunk is uploaded, with a TTL, until its report is stored (src/storage/uploads.ts). */
export const attachmentUploadKey = (reportId: string, attachmentId: string, index: number) =>
  `upload/${reportId}/att/${attachmentId}/${index}`;

/**
 * Additional data binding a chunk to its format, report and attachment (the stream itself binds
 * its position). A format 2 stream cannot be read as format 1, or the other way round.
 */
export const chunkAdditionalData = (reportId: string, attachmentId: string, format: AttachmentFormat = ATTACHMENT_FORMAT) =>
  `buzon.attachment.v${format}:${reportId}:${attachmentId}`;

/** The format an attachment described in a sealed report was written in. */
export const attachmentFormatOf = (a: { format?: unknown }): AttachmentFormat => (a.format === 2 ? 2 : 1);

/**
 * Neutral file names. The name a phone gives a file (`IMG_20260301_143522.jpg`,
 * `Screenshot_20260302-091544_WhatsApp.png`, `PXL_…`) tells when it was taken and with which phone
 * or app, so it never leaves the phone: a file is named by its kind and its place among the files
 * of that kind, with the extension of its type (`foto-1.jpg`, `foto-2.png`, `documento-1.pdf`,
 * `audio-1.wav`). The names are Spanish whatever the page's language: the same file gets the same
 * name for every reader, and the name says nothing about the page either.
 */
const NAME_PREFIX: Array<[RegExp, string]> = [
  [/^image\//, 'foto'],
  [/^application\/pdf$/, 'documento'],
  [/^audio\//, 'audio'],
  [/^video\//, 'video'],
  // Mail parts (web evidence never carries text): a body part sent as a file, "text/watch-html" and the like.
  [/^text\//, 'texto'],
];

const EXTENSION: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/bmp': 'bmp',
  'application/pdf': 'pdf',
  'audio/wav': 'wav',
  'audio/wave': 'wav',
  'audio/x-wav': 'wav',
  'audio/vnd.wave': 'wav',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/m4a': 'm4a',
  'audio/aac': 'aac',
  'audio/ogg': 'ogg',
  'audio/opus': 'opus',
  'audio/webm': 'webm',
  'audio/amr': 'amr',
  'audio/3gpp': '3gp',
  'audio/flac': 'flac',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/3gpp': '3gp',
  'video/quicktime': 'mov',
  'text/plain': 'txt',
  'text/html': 'html',
  'text/watch-html': 'html',
  'text/calendar': 'ics',
};

/** The prefix of a neutral name: `foto`, `documento`, `audio`, `video`, `texto` or `archivo`. */
export const neutralPrefix = (type: string) => NAME_PREFIX.find(([re]) => re.test(type))?.[1] ?? 'archivo';

/** `foto-1.jpg`: the extension comes from the type (never from the original name); `bin` when unknown. */
export const neutralName = (type: string, position: number) => `${neutralPrefix(type)}-${position}.${EXTENSION[type] ?? 'bin'}`;

/**
 * Files as they came, with a neutral name by type (`texto-1.html`) for each that came without one:
 * mail parts often have none, and a bare type ("· text/watch-html") tells a reader nothing.
 */
export function nameUnnamed<T extends { name: string; type: string }>(files: readonly T[]): T[] {
  const names = neutralNames(files.filter((f) => !f.name.trim()).map((f) => f.type));
  let next = 0;
  return files.map((f) => (f.name.trim() ? f : { ...f, name: names[next++]! }));
}

/** Neutral names for a list of files, numbered from 1 within each kind in list order. */
export function neutralNames(types: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return types.map((type) => {
    const n = (seen.get(neutralPrefix(type)) ?? 0) + 1;
    seen.set(neutralPrefix(type), n);
    return neutralName(type, n);
  });
}

/**
 * Sizes a redrawn image may have, so its dimensions say nothing about the phone (1179 × 2556 is an
 * iPhone screenshot). The long side becomes the largest of `LONG_SIDES` not above the original's
 * (1280 when the original is smaller: small images are scaled up). The short side is scaled by the
 * same factor and then rounded to the nearest multiple of `SHORT_STEP` (at least one step, at most
 * the long side); the picture is stretched by less than half a step to fill it, so no border shows
 * the original proportions. 1179 × 2556 → 960 × 1920; 640 × 480 → 1280 × 960; 4000 × 3000 → 2560 × 1920.
 */
export const IMAGE_SIZES = { longSides: [1280, 1920, 2560], shortStep: 160 } as const;

export function imageSize(width: number, height: number): { width: number; height: number } {
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  if (!(short > 0)) throw new Error('an image needs a size');
  const target = [...IMAGE_SIZES.longSides].reverse().find((side) => side <= long) ?? IMAGE_SIZES.longSides[0];
  const step = IMAGE_SIZES.shortStep;
  const targetShort = Math.min(target, Math.max(step, Math.round((short * target) / long / step) * step));
  return width >= height ? { width: target, height: targetShort } : { width: targetShort, height: target };
}

/** What the case mailbox key signs to upload one chunk of a file added later (src/routes/mailbox-attachments-api.ts). */
export const attachAction = (attachmentId: string, index: number) => `attach:${attachmentId}:${index}`;

/** What the case mailbox key signs to read back one chunk of a file sent with a message of the thread (the follow-up page). */
export const readAction = (attachmentId: string, index: number) => `read:${attachmentId}:${index}`;

/**
 * The files a worker's answer brings, named for that answer ("respuesta-2-foto-1.png": the
 * worker's second answer), so none can be taken for one of the report's own ("foto-1.jpg"). The
 * same names in the console, its print, the follow-up page and `decrypt --out`.
 */
export function nameAnswerFiles<T extends { name: string; type: string }>(answer: number, files: readonly T[]): T[] {
  return nameUnnamed(files).map((f) => ({ ...f, name: `respuesta-${answer}-${f.name.replace(/^respuesta-\d+-/, '')}` }));
}

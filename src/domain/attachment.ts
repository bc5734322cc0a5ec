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
export const MAX_CHUNKS = Math.ceil(ATTACHMENT_LIMITS.bytesPerFile / ATTACHMENT_LIMITS.chunkBytes);

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
}

export const attachmentChunkKey = (reportId: string, attachmentId: string, index: number) =>
  `report/${reportId}/att/${attachmentId}/${index}`;

/** Additional data binding a chunk to its report, attachment and position. */
export const chunkAdditionalData = (reportId: string, attachmentId: string) => `buzon.attachment.v1:${reportId}:${attachmentId}`;

/**
 * @module Evidence sealed and uploaded in encrypted chunks: shared by the report form (paid with
 * the report's proof of work) and the follow-up page (files added later, signed with the case
 * mailbox key). Each file gets its own key; the key goes inside the sealed report or answer, only
 * ids and chunk counts go in clear. A failed chunk is retried alone.
 */
import { ATTACHMENT_FORMAT, ATTACHMENT_LIMITS, chunkAdditionalData, type SealedAttachment } from '../domain/attachment';
import type { Evidence } from './evidence-item';
import { ApiProblem, msg } from './page';
import { encryptAttachment, toB64, type Sodium } from './report-crypto';

export interface PendingUpload {
  id: string;
  chunks: Uint8Array[];
  /** Chunk indices the server has confirmed: a retry sends only the others. */
  done: Set<number>;
}

/** Encrypts each file for the case `reportId` once: the descriptions to seal, and the chunks to upload. */
export function sealEvidence(s: Sodium, reportId: string, items: Evidence[]): { attachments: SealedAttachment[]; uploads: PendingUpload[] } {
  const uploads: PendingUpload[] = [];
  const attachments = items.map((item): SealedAttachment => {
    const encrypted = encryptAttachment(s, item.bytes, ATTACHMENT_LIMITS.chunkBytes, chunkAdditionalData(reportId, item.id, ATTACHMENT_FORMAT));
    uploads.push({ id: item.id, chunks: encrypted.chunks, done: new Set() });
    return {
      id: item.id,
      name: item.name,
      type: item.type,
      size: item.bytes.length,
      chunks: encrypted.chunks.length,
      header: toB64(s, encrypted.header),
      key: toB64(s, encrypted.key),
      cleaned: item.cleaned,
      format: ATTACHMENT_FORMAT,
    };
  });
  return { attachments, uploads };
}

export interface ChunkSender {
  /** The address of one chunk PUT, authorized however the page pays for it. */
  url(uploadId: string, index: number): Promise<string>;
  /** An error code after which the chunk is simply tried again (a spent or expired challenge). */
  retryable(code: string | undefined): boolean;
}

/** Uploads every chunk not yet confirmed, one at a time, with a progress bar. */
export async function uploadChunks(uploads: PendingUpload[], sender: ChunkSender, bar: HTMLProgressElement, label: HTMLElement) {
  const total = uploads.reduce((n, u) => n + u.chunks.length, 0);
  if (!total) return;
  const done = () => uploads.reduce((n, u) => n + u.done.size, 0);
  const show = () => {
    bar.value = Math.round((done() / total) * 100);
    label.textContent = msg('form.uploading', { percent: bar.value });
  };
  bar.hidden = false;
  label.hidden = false;
  show();
  for (const upload of uploads) {
    for (let index = 0; index < upload.chunks.length; index++) {
      if (upload.done.has(index)) continue;
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await fetch(await sender.url(upload.id, index), {
            method: 'PUT',
            headers: { 'content-type': 'application/octet-stream' },
            body: upload.chunks[index]! as Uint8Array<ArrayBuffer>,
            cache: 'no-store',
            credentials: 'omit',
          });
          if (res.ok) break;
          const problem = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
          if (!sender.retryable(problem.error?.code) && res.status < 500 && res.status !== 429) {
            throw new ApiProblem(problem.error?.message ?? msg('errors.unavailable'), res.status, problem.error?.code);
          }
        } catch (error) {
          if (error instanceof ApiProblem) throw error;
        }
        if (attempt >= 6) throw new Error('network');
        await new Promise((r) => setTimeout(r, 700 * (attempt + 1)));
      }
      upload.done.add(index);
      show();
    }
  }
}

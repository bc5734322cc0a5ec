/**
 * @module Files a worker adds later, on the follow-up page: picked and cleaned like the report
 * form's (src/client/evidence.ts: neutral names, images redrawn), sealed for the case and uploaded
 * in chunks each signed with the case mailbox key (src/client/evidence-upload.ts). Their keys go
 * inside the answer they are sent with; the server learns only ids and chunk counts.
 */
import { attachAction } from '../domain/attachment';
import { evidencePicker } from './evidence';
import { sealEvidence, uploadChunks, type PendingUpload } from './evidence-upload';
import { $, showErrors } from './page';
import type { Sodium } from './report-crypto';

type Proof = (action: string) => Promise<{ mailboxId: string; challenge: string; signature: string }>;

export function laterFiles(s: Sodium, lang: string, proof: Proof) {
  const picker = evidencePicker({
    input: $<HTMLInputElement>('answer-files'),
    list: $('answer-attachment-list'),
    problems: (list) => showErrors($('answer-errors'), list),
    newId: () => s.to_hex(s.randombytes_buf(16)),
    // "Grabar mi voz": the disguised recording goes with the answer as an ordinary file (audio-1.wav).
    voice: { button: $<HTMLButtonElement>('answer-voice-start'), panel: $('answer-voice') },
  });
  const bar = $<HTMLProgressElement>('answer-upload-progress');
  const label = $('answer-upload-label');
  return {
    /** The chosen files' ids: an answer is sealed again when they change. */
    ids: () => picker.items.map((item) => item.id),
    /** The files' descriptions (keys included) for the answer, and their chunks. */
    seal: (reportId: string) => sealEvidence(s, reportId, picker.items),
    upload: (uploads: PendingUpload[]) =>
      uploadChunks(
        uploads,
        {
          async url(uploadId, index) {
            const query = new URLSearchParams({ ...(await proof(attachAction(uploadId, index))), lang });
            return `/api/mailbox/attachments/${uploadId}/chunks/${index}?${query}`;
          },
          retryable: () => false,
        },
        bar,
        label,
      ),
    clear() {
      picker.clear();
      bar.hidden = true;
      label.hidden = true;
    },
  };
}

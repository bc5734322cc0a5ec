/**
 * @module A case's files in the console: each opens on demand, its chunks fetched one by one and
 * decrypted in this page, then shown (raster images), played (audio, such as a worker's disguised
 * voice) or offered for download. Under a recording, one tap starts an internal note for its
 * transcript, sealed like every note.
 */
import { fromB64, type Sodium } from '../crypto';
import type { SealedAttachment } from '../domain/attachment';
import { fetchChunk, openChunks, openedUrl } from './attachment-open';
import { $, el, msg } from './page';

/** A player for a decrypted recording, and a button that starts the transcript as an internal note. */
function audioPlayer(url: string, name: string): HTMLElement[] {
  const player = el('audio', null, { controls: '', src: url, preload: 'metadata', 'aria-label': msg('console.play_label', { name }) });
  const transcript = el('button', msg('console.transcript_add'), { type: 'button', class: 'secondary' });
  transcript.addEventListener('click', () => {
    const note = $<HTMLTextAreaElement>('note');
    if (!note) return;
    const prefix = msg('console.transcript_prefix', { name });
    if (!note.value.includes(prefix)) note.value = `${note.value ? `${note.value}\n\n` : ''}${prefix}`;
    note.focus();
    note.setSelectionRange(note.value.length, note.value.length);
  });
  return [player, transcript];
}

/** `fresh`: a file a worker's answer brought that this reader had not seen; marked until opened here. */
export type AttachmentRef = Partial<SealedAttachment> & { name: string; type: string; size: number; data?: string; fresh?: boolean };

export function renderAttachments(s: Sodium, token: () => string, caseId: string, attachments: AttachmentRef[]) {
  const list = $('case-attachments');
  list.replaceChildren();
  if (!attachments.length) list.append(el('li', msg('console.no_files'), { class: 'hint' }));
  for (const a of attachments) {
    const item = el('li', null, { class: 'attachment' });
    item.append(el('span', `${a.name} · ${a.type} · ${Math.ceil(a.size / 1024)} KB`, { class: 'name' }));
    const fresh = a.fresh ? el('strong', ` ● ${msg('console.new_file')}`, { class: 'new-answer' }) : null;
    if (fresh) item.append(fresh);
    if (a.cleaned !== undefined) item.append(el('span', msg(a.cleaned ? 'console.attachment_cleaned' : 'console.attachment_not_cleaned'), { class: 'note' }));
    const button = el('button', msg('console.open_attachment'), { type: 'button', class: 'secondary' });
    const progress = el('progress', null, { max: '100', value: '0', hidden: '', 'aria-label': a.name });
    button.addEventListener('click', async () => {
      button.disabled = true;
      progress.hidden = false;
      try {
        const chunk = (i: number) => fetchChunk(`/console/api/cases/${caseId}/attachments/${a.id}/chunks/${i}`, { authorization: `Bearer ${token()}` });
        const bytes = a.data ? fromB64(s, a.data) : await openChunks(s, caseId, a as SealedAttachment, chunk, (p) => (progress.value = p));
        const { url, image, audio } = openedUrl(bytes, a.type);
        if (image) item.append(el('img', null, { src: url, alt: a.name }));
        if (audio) item.append(...audioPlayer(url, a.name));
        item.append(el('a', msg('console.download'), { href: url, download: a.name, class: 'no-print' }));
        fresh?.remove();
        button.remove();
      } catch {
        item.append(el('span', msg('console.decrypt_failed'), { class: 'warning' }));
        button.disabled = false;
      }
      progress.hidden = true;
    });
    item.append(button, progress);
    list.append(item);
  }
}

/**
 * @module The files of the case's thread on the follow-up page (those the worker sent with an
 * answer, or a reader sent with a reply): named by their kind, each opened on demand, its chunks
 * fetched with the case mailbox key (action "read:<file>:<chunk>") and decrypted in this page
 * (src/client/attachment-open.ts, as the console does). A recording plays from a blob: URL;
 * every file can be downloaded. The URLs go when the thread is drawn again or the case closes.
 */
import type { Sodium } from '../crypto';
import { neutralNames, readAction } from '../domain/attachment';
import { fetchChunk, isOpenable, openChunks, openedUrl, type OpenableAttachment } from './attachment-open';
import { el, msg } from './page';

type Proof = (action: string) => Promise<{ mailboxId: string; challenge: string; signature: string }>;

export function threadFiles(s: Sodium, lang: string, proof: Proof) {
  const urls = new Set<string>();

  async function open(caseId: string, a: OpenableAttachment, progress: HTMLProgressElement) {
    const chunk = async (i: number) => {
      const query = new URLSearchParams({ ...(await proof(readAction(a.id, i))), lang });
      return fetchChunk(`/api/mailbox/attachments/${a.id}/chunks/${i}?${query}`);
    };
    return openChunks(s, caseId, a, chunk, (p) => (progress.value = p));
  }

  return {
    /** The list of one message's files (nothing when it has none this page can open). */
    list(caseId: string, attachments: unknown[]): HTMLElement | null {
      const files = attachments.filter(isOpenable);
      if (!files.length) return null;
      const list = el('ul', null, { class: 'attachments' });
      neutralNames(files.map((a) => a.type)).forEach((name, i) => {
        const a = files[i]!;
        const item = el('li', null, { class: 'attachment' });
        item.append(el('span', `${name} · ${Math.ceil(a.size / 1024)} KB`, { class: 'name' }));
        const button = el('button', msg('followup.file_open'), { type: 'button', class: 'secondary', 'aria-label': `${msg('followup.file_open')}: ${name}` });
        const progress = el('progress', null, { max: '100', value: '0', hidden: '', 'aria-label': name });
        button.addEventListener('click', async () => {
          button.disabled = true;
          progress.hidden = false;
          try {
            const bytes = await open(caseId, a, progress);
            const { url, audio } = openedUrl(bytes, a.type);
            bytes.fill(0);
            urls.add(url);
            if (audio) item.append(el('audio', null, { controls: '', src: url, preload: 'metadata', 'aria-label': msg('followup.file_play', { name }) }));
            item.append(el('a', msg('followup.file_download'), { href: url, download: name }));
            button.remove();
          } catch {
            item.append(el('span', msg('followup.file_failed'), { class: 'warning', role: 'alert' }));
            button.disabled = false;
          }
          progress.hidden = true;
        });
        item.append(button, progress);
        list.append(item);
      });
      return list;
    },
    /** Forgets every opened file (its blob: URL), when the thread is drawn again or the case closes. */
    clear() {
      for (const url of urls) URL.revokeObjectURL(url);
      urls.clear();
    },
  };
}

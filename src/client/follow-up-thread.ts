/**
 * @module The case's thread on the follow-up page: each message opened with the mailbox key and
 * its signature checked (the worker's own with the mailbox key, a reader's against the signed
 * reader list), then shown with the files it carries (src/client/follow-up-thread-files.ts).
 */
import { fromB64, listedSigner, MAILBOX_SIGNER, openThreadMessage, type MailboxKeys, type ReaderList, type Sodium } from '../crypto';
import type { ThreadMessage } from '../contract/responses';
import { $, el, formatDay, msg } from './page';
import { nameAnswerFiles } from '../domain/attachment';
import type { threadFiles } from './follow-up-thread-files';

export interface ThreadCase {
  id: string;
  facilityId: string;
  receivedDay: string;
}

export function renderThread(
  s: Sodium,
  thread: { case: ThreadCase; messages: ThreadMessage[] },
  mailbox: MailboxKeys,
  readerList: ReaderList | null,
  lang: 'es' | 'en',
  files: ReturnType<typeof threadFiles>,
  askedToWiden: () => void = () => undefined,
): string[] {
  /** The names of the files the worker's own answers brought, in order (for "Lo que enviaste"). */
  const sentFiles: string[] = [];
  let answer = 0;
  const list = $('thread');
  files.clear();
  list.replaceChildren();
  const visible = thread.messages.filter((m) => m.body && m.sealed);
  if (!visible.length) list.append(el('li', msg('followup.no_messages')));
  const readers = readerList ? listedSigner(s, readerList) : () => null;
  const signerKey = (signer: string, author: string) => (signer === MAILBOX_SIGNER ? mailbox.sign.publicKey : readers(signer, author));
  for (const m of visible) {
    const item = el('li');
    item.append(el('span', `${msg(`followup.from_${m.authorRole}`)} · ${formatDay(m.day, lang)}`, { class: 'who' }));
    let opened: ReturnType<typeof openThreadMessage> = null;
    try {
      const place = { reportId: thread.case.id, messageId: m.id, facilityId: thread.case.facilityId, kind: m.kind, author: m.authorRole };
      opened = openThreadMessage(s, fromB64(s, m.body!), fromB64(s, m.sealed!), mailbox.box, place, signerKey, {
        receivedDay: thread.case.receivedDay,
        day: m.day,
      });
    } catch {
      opened = null;
    }
    // A message no trusted key signed is never shown as the monitor's or the authority's word.
    if (!opened?.verified) item.append(el('p', msg('followup.not_verified'), { class: 'warning', role: 'note' }));
    // A signed standard acknowledgement is told in the page's own words (src/domain/clocks.ts: it stops that side's acknowledgement clock).
    const standard = opened?.verified && opened.standard === 'acknowledgement';
    const written = standard ? undefined : opened?.lang === 'en' ? 'en' : opened?.lang === 'es' ? 'es-MX' : undefined;
    // Read aloud in the language it was written in, which may not be the page's.
    if (opened?.verified && opened.request === 'authority') {
      // A monitor's standard question, in the page's own words, with the one button that answers it.
      item.append(el('p', msg('followup.request_authority'), { class: 'text' }));
      const go = el('button', msg('followup.request_authority_button'), { type: 'button', class: 'secondary' });
      go.addEventListener('click', askedToWiden);
      item.append(go);
    } else {
      const text = standard ? msg('followup.standard_acknowledgement') : opened ? opened.text : msg('errors.unavailable');
      item.append(el('p', text, { class: 'text', ...(written ? { lang: written } : {}) }));
    }
    // Files only from a message a trusted key signed: their keys are inside it.
    const attached = opened?.verified ? ((opened.attachments ?? []) as unknown[]) : [];
    // A worker's answer's files are named for it, as the console names them (respuesta-2-foto-1.png).
    if (m.kind === 'answer') answer++;
    const described = attached.filter(
      (a): a is { name: string; type: string } => typeof (a as { name?: unknown })?.name === 'string' && typeof (a as { type?: unknown })?.type === 'string',
    );
    const names = (m.kind === 'answer' ? nameAnswerFiles(answer, described) : described).map((a) => a.name);
    if (m.authorRole === 'worker') sentFiles.push(...names);
    if (names.length)
      item.append(el('p', msg(m.authorRole === 'worker' ? 'followup.files_sent' : 'followup.files_received', { names: names.join(', ') }), { class: 'hint' }));
    const shown = files.list(thread.case.id, attached);
    if (shown) item.append(shown);
    list.append(item);
  }
  return sentFiles;
}

/**
 * @module A case's thread in the console: who wrote each message and who sees it, so a reply to
 * the worker and an internal note can never be taken for one another, and whether it verified.
 */
import type { RecipientKeys, Sodium } from '../crypto';
import { openCaseMessage, signerLabel, type CaseTrust } from './console-trust';
import { $, el, msg } from './page';
import { nameAnswerFiles } from '../domain/attachment';
import { noteReaders } from './console-sides';
import { rememberNotes } from './console-tools';

export interface ThreadEntry {
  id: string;
  kind: string;
  authorRole: string;
  day: string;
  body: string | null;
  sealed: string | null;
}

/** Icons are words' companions, never alone: a screen reader reads the words. */
const LOOK: Record<string, { icon: string; audience: (authorRole: string) => string }> = {
  reply: { icon: '✉', audience: () => msg('console.reply_audience') },
  answer: { icon: '✎', audience: () => msg('console.answer_audience') },
  // Notes are sealed to the readers of their author's role only (GET /console/api/cases/:id sealTo.note).
  note: { icon: '🔒', audience: (role) => msg('console.note_audience', { who: noteReaders(role) }) },
};

/**
 * Renders the thread; returns the files the worker's verified answers brought (their keys sealed
 * inside), named for their answer and marked `fresh` when the answer is one this reader had not seen.
 */
export function renderThread(
  s: Sodium,
  keys: RecipientKeys | undefined,
  trust: CaseTrust,
  caseRef: { id: string; facilityId: string; receivedDay: string; newAnswers: number },
  messages: ThreadEntry[],
): unknown[] {
  const files: unknown[] = [];
  const notes: string[] = [];
  const thread = $('case-thread');
  thread.replaceChildren();
  const answers = messages.filter((m) => m.kind === 'answer').length;
  let answer = 0;
  for (const m of messages) {
    if (m.kind === 'answer') answer++;
    const look = LOOK[m.kind] ?? LOOK.reply!;
    const item = el('li', null, { class: `msg-${m.kind}` });
    const author = msg(`console.author_${m.authorRole}`);
    const opened = keys ? openCaseMessage(s, keys, trust, caseRef, m) : null;
    // A verified standard acknowledgement is named for what it is: it stopped the acknowledgement clock.
    const kind = opened?.verified && opened.standard === 'acknowledgement' ? 'console.kind_acknowledgement' : `console.kind_${m.kind}`;
    // A heading per message, so a reader skimming (or a screen reader listing headings) tells a reply, an answer and a note apart.
    item.append(el('h4', `${look.icon} ${msg(kind)}`, { class: 'kind' }));
    item.append(el('span', `${author} · ${m.day}`, { class: 'who' }));
    item.append(el('span', look.audience(m.authorRole), { class: 'audience' }));
    if (opened && !opened.verified) item.append(el('p', msg('console.not_verified'), { class: 'warning', role: 'note' }));
    const label = opened?.verified ? signerLabel(trust, opened.signer) : undefined;
    if (label) item.append(el('span', msg('console.signed_by', { label }), { class: 'who' }));
    const written: Record<string, string> = opened?.lang === 'en' ? { lang: 'en' } : opened?.lang === 'es' ? { lang: 'es-MX' } : {};
    item.append(el('p', opened ? opened.text : msg('console.cannot_open'), { class: 'text', ...written }));
    if (opened && m.kind === 'note') notes.push(opened.text);
    // Only an answer the worker's mailbox key signed may bring files: the server cannot slip one in.
    if (opened?.verified && m.kind === 'answer' && opened.attachments) {
      const fresh = answer > answers - caseRef.newAnswers;
      const named = nameAnswerFiles(answer, opened.attachments.filter((a): a is { name: string; type: string } => typeof (a as { name?: unknown })?.name === 'string' && typeof (a as { type?: unknown })?.type === 'string'));
      if (named.length) item.append(el('p', `${msg('console.answer_files', { names: named.map((f) => f.name).join(', ') })}${fresh ? ` · ● ${msg('console.new_file')}` : ''}`, { class: fresh ? 'hint new-answer' : 'hint' }));
      files.push(...named.map((f) => ({ ...f, fresh })));
    }
    thread.append(item);
  }
  // The list's search finds this case by its notes too, from now on (src/client/console-tools.ts).
  rememberNotes(caseRef.id, notes);
  return files;
}

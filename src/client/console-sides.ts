/**
 * @module The console's view of a case's sides (src/domain/case-sides.ts): which parts of the
 * triage form a reader works, and the status lines of each side the worker sent the case to.
 * Officials see the company's side as well as their own; monitors see the company's only.
 */
import { sideItems, sideLine, type ShownSide } from './case-sides';
import { $, el, msg } from './page';

type Role = 'monitor' | 'official';

/** Officials set status and severity of the authority's side; tags and assignment are the monitors' own. */
export function fitTriageForm(role: Role) {
  for (const id of ['triage-tags-field', 'triage-assignee-field']) $(id).hidden = role !== 'monitor';
  $('triage-side').textContent = msg('case_side.own_side', { side: msg(`case_side.${role === 'monitor' ? 'company' : 'authority'}`) });
  $('note-hint').textContent = msg('console.note_hint', { who: noteReaders(role) });
}

/** The case facts about its sides: one status line per side shown, and a word when the authority's is not. */
export function sideFacts(c: { sendTo: string; sides: ShownSide[] }, role: Role): HTMLLIElement[] {
  const items = sideItems(c.sides);
  if (role === 'monitor' && c.sendTo === 'both') items.push(el('li', msg('case_side.authority_private'), { class: 'hint' }));
  return items;
}

/**
 * Who may read the case. A web report's worker chose; someone who writes a mail chooses nothing:
 * the plant's setting (facilities.mail_send_to, as its readers allowed) decided where it went.
 */
export const sentToText = (channel: 'web' | 'email', sendTo: string) =>
  channel === 'email' ? msg('console.mail_sent_to', { who: msg(`console.mail_to.${sendTo}`) }) : msg('console.sent_to', { who: msg(`send_to.${sendTo}.label`) });

/** Who reads a note written by `role`: notes are sealed to the case's readers of the author's role only. */
export const noteReaders = (role: string) => msg(`console.note_readers.${role === 'official' ? 'official' : 'monitor'}`);

/** The list's status cell text: the reader's own status, or every side's line when there are two. */
export const listStatus = (c: { status: string; sides: ShownSide[] }) => (c.sides.length > 1 ? c.sides.map(sideLine).join(' · ') : msg(`status.${c.status}`));

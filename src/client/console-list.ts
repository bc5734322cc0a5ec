/**
 * @module One row of the console's case list: what the case is, its clocks, and a mark when the
 * worker answered since this reader last opened it. Decrypted text only ever goes in as text.
 */
import { daysBetween } from '../domain/case';
import { caseClocks, dueNext } from '../domain/clocks';
import { el, msg } from './page';
import { listStatus } from './console-sides';
import { sortKeys } from './console-sort';
import type { CaseSummary } from '../contract/responses';

export type { CaseSummary } from '../contract/responses';
/** A decrypted report, and the envelope format it opened in. */
export type Plain = Record<string, unknown> & { format?: 1 | 2 };

/** The language a decrypted text was written in, as a lang attribute, so a screen reader reads it in that voice. */
export const writtenIn = (p: Plain | null): Record<string, string> => (p?.lang === 'en' ? { lang: 'en' } : p?.lang === 'es' ? { lang: 'es-MX' } : {});

const summaryOf = (p: Plain | null) => {
  if (!p) return msg('console.cannot_open');
  const text = String(p.description ?? p.subject ?? p.text ?? '');
  return text.length > 140 ? `${text.slice(0, 140)}…` : text;
};

export function caseRow(c: CaseSummary, plain: Plain | null, today: string, onOpen: () => void): HTMLTableRowElement {
  // The reader's own side: what is due next and by when, by the one definition (src/domain/clocks.ts).
  const next = dueNext(caseClocks(c.clockFacts, c.deadlines, today));
  const overdue = next?.overdue === true;
  const days = daysBetween(c.receivedDay, today);
  const row = el('tr', null, { 'data-id': c.id, class: overdue ? 'overdue' : '', ...sortKeys({ ...c, receivedDays: days }) });
  row.append(
    el('td', c.receivedDay),
    el('td', c.facilityName),
    el('td', c.categories.map((k) => msg(`categories.${k}.label`)).join(', ') || msg(`console.channel_${c.channel}`)),
    statusCell(c),
    el('td', c.severity ? msg(`severity.${c.severity}`) : '—', { class: `severity${c.severity ? ` severity-${c.severity}` : ''}` }),
    el('td', String(days)),
    el('td', next ? `${msg(`clock.name.${next.clock}`)} · ${next.due}${overdue ? ` · ${msg('clock.outcome.overdue')}` : ''}` : '✓', { class: 'deadline' }),
  );
  const summary = el('td', null, { class: 'summary' });
  // The visible summary is the name; the case number is read after it.
  const button = el('button', summaryOf(plain), { type: 'button', title: `${msg('console.open_case')}: ${c.id.slice(0, 8)}`, ...writtenIn(plain) });
  button.addEventListener('click', onOpen);
  summary.append(button);
  row.append(summary);
  return row;
}

/** The status, and a mark the eye and a screen reader both catch when the worker answered since I last looked. */
function statusCell(c: CaseSummary) {
  const cell = el('td', listStatus(c));
  if (c.newAnswers > 0) cell.append(' ', el('strong', `● ${msg('console.new_answers')}`, { class: 'new-answer' }));
  return cell;
}


/**
 * @module One case on the console: its facts, the report's fields as decrypted here, its files,
 * the thread and the sharing panel. Every decrypted word is set as text, never as HTML.
 */
import { daysBetween } from '../domain/case';
import { caseClocks, CLOCK_NAMES, clockLine, dueNext, dueNextLine } from '../domain/clocks';
import { nameUnnamed } from '../domain/attachment';
import { $, el, msg } from './page';
import { renderAttachments, type AttachmentRef } from './console-attachments';
import { caseTrust, type CaseTrust } from './console-trust';
import { renderThread } from './console-thread';
import { renderShare } from './console-share';
import { writtenIn, type Plain } from './console-list';
import { listStatus, sentToText, sideFacts } from './console-sides';
import { api } from './console-session';
import { disarmReply } from './console-compose';
import { fillTriage } from './console-triage';
import { openPlain, state, type CaseDetail } from './console-state';

/** Shows a case; `focus` false re-renders it in place (after saving), leaving focus where the reader is. */
export async function showCase(id: string, focus = true) {
  if (focus) {
    // A "Guardado." or "Enviado." said about another case must not stay on screen.
    $('triage-status-msg').textContent = '';
    $('message-status').textContent = '';
    $('hold-status').textContent = '';
    disarmReply();
  }
  state.openCaseId = id;
  const detail = await api<CaseDetail>(`/cases/${id}`);
  state.openDetail = detail;
  const c = detail.case;
  const { s } = state;
  $('list-view').hidden = true;
  $('case-view').hidden = false;
  $('case-heading').textContent = msg('console.case_heading', { ref: c.id.slice(0, 8) });

  const plain = openPlain(detail.body, c.sealed, c);
  const trust = caseTrust(s, detail, plain ? { format: plain.format ?? 1, mailbox: plain.mailbox as { boxPk?: unknown; signPk?: unknown } | undefined, sendTo: plain.sendTo } : null);
  state.openTrust = trust;
  showFacts(detail, trust);
  showFields(plain);
  fillTriage(detail);
  const answerFiles = renderThread(s, state.keys, trust, c, detail.messages);
  // The report's files, then those the worker added later with a released answer (the server lists those).
  const listed = new Set((detail.attachments ?? []).map((a) => a.id));
  // Named for their answer already (respuesta-2-foto-1.png): nameUnnamed below leaves them as they are.
  const later = (answerFiles as AttachmentRef[]).filter((a) => typeof a?.id === 'string' && listed.has(a.id) && typeof a.name === 'string' && typeof a.type === 'string' && typeof a.size === 'number');
  const files = nameUnnamed([...((plain?.attachments as AttachmentRef[] | undefined) ?? []), ...later]);
  // Mail that did not parse cleanly carries its raw bytes (sender headers stripped at the edge).
  if (typeof plain?.raw === 'string') files.push({ name: 'original.eml', type: 'message/rfc822', size: Math.floor((plain.raw.length * 3) / 4), data: plain.raw });
  // Re-rendered in place after saving: the files stay as the reader left them (an opened photo stays open).
  if (focus) renderAttachments(s, () => state.token, c.id, files);

  renderShare(s, state.keys!, trust, detail, focus);
  if (focus) $('case-view').focus();
}

/** The case's facts: where and how it came, its clock, who it was sent to, its sides and how long it is kept. */
function showFacts(detail: CaseDetail, trust: CaseTrust) {
  const c = detail.case;
  const today = state.today;
  // The reader's own side's clocks (src/domain/clocks.ts): what is due next on top, each clock in the facts.
  const clocks = caseClocks(c.clockFacts, c.deadlines, today);
  const next = dueNext(clocks);
  $('case-due-next').textContent = dueNextLine(msg, clocks);
  $('case-due-next').classList.toggle('overdue', next?.overdue === true);
  // "Acusar recibo" is offered until this side's acknowledgement clock has stopped.
  $('ack-box').hidden = clocks.acknowledge.day !== null;
  $('case-from').textContent = msg(`console.case_from_${c.channel}`, { facility: c.facilityName, day: c.receivedDay });
  $('case-to').textContent = sentToText(c.channel, trust.sendTo);
  const facts = $('case-facts');
  facts.replaceChildren(
    // Each side's status first ("Monitor de la empresa: Leído"), then this side's clocks.
    ...sideFacts(c, state.reader!.role),
    ...CLOCK_NAMES.map((name) => el('li', clockLine(msg, name, clocks[name]), { class: `clock clock-${clocks[name].outcome}` })),
    el('li', msg('console.days_since', { days: daysBetween(c.receivedDay, today) })),
  );
  // The triage form does not print: its values do, as one line.
  $('case-triage-print').textContent = msg('console.case_triage_print', {
    status: listStatus(c),
    severity: c.severity ? msg(`severity.${c.severity}`) : msg('console.severity_none'),
    tags: c.tags.join(', ') || '—',
  });
  if (trust.mailbox === 'unchecked') facts.append(el('li', msg('console.mailbox_unchecked')));
  const kept = detail.retention;
  if (kept.holdReason) facts.append(el('li', msg('console.held', { reason: msg(`hold_reason.${kept.holdReason}`) })));
  // The reference and note are the officials' own record (the server gives them to officials only).
  if (kept.holdReason && (c.holdReference || c.holdNote)) facts.append(el('li', msg('console.held_reference', { reference: c.holdReference ?? '—', note: c.holdNote ?? '—' })));
  else if (kept.eraseDay) facts.append(el('li', msg('console.erase_on', { day: kept.eraseDay, closed: kept.policy.closedDays })));
  if (c.newAnswers > 0) facts.prepend(el('li', msg('console.new_answers_case', { count: c.newAnswers }), { class: 'new-answer' }));
}

/** The report's own fields, as text, in the language the worker wrote them in. */
function showFields(plain: Plain | null) {
  const fields = $('report-fields');
  fields.replaceChildren();
  /** A field of the report; `written` when it is the worker's own words rather than a label of ours. */
  const field = (label: string, value: unknown, written = true) => {
    if (value === undefined || value === null || value === '') return;
    fields.append(el('dt', msg(label)), el('dd', String(value), written ? writtenIn(plain) : {}));
  };
  if (!plain) fields.append(el('dd', msg('console.cannot_open')));
  else {
    // What the worker ticked under "¿Qué pasó?", as sealed in the report (the printed copy shows it too).
    const ticked = Array.isArray(plain.categories) ? plain.categories.filter((k): k is string => typeof k === 'string') : [];
    field('console.field_categories', ticked.map((k) => msg(`categories.${k}.label`)).join(', ') || undefined, false);
    field('console.field_when', plain.when ? msg(`when.${plain.when}`) : undefined, false);
    field('console.field_where', plain.where);
    field('console.field_who', plain.who);
    field('console.field_subject', plain.subject);
    field('console.field_description', plain.description ?? plain.text);
  }
}

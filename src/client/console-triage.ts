/**
 * @module The open case's triage form (status, severity, tags, who handles it) and its legal hold:
 * filled from the case, and saved as only what the reader changed.
 */
import { isValidTag, MAX_TAG_LENGTH, MAX_TAGS, TRANSITIONS } from '../domain/case';
import { canWiden } from '../domain/case-sides';
import { sealCaseMessage } from './console-trust';
import { $, ApiProblem, el, msg } from './page';
import { api } from './console-session';
import { lang, state, type CaseDetail } from './console-state';

/** Shows the case in the page again after a save, leaving focus where it is. */
type Refresh = (caseId: string) => Promise<void>;

export function wireTriage(refresh: Refresh) {
  $<HTMLFormElement>('triage').addEventListener('submit', (e) => {
    e.preventDefault();
    void saveTriage(refresh);
  });
  $<HTMLFormElement>('hold').addEventListener('submit', (e) => {
    e.preventDefault();
    void saveHold(refresh);
  });
  $<HTMLFormElement>('hold').addEventListener('input', () => disarmHold());
}

/** Fills the forms with the case as it stands: the status offers only the moves allowed from it. */
export function fillTriage(detail: CaseDetail) {
  const c = detail.case;
  $<HTMLSelectElement>('hold-reason').value = detail.retention.holdReason ?? '';
  $<HTMLInputElement>('hold-reference').value = c.holdReference ?? '';
  $<HTMLTextAreaElement>('hold-note').value = c.holdNote ?? '';
  disarmHold();
  const statusSelect = $<HTMLSelectElement>('triage-status');
  // Asking the worker's permission only where the authority does not have the case (officials never see such a case).
  const moves = TRANSITIONS[c.status].filter((st) => st !== 'permission_asked' || canWiden(c.sendTo));
  statusSelect.replaceChildren(...[c.status, ...moves].map((st) => el('option', msg(`status.${st}`), { value: st })));
  $('permission-hint').hidden = !moves.includes('permission_asked');
  $<HTMLSelectElement>('triage-severity').value = c.severity ?? '';
  $<HTMLInputElement>('triage-tags').value = c.tags.join(', ');
  const assignee = $<HTMLSelectElement>('triage-assignee');
  assignee.replaceChildren(el('option', msg('console.nobody'), { value: '' }), ...detail.monitors.map((m) => el('option', m.label, { value: m.keyId })));
  assignee.value = c.assignee ?? '';
}

/** The hold as the official set it, waiting for the second press that confirms it; any change asks again. */
let armedHold: string | undefined;

function disarmHold() {
  armedHold = undefined;
  $('hold-save').textContent = msg('console.hold_save');
}

async function saveHold(refresh: Refresh) {
  if (!state.openCaseId) return;
  const hold = {
    reason: $<HTMLSelectElement>('hold-reason').value || null,
    reference: $<HTMLInputElement>('hold-reference').value.trim() || null,
    note: $<HTMLTextAreaElement>('hold-note').value.trim() || null,
  };
  // Putting or lifting a hold changes when a worker's words are erased: the first press asks, the second saves.
  const asked = JSON.stringify([state.openCaseId, hold]);
  if (armedHold !== asked) {
    armedHold = asked;
    $('hold-save').textContent = msg(hold.reason ? 'console.hold_confirm' : 'console.unhold_confirm');
    $('hold-status').textContent = msg('console.hold_confirm_hint');
    return;
  }
  try {
    await api(`/cases/${state.openCaseId}/hold`, hold);
    await refresh(state.openCaseId);
    $('hold-status').textContent = msg('console.hold_saved');
  } catch (error) {
    $('hold-status').textContent = error instanceof ApiProblem ? error.message : msg('errors.network');
  }
}

async function saveTriage(refresh: Refresh) {
  if (!state.openCaseId || !state.openDetail) return;
  const c = state.openDetail.case;
  const tags = [...new Set($<HTMLInputElement>('triage-tags').value.split(',').map((t) => t.trim()).filter(Boolean))];
  const status = $<HTMLSelectElement>('triage-status').value;
  const severity = $<HTMLSelectElement>('triage-severity').value || null;
  const assignee = $<HTMLSelectElement>('triage-assignee').value || null;
  const change: Record<string, unknown> = {};
  if (status !== c.status) change.status = status;
  if (severity !== c.severity) change.severity = severity;
  if (assignee !== c.assignee) change.assignee = assignee;
  if (tags.join(',') !== c.tags.join(',')) change.tags = tags;
  if (tags.length > MAX_TAGS || tags.some((tag) => !isValidTag(tag))) {
    $('triage-status-msg').textContent = msg('console.tags_invalid', { max: MAX_TAGS, length: MAX_TAG_LENGTH });
    $('triage-tags').focus();
    return;
  }
  if (!Object.keys(change).length) {
    $('triage-status-msg').textContent = msg('console.saved');
    return;
  }
  try {
    // Asking permission is a reply the worker sees: the standard question first, signed and sealed like any reply.
    if (change.status === 'permission_asked') await api(`/cases/${c.id}/messages`, sealCaseMessage(state.s, state.keys!, state.openDetail, state.openTrust!, 'reply', msg('console.ask_authority_text'), lang, { request: 'authority' }));
    await api(`/cases/${state.openCaseId}/triage`, change);
    await refresh(state.openCaseId);
    $('triage-status-msg').textContent = msg(change.status === 'permission_asked' ? 'console.ask_authority_sent' : 'console.saved');
  } catch (error) {
    $('triage-status-msg').textContent = error instanceof ApiProblem ? error.message : msg('errors.network');
  }
}

/**
 * @module The readers' console. The passphrase becomes keys here (Argon2id), the keys sign the
 * sign-in challenge, and every report and message is decrypted here. Private keys and the
 * session token live only in this page's memory; decrypted text is only ever set as text.
 */
import sodium from 'libsodium-wrappers-sumo';
import { deriveRecipientKeys, fromB64, fromUtf8, openReport, signinMessage, signProof, toB64, type RecipientKeys, type SignedReaderList, type Sodium } from '../crypto';
import { renderAttachments, type AttachmentRef } from './console-attachments';
import { caseTrust, sealCaseMessage, type CaseTrust } from './console-trust';
import { renderThread } from './console-thread';
import { initShare, renderShare } from './console-share';
import { caseRow, writtenIn, type CaseSummary, type Plain } from './console-list';
import { addDays, CLOCK, daysBetween, isValidTag, MAX_TAG_LENGTH, MAX_TAGS, TRANSITIONS, type Status } from '../domain/case';
import { $, ApiProblem, el, leaveTo, msg, requestJson, showErrors } from './page';
import { applySearch, forgetWords, rememberWords, wireConsoleTools } from './console-tools';
import { startTrends } from './trends';
import { fitTriageForm, sentToFact, sideFacts } from './console-sides';
import { sortableCases } from './console-sort';
import { nameUnnamed } from '../domain/attachment';

interface Reader {
  keyId: string;
  role: 'monitor' | 'official';
  label: string;
}
interface CaseDetail {
  case: CaseSummary;
  body: string | null;
  messages: Array<{ id: string; seq: number; kind: string; authorRole: string; day: string; body: string | null; sealed: string | null }>;
  monitors: Array<{ keyId: string; label: string }>;
  sealTo: { reply: Array<{ keyId: string; boxPk: string }>; note: Array<{ keyId: string; boxPk: string }> };
  readers: SignedReaderList | null;
  retention: { eraseDay: string | null; holdReason: string | null; policy: { closedDays: number } };
}

const PAGE_SIZE = 200;
const root = document.querySelector<HTMLElement>('.console')!;
const lang = root.dataset.lang === 'en' ? 'en' : 'es';
const signinForm = $<HTMLFormElement>('signin');
const signinButton = $<HTMLButtonElement>('signin-button');

let s: Sodium;
let keys: RecipientKeys | undefined;
let token = '';
let reader: Reader | undefined;
let today = '';
let shown = 0;
let openCaseId: string | undefined;
let openDetail: CaseDetail | undefined;
let openTrust: CaseTrust | undefined;

start().catch(() => showErrors($('signin-errors'), [msg('errors.unavailable')]));

async function start() {
  await sodium.ready;
  s = sodium as unknown as Sodium;
  signinButton.disabled = false;
  signinButton.textContent = msg('console.signin');
  if (new URLSearchParams(location.search).has('fin')) showErrors($('signin-errors'), [msg('errors.unauthenticated')]);
  signinForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void signIn();
  });
  $('signout').addEventListener('click', () => void signOut());
  $<HTMLFormElement>('filters').addEventListener('submit', (e) => {
    e.preventDefault();
    void loadList(true);
  });
  $('more').addEventListener('click', () => void loadList(false));
  $('back').addEventListener('click', showList);
  wireConsoleTools(() => token !== '');
  $<HTMLFormElement>('triage').addEventListener('submit', (e) => {
    e.preventDefault();
    void saveTriage();
  });
  $<HTMLFormElement>('hold').addEventListener('submit', (e) => {
    e.preventDefault();
    void saveHold();
  });
  $('send-reply').addEventListener('click', () => void sendMessage('reply'));
  $('reply').addEventListener('input', () => armedReply !== undefined && disarmReply());
  $('add-note').addEventListener('click', () => void sendMessage('note'));
  initShare((path, body) => api(path, body));
}

/**
 * A console API call. A session that has ended (key retired, 8 h idle, 12 h since sign-in) wipes
 * the keys from page memory and returns to the sign-in form, which says why.
 */
async function api<T>(path: string, body?: unknown): Promise<T> {
  try {
    return await requestJson<T>(`/console/api${path}${path.includes('?') ? '&' : '?'}lang=${lang}`, { body, token });
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 401 && path !== '/signout') {
      forgetKeys();
      leaveTo(`/console?lang=${lang}&fin=1`);
    }
    throw error;
  }
}

function forgetKeys() {
  if (keys) {
    s.memzero(keys.box.privateKey);
    s.memzero(keys.sign.privateKey);
  }
  keys = undefined;
  token = '';
  forgetWords();
}

async function signIn() {
  const box = $('signin-errors');
  // A pasted name may carry spaces or capitals; anything else that is not a name gets the one answer for a failed sign-in.
  const keyId = $<HTMLInputElement>('key-id').value.replace(/\s+/g, '').toLowerCase();
  const passField = $<HTMLInputElement>('passphrase');
  showErrors(box, []);
  if (!/^[0-9a-f]{16}$/.test(keyId)) {
    showErrors(box, [msg('console.wrong_passphrase')]);
    return;
  }
  signinButton.disabled = true;
  $('signin-status').textContent = msg('console.signing_in');
  try {
    const { challenge, kdf } = await requestJson<{ challenge: string; kdf: { salt: string; ops: number; mem: number } }>(
      `/console/api/signin/challenge?lang=${lang}`,
      { body: { keyId } },
    );
    const derived = deriveRecipientKeys(s, passField.value, { salt: fromB64(s, kdf.salt), opsLimit: kdf.ops, memLimit: kdf.mem });
    if (derived.keyId !== keyId) {
      showErrors(box, [msg('console.wrong_passphrase')]);
      return;
    }
    const signature = signProof(s, signinMessage(location.origin, challenge), derived.sign.privateKey);
    const res = await requestJson<{ token: string; reader: Reader }>(`/console/api/signin?lang=${lang}`, {
      body: { keyId, challenge, signature: toB64(s, signature) },
    });
    keys = derived;
    token = res.token;
    reader = res.reader;
    passField.value = '';
    signinForm.hidden = true;
    $('app').hidden = false;
    $('signed-in-as').textContent = msg('console.signed_in_as', { label: reader.label, role: msg(`console.role_${reader.role}`) });
    fitTriageForm(reader.role);
    sortableCases($<HTMLTableElement>('cases'), lang);
    $('hold').hidden = reader.role !== 'official'; // a legal hold is the authority's to set
    $('filter-held-label').hidden = reader.role !== 'official';
    if (reader.role === 'official') startTrends({ lang, token: () => token });
    const session = await api<{ facilities: Array<{ id: string; name: string }>; today: string }>('/session');
    today = session.today;
    const select = $<HTMLSelectElement>('filter-facility');
    for (const f of session.facilities) select.append(el('option', f.name, { value: f.id }));
    await loadList(true);
    $('cases-heading').focus(); // the sign-in form that had focus is gone
  } catch (error) {
    showErrors(box, [error instanceof ApiProblem ? error.message : msg('errors.network')]);
  } finally {
    signinButton.disabled = false;
    $('signin-status').textContent = '';
  }
}

async function signOut() {
  try {
    await api('/signout', {});
  } finally {
    forgetKeys();
    leaveTo(`/console?lang=${lang}`);
  }
}

/** Opens a report body sealed to this reader's key (format 2, or 1 for older reports); null if it cannot. */
function open(body: string | null, sealed: string | null, c: { id: string; facilityId: string }): Plain | null {
  if (!body || !sealed || !keys) return null;
  try {
    const { plain, format } = openReport(s, fromB64(s, body), fromB64(s, sealed), keys.box, { reportId: c.id, facilityId: c.facilityId });
    return { ...(JSON.parse(fromUtf8(plain)) as Record<string, unknown>), format };
  } catch {
    return null;
  }
}

/** The language a decrypted text was written in, as a lang attribute, so a screen reader reads it in that voice. */
async function loadList(reset: boolean) {
  if (reset) {
    shown = 0;
    $('cases').querySelector('tbody')!.replaceChildren();
    forgetWords();
  }
  const params = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(shown) });
  const status = $<HTMLSelectElement>('filter-status').value;
  const category = $<HTMLSelectElement>('filter-category').value;
  const facility = $<HTMLSelectElement>('filter-facility').value;
  if (status) params.set('status', status);
  if (category) params.set('category', category);
  if (facility) params.set('facility', facility);
  if ($<HTMLInputElement>('filter-overdue').checked) params.set('overdue', '1');
  if ($<HTMLInputElement>('filter-answers').checked) params.set('answers', '1');
  if ($<HTMLInputElement>('filter-held').checked) params.set('held', '1');
  try {
    const { cases, total, withNewAnswers } = await api<{ cases: CaseSummary[]; total: number; withNewAnswers: number }>(`/cases?${params}`);
    const readable = cases.filter((c) => c.sealed).map((c) => c.id);
    const { bodies } = readable.length ? await api<{ bodies: Record<string, string | null> }>('/bodies', { ids: readable }) : { bodies: {} };
    const rows = document.createDocumentFragment();
    for (const c of cases) {
      const plain = open(bodies[c.id] ?? null, c.sealed, c);
      rememberWords(c.id, plain);
      rows.append(caseRow(c, plain, today, () => void showCase(c.id)));
    }
    $('cases').querySelector('tbody')!.append(rows);
    applySearch();
    shown += cases.length;
    const counted = total ? msg('console.count', { shown, total }) : msg('console.none');
    $('list-count').textContent = withNewAnswers ? `${counted} · ${msg('console.new_answers_count', { count: withNewAnswers })}` : counted;
    $('more').hidden = shown >= total;
  } catch (error) {
    $('list-count').textContent = error instanceof ApiProblem ? error.message : msg('errors.network');
  }
}

function showList() {
  $('case-view').hidden = true;
  $('list-view').hidden = false;
  openCaseId = undefined;
  $('cases-heading').focus(); // the back button that had focus is gone
  void loadList(true);
}

/** Shows a case; `focus` false re-renders it in place (after saving), leaving focus where the reader is. */
async function showCase(id: string, focus = true) {
  if (focus) {
    // A "Guardado." or "Enviado." said about another case must not stay on screen.
    $('triage-status-msg').textContent = '';
    $('message-status').textContent = '';
    $('hold-status').textContent = '';
    disarmReply();
  }
  openCaseId = id;
  const detail = await api<CaseDetail>(`/cases/${id}`);
  openDetail = detail;
  const c = detail.case;
  $('list-view').hidden = true;
  $('case-view').hidden = false;
  $('case-heading').textContent = msg('console.case_heading', { ref: c.id.slice(0, 8) });

  const plain = open(detail.body, c.sealed, c);
  const trust = caseTrust(s, detail, plain ? { format: plain.format ?? 1, mailbox: plain.mailbox as { boxPk?: unknown; signPk?: unknown } | undefined, sendTo: plain.sendTo } : null);
  openTrust = trust;
  const facts = $('case-facts');
  facts.replaceChildren(
    el('li', `${c.facilityName} · ${msg(`console.channel_${c.channel}`)} · ${c.receivedDay}`),
    el('li', msg('console.days_since', { days: daysBetween(c.receivedDay, today) })),
    el('li', c.firstReplyDay ? msg('console.acknowledged_on', { day: c.firstReplyDay }) : msg('console.ack_deadline', { day: addDays(c.receivedDay, CLOCK.acknowledge) })),
    sentToFact(c.channel, trust.sendTo),
    ...sideFacts(c, reader!.role),
  );

  if (trust.mailbox === 'unchecked') facts.append(el('li', msg('console.mailbox_unchecked')));
  const kept = detail.retention;
  if (kept.holdReason) facts.append(el('li', msg('console.held', { reason: msg(`hold_reason.${kept.holdReason}`) })));
  else if (kept.eraseDay) facts.append(el('li', msg('console.erase_on', { day: kept.eraseDay, closed: kept.policy.closedDays })));
  $<HTMLSelectElement>('hold-reason').value = kept.holdReason ?? '';
  if (c.newAnswers > 0) facts.prepend(el('li', msg('console.new_answers_case', { count: c.newAnswers }), { class: 'new-answer' }));
  const fields = $('report-fields');
  fields.replaceChildren();
  /** A field of the report; `written` when it is the worker's own words rather than a label of ours. */
  const field = (label: string, value: unknown, written = true) => {
    if (value === undefined || value === null || value === '') return;
    fields.append(el('dt', msg(label)), el('dd', String(value), written ? writtenIn(plain) : {}));
  };
  if (!plain) fields.append(el('dd', msg('console.cannot_open')));
  else {
    field('console.field_when', plain.when ? msg(`when.${plain.when}`) : undefined, false);
    field('console.field_where', plain.where);
    field('console.field_who', plain.who);
    field('console.field_subject', plain.subject);
    field('console.field_description', plain.description ?? plain.text);
  }
  const files = nameUnnamed((plain?.attachments as AttachmentRef[] | undefined) ?? []);
  // Mail that did not parse cleanly carries its raw bytes (sender headers stripped at the edge).
  if (typeof plain?.raw === 'string') files.push({ name: 'original.eml', type: 'message/rfc822', size: Math.floor((plain.raw.length * 3) / 4), data: plain.raw });
  // Re-rendered in place after saving: the files stay as the reader left them (an opened photo stays open).
  if (focus) renderAttachments(s, () => token, c.id, files);

  const statusSelect = $<HTMLSelectElement>('triage-status');
  statusSelect.replaceChildren(...[c.status, ...TRANSITIONS[c.status]].map((st) => el('option', msg(`status.${st}`), { value: st })));
  $<HTMLSelectElement>('triage-severity').value = c.severity ?? '';
  $<HTMLInputElement>('triage-tags').value = c.tags.join(', ');
  const assignee = $<HTMLSelectElement>('triage-assignee');
  assignee.replaceChildren(el('option', msg('console.nobody'), { value: '' }), ...detail.monitors.map((m) => el('option', m.label, { value: m.keyId })));
  assignee.value = c.assignee ?? '';

  renderThread(s, keys, trust, c, detail.messages);
  renderShare(s, keys!, trust, detail, focus);
  if (focus) $('case-view').focus();
}

async function saveHold() {
  if (!openCaseId) return;
  try {
    await api(`/cases/${openCaseId}/hold`, { reason: $<HTMLSelectElement>('hold-reason').value || null });
    await showCase(openCaseId, false);
    $('hold-status').textContent = msg('console.hold_saved');
  } catch (error) {
    $('hold-status').textContent = error instanceof ApiProblem ? error.message : msg('errors.network');
  }
}

async function saveTriage() {
  if (!openCaseId || !openDetail) return;
  const c = openDetail.case;
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
    await api(`/cases/${openCaseId}/triage`, change);
    await showCase(openCaseId, false);
    $('triage-status-msg').textContent = msg('console.saved');
  } catch (error) {
    $('triage-status-msg').textContent = error instanceof ApiProblem ? error.message : msg('errors.network');
  }
}

/** A reply or note on its way: a double tap sends nothing more, a retry of the same text resends the same id. */
let sending = false;
/** The reply text the reader has been asked to confirm; any change asks again. */
let armedReply: string | undefined;

function disarmReply() {
  armedReply = undefined;
  $('send-reply').textContent = msg('console.send_reply');
}
let pendingMessage: { caseId: string; kind: string; text: string; body: unknown } | undefined;

/** Seals a reply (to the worker's mailbox and the case's readers) or a note (to readers of my role). */

async function sendMessage(kind: 'reply' | 'note') {
  if (!openCaseId || !openDetail || sending) return;
  const field = $<HTMLTextAreaElement>(kind === 'reply' ? 'reply' : 'note');
  const text = field.value.trim();
  const status = $('message-status');
  if (!text) {
    status.textContent = msg('console.empty_text');
    return;
  }
  const c = openDetail.case;
  // A reply reaches the worker: the first press asks, on the same button, and the second sends.
  if (kind === 'reply' && armedReply !== text) {
    armedReply = text;
    $('send-reply').textContent = msg('console.confirm_reply');
    status.textContent = msg('console.confirm_reply_hint');
    return;
  }
  if (!pendingMessage || pendingMessage.caseId !== c.id || pendingMessage.kind !== kind || pendingMessage.text !== text) {
    try {
      const body = sealCaseMessage(s, keys!, openDetail, openTrust!, kind, text, lang);
      pendingMessage = { caseId: c.id, kind, text, body };
    } catch (error) {
      status.textContent = error instanceof ApiProblem ? error.message : msg('errors.unavailable');
      return;
    }
  }
  const buttons = [$<HTMLButtonElement>('send-reply'), $<HTMLButtonElement>('add-note')];
  sending = true;
  buttons.forEach((b) => (b.disabled = true));
  try {
    await api(`/cases/${c.id}/messages`, pendingMessage.body);
    pendingMessage = undefined;
    field.value = '';
    if (kind === 'reply') disarmReply();
    await showCase(c.id, false);
    status.textContent = msg(kind === 'reply' ? 'console.reply_sent' : 'console.note_saved');
  } catch (error) {
    status.textContent = error instanceof ApiProblem ? error.message : msg('errors.network');
  } finally {
    sending = false;
    buttons.forEach((b) => (b.disabled = false));
    field.focus(); // a disabled button loses focus; the text box is where the reader goes on
  }
}

/**
 * @module The worker's follow-up page: derives the case mailbox from the receipt code, proves
 * it by signing, decrypts the answers in page memory and seals the worker's reply.
 * The code and the keys live only in this page's memory; closing or leaving forgets them.
 */
import sodium from 'libsodium-wrappers';
import { WasmUnavailable } from './sodium/wasm-asset';
import {
  deriveMailbox,
  fromB64,
  listedRecipients,
  MAILBOX_SIGNER,
  mailboxMessage,
  fromUtf8,
  normalizeReceiptCode,
  receiptCodeProblem,
  openReport,
  sealSignedMessage,
  signProof,
  toB64,
  type MailboxKeys,
  type ReaderList,
  type Sodium,
} from '../crypto';
import { rolesFor, SEND_TO, type SendTo } from '../domain/report';
import { canWiden, REFERRAL } from '../domain/case-sides';
import { servedAsSigned, trustedReaderList } from './admin-key';
import { $, ApiProblem, formatDay, leaveTo, msg, requestJson, showErrors } from './page';
import { followUpConstancia } from './follow-up-constancia';
import { laterFiles } from './follow-up-files';
import { caseErase } from './follow-up-erase';
import { caseKeep, showKeep } from './follow-up-keep';
import { caseWiden, consentVerifies, focusWiden, showWiden } from './follow-up-widen';
import { renderThread } from './follow-up-thread';
import { threadFiles } from './follow-up-thread-files';
import type { PendingUpload } from './evidence-upload';
import { sideItems } from './case-sides';
import { showSent, type SentReport } from './follow-up-sent';
import type { MailboxChallenge, MailboxThread, MessageStored } from '../contract/responses';

/** The thread answer (POST /api/mailbox/thread), as src/contract/responses.ts declares it. */
type Thread = MailboxThread;

const form = $<HTMLFormElement>('open-case');
const openButton = $<HTMLButtonElement>('open');
const codeField = $<HTMLInputElement>('receipt-code');
const errors = $('errors');
const status = $('status');
const lang = form.dataset.lang === 'en' ? 'en' : 'es';

let s: Sodium;
let mailbox: MailboxKeys | undefined;
/** The normalised receipt code while a case is open: the constancia key is derived from it on request. */
let openCode: string | null = null;
let constancia: { hide: () => void } | undefined;
let current: Thread | undefined;
/** The thread's signed reader list, once checked; null when it does not verify. */
let readerList: ReaderList | null = null;
/** The worker's own report, if it was sealed to the mailbox: its sendTo decides who answers go to. */
let sent: SentReport | null = null;
let files: ReturnType<typeof laterFiles> | undefined;
let threadView: ReturnType<typeof threadFiles> | undefined;

start().catch((error) => showErrors(errors, [msg(error instanceof WasmUnavailable ? 'errors.crypto_download' : 'errors.crypto_unavailable')]));

async function start() {
  await sodium.ready;
  s = sodium as unknown as Sodium;
  openButton.disabled = false;
  openButton.textContent = msg('followup.open');
  openButton.addEventListener('click', () => void openCase());
  codeField.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void openCase();
    }
  });
  form.addEventListener('submit', (e) => e.preventDefault());
  files = laterFiles(s, lang, proof);
  threadView = threadFiles(s, lang, proof);
  $('send-answer').addEventListener('click', () => void sendAnswer());
  constancia = followUpConstancia(s, lang, () => openCode, proof);
  caseWiden(s, lang, proof, () => (current && mailbox ? { thread: current, mailbox, widened: widened() } : null), loadThread);
  caseErase(lang, proof, () => mailbox !== undefined, () => {
    forget();
    $('case').hidden = true;
    form.hidden = false;
    $('status').textContent = msg('followup.erased');
    codeField.focus();
  });
  caseKeep(lang, proof, () => mailbox !== undefined, eraseNotice);
  $('close-case').addEventListener('click', (e) => {
    e.preventDefault();
    forget();
    leaveTo((e.currentTarget as HTMLAnchorElement).href);
  });
}

/** Signs one action on the mailbox with a fresh server challenge. */
async function proof(action: string) {
  const { challenge } = await requestJson<MailboxChallenge>(`/api/mailbox/challenge?lang=${lang}`);
  const signature = signProof(s, mailboxMessage(challenge, mailbox!.mailboxId, action), mailbox!.sign.privateKey);
  return { mailboxId: mailbox!.mailboxId, challenge, signature: toB64(s, signature) };
}

async function openCase() {
  const code = normalizeReceiptCode(codeField.value);
  if (!code) {
    codeField.setAttribute('aria-invalid', 'true');
    showErrors(errors, [codeProblemText(codeField.value)]);
    return;
  }
  codeField.removeAttribute('aria-invalid');
  showErrors(errors, []);
  openButton.disabled = true;
  status.textContent = msg('followup.opening');
  try {
    mailbox = deriveMailbox(s, code);
    await loadThread();
    openCode = code;
    codeField.value = ''; // only once the case is open: a typo is fixed, not typed again
    form.hidden = true;
    $('case').hidden = false;
    $('case').focus();
  } catch (error) {
    forget();
    showErrors(errors, [error instanceof ApiProblem ? error.message : msg('followup.network')]);
  } finally {
    status.textContent = '';
    openButton.disabled = false;
  }
}

/** When the case will be erased, or what its legal hold means for the worker. */
function eraseNotice(eraseDay: string | null, held: boolean) {
  $('case-erase').textContent = held ? msg('followup.erase_held') : eraseDay ? msg('followup.erase_on', { day: formatDay(eraseDay, lang) }) : '';
}

async function loadThread() {
  current = await requestJson<Thread>(`/api/mailbox/thread?lang=${lang}`, { body: await proof('thread') });
  readerList = trustedReaderList(s, current.readers, current.case.facilityId);
  sent = openSent(current);
  // Each side's own status, as the console shows it: a side's first reply acknowledged it.
  $('case-status').replaceChildren(...sideItems(current.case.sides));
  $('case-received').textContent = msg('followup.received', { day: formatDay(current.case.receivedDay, lang) });
  eraseNotice(current.case.eraseDay, current.case.held);
  showKeep(current.case.eraseDay, current.case.held);
  showWiden(current, widened(), lang);
  const answerFiles = renderThread(s, current, mailbox!, readerList, lang, threadView!, focusWiden);
  showSent(sent, chosenSendTo(), answerFiles);
}

/** Whether the worker widened the case to the authority, by their own signed consent (never the server's row alone). */
const widened = () => !!current && !!mailbox && consentVerifies(s, current, mailbox.sign.publicKey);

/** The answer being sent: a retry of the same text resends these same bytes under the same id. */
let pending: { text: string; source: string; id: string; message: unknown; uploads: PendingUpload[] } | undefined;

/** Seals the answer to the case mailbox and the case's readers, then sends it once (retries reuse the id). */
async function sendAnswer() {
  const field = $<HTMLTextAreaElement>('answer');
  const box = $('answer-errors');
  const text = field.value.trim();
  if (!text) {
    showErrors(box, [msg('followup.answer_required')]);
    return;
  }
  if (!current || !mailbox) return;
  showErrors(box, []);
  const button = $<HTMLButtonElement>('send-answer');
  button.disabled = true;
  $('answer-status').textContent = msg('followup.sending');
  try {
    // The text and the chosen files: a change seals a new answer, a retry resends the same one.
    const source = JSON.stringify([text, files?.ids() ?? []]);
    if (pending?.source !== source) {
      const id = s.to_hex(s.randombytes_buf(16));
      const recipients = [{ keyId: MAILBOX_SIGNER, boxPublicKey: mailbox.box.publicKey }, ...answerReaders(current)];
      const place = { reportId: current.case.id, messageId: id, facilityId: current.case.facilityId, kind: 'answer' as const, author: 'worker' as const };
      // Each file's key goes inside the signed answer; only ids and chunk counts go in clear.
      const { attachments, uploads } = files?.seal(current.case.id) ?? { attachments: [], uploads: [] };
      const envelope = sealSignedMessage(s, { text, lang, attachments }, place, { id: MAILBOX_SIGNER, signPrivateKey: mailbox.sign.privateKey }, recipients);
      const named = uploads.length ? { attachments: uploads.map((u) => ({ id: u.id, chunks: u.chunks.length })) } : {};
      pending = { text, source, id, uploads, message: { id, envelope: { body: toB64(s, envelope.body), keys: envelope.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })) }, ...named } };
    }
    const { id, message } = pending;
    await files?.upload(pending.uploads);
    await requestJson<MessageStored>(`/api/mailbox/messages?lang=${lang}`, { body: { ...(await proof(`answer:${id}`)), message } });
    pending = undefined;
    field.value = '';
    files?.clear();
    $('answer-status').textContent = msg('followup.answer_sent');
    await loadThread();
    field.focus(); // the disabled button lost focus; the status line above announces the sending
  } catch (error) {
    $('answer-status').textContent = '';
    showErrors(box, [error instanceof ApiProblem ? error.message : msg('followup.network_answer')]);
  } finally {
    button.disabled = false;
  }
}

function openSent(thread: Thread): SentReport | null {
  if (!thread.report || !mailbox) return null;
  try {
    const { plain, format } = openReport(s, fromB64(s, thread.report.body), fromB64(s, thread.report.sealed), mailbox.box, { reportId: thread.case.id, facilityId: thread.case.facilityId }, thread.case.receivedDay);
    return format === 2 ? (JSON.parse(fromUtf8(plain)) as SentReport) : null;
  } catch {
    return null;
  }
}

/**
 * Who the worker chose, as they sealed it; null when the report cannot say (sent before format 2,
 * or its mailbox copy removed). Then no answer is sealed: the row alone could send it to the company.
 */
const chosenSendTo = (): SendTo | null => {
  const chosen = (SEND_TO as readonly unknown[]).includes(sent?.sendTo) ? (sent!.sendTo as SendTo) : null;
  // Widened later with the worker's own signature: both sides read what they send from then on.
  return chosen && canWiden(chosen) && widened() ? REFERRAL.to : chosen;
};

/** The case's readers from the signed list, if the server's keys are exactly those; else nothing is sent. */
function answerReaders(thread: Thread) {
  // A row widened to "both" must not let the worker's answer reach a reader they did not choose.
  const chosen = chosenSendTo();
  const recipients = readerList && chosen ? listedRecipients(s, readerList, rolesFor(chosen)) : [];
  if (!readerList || !chosen || !servedAsSigned(thread.sealTo, recipients)) throw new ApiProblem(msg('errors.readers_unverified'), 0, 'readers_unverified');
  return recipients;
}

function forget() {
  if (mailbox) {
    s.memzero(mailbox.box.privateKey);
    s.memzero(mailbox.sign.privateKey);
  }
  mailbox = undefined;
  openCode = null;
  constancia?.hide();
  threadView?.clear();
  current = undefined;
  readerList = null;
  pending = undefined;
}

/** Says what is wrong with a mistyped code: the symbol codes never use (U is most often a V), or how many it has. */
function codeProblemText(typed: string): string {
  const problem = receiptCodeProblem(typed);
  if (problem?.kind === 'symbol') return problem.symbol === 'U' ? msg('followup.code_bad_u') : msg('followup.code_bad_symbol', { symbol: problem.symbol });
  if (problem?.kind === 'length') return msg('followup.code_count', { count: problem.count });
  return msg('followup.code_invalid');
}

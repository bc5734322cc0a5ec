/**
 * @module The worker's follow-up page: derives the case mailbox from the receipt code, proves
 * it by signing, and opens the case in page memory; each part of the case view has its own module
 * (the answer: src/client/follow-up-answer.ts).
 * The code and the keys live only in this page's memory; closing or leaving forgets them.
 */
import sodium from 'libsodium-wrappers';
import { WasmUnavailable } from './sodium/wasm-asset';
import { deriveMailbox, mailboxMessage, normalizeReceiptCode, receiptCodeProblem, signProof, toB64, type MailboxKeys, type ReaderList, type Sodium } from '../crypto';
import { trustedReaderList } from './admin-key';
import { $, ApiProblem, formatDay, leaveTo, msg, requestJson, showErrors } from './page';
import { caseAnswer } from './follow-up-answer';
import { followUpConstancia } from './follow-up-constancia';
import { laterFiles } from './follow-up-files';
import { caseErase } from './follow-up-erase';
import { caseKeep, showKeep } from './follow-up-keep';
import { caseWiden, consentVerifies, focusWiden, showWiden } from './follow-up-widen';
import { renderThread } from './follow-up-thread';
import { threadFiles } from './follow-up-thread-files';
import { sideItems } from './case-sides';
import { chosenSendTo, openSent, showSent, type SentReport } from './follow-up-sent';
import type { MailboxChallenge, MailboxThread } from '../contract/responses';

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
let answer: { forget: () => void } | undefined;

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
  answer = caseAnswer(s, lang, proof, {
    thread: () => current,
    mailbox: () => mailbox,
    readerList: () => readerList,
    chosen: () => chosenSendTo(sent, widened()),
    files: () => files,
    reload: loadThread,
  });
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
  sent = openSent(s, current, mailbox!);
  // Each side's own status, as the console shows it: a side's first reply acknowledged it.
  $('case-status').replaceChildren(...sideItems(current.case.sides));
  $('case-received').textContent = msg('followup.received', { day: formatDay(current.case.receivedDay, lang) });
  eraseNotice(current.case.eraseDay, current.case.held);
  showKeep(current.case.eraseDay, current.case.held);
  showWiden(current, widened(), lang);
  const answerFiles = renderThread(s, current, mailbox!, readerList, lang, threadView!, focusWiden);
  showSent(sent, chosenSendTo(sent, widened()), answerFiles);
}

/** Whether the worker widened the case to the authority, by their own signed consent (never the server's row alone). */
const widened = () => !!current && !!mailbox && consentVerifies(s, current, mailbox.sign.publicKey);

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
  answer?.forget();
}

/** Says what is wrong with a mistyped code: the symbol codes never use (U is most often a V), or how many it has. */
function codeProblemText(typed: string): string {
  const problem = receiptCodeProblem(typed);
  if (problem?.kind === 'symbol') return problem.symbol === 'U' ? msg('followup.code_bad_u') : msg('followup.code_bad_symbol', { symbol: problem.symbol });
  if (problem?.kind === 'length') return msg('followup.code_count', { count: problem.count });
  return msg('followup.code_invalid');
}

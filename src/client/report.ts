/**
 * @module The report form's script: encrypts the report on the phone and sends only ciphertext.
 *
 * Everything lives in page memory: no cookie, no Web Storage, no IndexedDB, no history entries.
 * A retry resends the exact same encrypted payload with the same report id, so it is stored once.
 */
import sodium from 'libsodium-wrappers';
import {
  constanciaKeyFromCode,
  deriveMailbox,
  newReceiptCode,
  sealReport,
  solveWorkInSlices,
  toB64,
  utf8,
  type Sodium,
} from './report-crypto';
import type { ReportPlaintext } from '../domain/report';
import { followPlantChoices, recipientsFor, signedRecipients } from './report-recipients';
import { evidencePicker } from './evidence';
import { clearWhenAnswered, readForm, showFieldProblems } from './report-fields';
import { sealEvidence, uploadChunks, type PendingUpload } from './evidence-upload';
import { $, ApiProblem, msg, requestJson } from './page';
import type { PowChallenge, ReportAccepted } from '../contract/responses';
import { fillReceipt, wireReceipt, type StoredAnswer } from './receipt';
import { WasmUnavailable } from './sodium/wasm-asset';

/** The plant's keys; its `readers`, the administrator's signed list, is the only thing the form seals to. */
/** The server's challenge, with the facility it pays for (one only) and the work under way. */
interface Challenge extends PowChallenge {
  facility: string;
  counter?: Promise<number>;
}

const form = $<HTMLFormElement>('report');
const sendButton = $<HTMLButtonElement>('send');
const status = $<HTMLParagraphElement>('status');
const errorBox = $<HTMLDivElement>('errors');
const lang = form.dataset.lang === 'en' ? 'en' : 'es';

const email = form.dataset.email ?? '';
wireReceipt(lang, () => receiptCode);

neutralTitle();
charactersLeft();

let s: Sodium;
let reportId: string;
let receiptCode: string;
let challenge: Challenge | undefined;
/** The encrypted report once built: a retry sends these same bytes and the same chunks. */
let sealed: SealedReport | undefined;
let evidence: ReturnType<typeof evidencePicker>;

interface SealedReport {
  /** What it was built from: any change means sealing again (same report id). */
  source: string;
  json: string;
  uploads: PendingUpload[];
}

followPlantChoices($<HTMLInputElement | HTMLSelectElement>('facility'));
// A wasm that never arrived is the connection's doing, not the phone's: reopening the page is the remedy.
start().catch((error) => showProblems([error instanceof WasmUnavailable ? msg('errors.crypto_download') : msg('errors.crypto_unavailable', { email })]));

async function start() {
  await sodium.ready;
  s = sodium as unknown as Sodium;
  reportId = s.to_hex(s.randombytes_buf(16));
  receiptCode = newReceiptCode(s);
  const facilityField = $<HTMLInputElement | HTMLSelectElement>('facility');
  const prefetch = () => facilityField.value && recipientsFor(facilityField.value, lang).catch(() => undefined);
  facilityField.addEventListener('change', prefetch);
  void prefetch();
  // The facility's challenge, solved while the worker writes (the plant chooser: once one is chosen).
  facilityField.addEventListener('change', () => facilityField.value && void challengeFor(facilityField.value).catch(() => undefined));
  evidence = evidencePicker({
    input: $<HTMLInputElement>('files'),
    list: $('attachment-list'),
    problems: (list) => showProblems(list, list.length ? ['files'] : []),
    newId: () => s.to_hex(s.randombytes_buf(16)),
    voice: { button: $<HTMLButtonElement>('voice-start'), panel: $('voice') },
  });
  if (facilityField.value) await challengeFor(facilityField.value);
  sendButton.disabled = false;
  sendButton.textContent = msg('form.send');
  sendButton.addEventListener('click', () => void send());
  form.addEventListener('submit', (e) => e.preventDefault());
}

/** The current challenge if it is for this facility, else a new one. */
async function challengeFor(facility: string): Promise<Challenge> {
  if (!challenge || challenge.facility !== facility) challenge = await fetchChallenge(facility);
  return challenge;
}

async function fetchChallenge(facility: string): Promise<Challenge> {
  const c = await requestJson<PowChallenge>(`/api/challenge?facility=${encodeURIComponent(facility)}&lang=${lang}`);
  // The work needs only the challenge and the report id, so it runs while the worker writes.
  return { ...c, facility, counter: solveWorkInSlices(s, c.challenge, reportId, c.bits) };
}

const showProblems = (list: string[], fields: string[] = []) => showFieldProblems(form, errorBox, list, fields);
clearWhenAnswered(form);

/** Encrypts the report and its evidence once; the same ciphertext is reused for every retry. */
async function seal(report: ReportPlaintext, source: string): Promise<SealedReport> {
  const keys = await recipientsFor(report.facility, lang);
  const recipients = signedRecipients(s, keys, report);
  const mailbox = deriveMailbox(s, receiptCode);
  const { attachments, uploads } = sealEvidence(s, reportId, evidence.items);
  // The mailbox's public keys go inside too: a reader checks the stored ones against them before replying.
  const withMailbox = { ...report, mailbox: { boxPk: toB64(s, mailbox.box.publicKey), signPk: toB64(s, mailbox.sign.publicKey) } };
  const plaintext = attachments.length ? { ...withMailbox, attachments } : withMailbox;
  // Sealed to the worker's own mailbox too: the receipt code opens what they sent, and who they sent it to.
  const toMailbox = { keyId: 'mailbox', boxPublicKey: mailbox.box.publicKey };
  const envelope = sealReport(s, utf8(JSON.stringify(plaintext)), { reportId, facilityId: report.facility }, [...recipients, toMailbox]);
  const json = JSON.stringify({
    v: 1,
    reportId,
    facility: report.facility,
    categories: report.categories,
    sendTo: report.sendTo,
    mailbox: { id: mailbox.mailboxId, boxPk: toB64(s, mailbox.box.publicKey), signPk: toB64(s, mailbox.sign.publicKey) },
    // The server signs a proof of filing with it and keeps only its check (src/crypto/constancia.ts).
    constancia: { key: toB64(s, constanciaKeyFromCode(s, receiptCode)) },
    envelope: { body: toB64(s, envelope.body), keys: envelope.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })) },
    ...(uploads.length ? { attachments: uploads.map((u) => ({ id: u.id, chunks: u.chunks.length })) } : {}),
  });
  return { source, json, uploads };
}

let busy = false;
async function send() {
  if (busy) return;
  const { report, problems } = readForm(form, lang);
  if (!report) {
    showProblems(problems.map((p) => p[1]), problems.map((p) => p[0]));
    return;
  }
  showProblems([]);
  busy = true;
  sendButton.disabled = true;
  sendButton.textContent = msg('form.sending');
  status.textContent = msg('form.sending');
  try {
    // Any change after a failed attempt makes a new ciphertext under the same report id.
    const source = JSON.stringify([report, evidence.items.map((e) => e.id)]);
    if (!sealed || sealed.source !== source) sealed = await seal(report, source);
    await uploadEvidence(sealed.uploads, report.facility);
    showReceipt(await submit(sealed.json, report.facility));
  } catch (error) {
    status.textContent = '';
    showProblems([error instanceof ApiProblem ? error.message : msg('errors.network')]);
    sendButton.disabled = false;
    sendButton.textContent = msg('form.send');
  } finally {
    busy = false;
  }
}

/** Uploads the evidence, each chunk paid with the report's own proof of work (src/client/evidence-upload.ts). */
async function uploadEvidence(uploads: PendingUpload[], facility: string) {
  await uploadChunks(
    uploads,
    {
      async url(uploadId, index) {
        const paid = await challengeFor(facility);
        const counter = await paid.counter!;
        const query = new URLSearchParams({ challenge: paid.challenge, counter: String(counter), lang });
        return `/api/reports/${reportId}/attachments/${uploadId}/chunks/${index}?${query}`;
      },
      retryable(code) {
        if (!code?.startsWith('pow_')) return false;
        challenge = undefined;
        return true;
      },
    },
    $<HTMLProgressElement>('upload-progress'),
    $('upload-label'),
  );
}

/** Posts the payload, retrying network failures and refreshing a spent or expired challenge. */
async function submit(body: string, facility: string): Promise<ReportAccepted> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const paid = await challengeFor(facility);
    const counter = await paid.counter!;
    const withWork = `${body.slice(0, -1)},"pow":${JSON.stringify({ challenge: paid.challenge, counter })}}`;
    try {
      return await requestJson<ReportAccepted>(`/api/reports?lang=${lang}`, { rawBody: withWork });
    } catch (error) {
      if (error instanceof ApiProblem && error.code?.startsWith('pow_')) {
        challenge = undefined; // spent or stale: solve a fresh one and send the same report again
        continue;
      }
      // Offline, a server hiccup, or too many requests for a moment (429): wait and send the same bytes again.
      if (error instanceof ApiProblem && error.status < 500 && error.status !== 429) throw error;
      await new Promise((r) => setTimeout(r, (error instanceof ApiProblem && error.status === 429 ? 4000 : 800) * (attempt + 1)));
    }
  }
  throw new Error('network');
}

function showReceipt(stored: StoredAnswer) {
  const receipt = fillReceipt(receiptCode, stored, plantName());
  form.reset();
  form.hidden = true;
  // Nothing of the start page stays above the code: it is the first thing seen and read out.
  $('intro').hidden = true;
  receipt.hidden = false;
  window.scrollTo(0, 0);
  $('receipt-heading').focus();
  sealed = undefined;
  evidence.clear();
  $('upload-progress').hidden = true;
  $('upload-label').hidden = true;
}

/** The chosen plant's name as the form shows it: the chooser's option, or the plant's own link. */
function plantName(): string | null {
  const field = $<HTMLInputElement | HTMLSelectElement>('facility');
  const name = field instanceof HTMLSelectElement ? field.selectedOptions[0]?.textContent : field.dataset.name;
  return name?.trim() || null;
}

/** Near the length limit, says how much room is left (a longer paste is cut by the field itself). */
function charactersLeft() {
  const field = $<HTMLTextAreaElement>('description');
  const left = $('description-left');
  field.addEventListener('input', () => {
    const remaining = field.maxLength - field.value.length;
    left.textContent = remaining <= 1000 ? msg('form.chars_left', { count: remaining }) : '';
  });
}

/** Swaps the tab title for an ordinary one while the page is open; nothing is remembered. */
function neutralTitle() {
  const box = $<HTMLInputElement>('neutral-title');
  const original = document.title;
  box.addEventListener('change', () => (document.title = box.checked ? box.dataset.title ?? original : original));
}

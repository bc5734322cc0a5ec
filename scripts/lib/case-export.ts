/**
 * @module A reader's cases opened in the terminal (`npm run decrypt`): the report, its thread with
 * who wrote each message and whether its signature verified, and its files, read from local (or
 * remote) D1 and KV and decrypted with the reader's own keys. Nothing is written but what `--out` asks for.
 */
import { caseClocks, CLOCK_NAMES, clockLine, type CaseClock, type ClockName } from '../../src/domain/clocks';
import { mexicoDay } from '../../src/lib/clock';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TFunction } from 'i18next';
import {
  attachmentOpener,
  concat,
  fromB64,
  fromUtf8,
  listedSigner,
  MAILBOX_SIGNER,
  openReport,
  openThreadMessage,
  verifyReaderList,
  type AuthorRole,
  type MessageKind,
  type RecipientKeys,
  type Sodium,
} from '../../src/crypto';
import { attachmentFormatOf, nameAnswerFiles, nameUnnamed, type SealedAttachment } from '../../src/domain/attachment';
import { getSealed, getSealedTexts } from '../../src/storage/blobs';
import { getSignedReaderList } from '../../src/storage/reader-lists';
import { getChunk } from '../../src/storage/uploads';
import { answerFiles, threadFor } from '../../src/storage/messages';
import type { CaseRow } from './case-rows';

export { casesFor, type CaseRow } from './case-rows';
import { chunkAdditionalData } from '../../src/domain/attachment';

/** Every copy of a key: the reader's own first, then those shared beside it. */
const copies = (sealed: string | null, also: string | null) => (sealed ? [sealed, ...((also ? JSON.parse(also) : []) as string[])] : []);

/** The first result `open` gives with any copy (it throws or answers null for a copy that does not open), or null. */
function firstThatOpens<T>(keys: string[], open: (sealed: string) => T | null): T | null {
  for (const k of keys) {
    try {
      const result = open(k);
      if (result !== null) return result;
    } catch {
      // Garbage a reader shared first, or a key for something else: try the next copy.
    }
  }
  return null;
}

export interface OpenedThreadMessage {
  day: string;
  kind: string;
  authorRole: string;
  text: string | null;
  /** True when signed by a reader the administrator listed (or the worker's own mailbox). */
  verified: boolean;
  signer?: string;
}

export interface OpenedCase {
  id: string;
  facility: string;
  receivedDay: string;
  channel: string;
  status: string;
  report: Record<string, unknown>;
  thread: OpenedThreadMessage[];
  /** The key holder's side's clocks today, by the one definition the console uses. */
  clocks?: Record<ClockName, CaseClock>;
  /** Files the worker added later, each with a verified answer whose signed content holds its key. */
  addedLater: SealedAttachment[];
}

/** Opens one case: throws if the report itself does not open with these keys. */
export async function openCaseInTerminal(
  s: Sodium,
  env: { DB: D1Database; BLOBS: KVNamespace },
  keys: Pick<RecipientKeys, 'keyId' | 'box'>,
  row: CaseRow,
  adminPublicKey: Uint8Array | null,
): Promise<OpenedCase> {
  const body = await getSealed(s, env.DB, env.BLOBS, row.bodyKey);
  if (!body) throw new Error('body missing');
  const opened = firstThatOpens(copies(row.sealed, row.sealedAlso), (k) =>
    openReport(s, body, fromB64(s, k), keys.box, { reportId: row.id, facilityId: row.facilityId }, row.receivedDay),
  );
  if (!opened) throw new Error('the report does not open with this key');
  const { plain } = opened;
  const report = JSON.parse(fromUtf8(plain)) as Record<string, unknown>;

  const list = adminPublicKey ? verifyReaderList(s, await getSignedReaderList(env.DB, row.facilityId), adminPublicKey, row.facilityId) : null;
  const readers = list ? listedSigner(s, list) : () => null;
  const mailboxSignPk = typeof (report.mailbox as { signPk?: unknown })?.signPk === 'string' ? fromB64(s, (report.mailbox as { signPk: string }).signPk) : null;
  const lookup = (signer: string, author: string) => (signer === MAILBOX_SIGNER ? mailboxSignPk : readers(signer, author));

  const messages = await threadFor(env.DB, row.id, keys.keyId, null);
  const texts = await getSealedTexts(env.DB, env.BLOBS, messages.filter((m) => m.sealed).map((m) => m.bodyKey));
  // Only an answer the worker's mailbox key signed may bring files, and only files D1 says travel with it.
  const stored = await answerFiles(env.DB, row.id);
  const addedLater: SealedAttachment[] = [];
  let answer = 0;
  const placeOf = (m: { id: string; kind: string; authorRole: string }) => ({
    reportId: row.id,
    messageId: m.id,
    facilityId: row.facilityId,
    kind: m.kind as MessageKind,
    author: m.authorRole as AuthorRole,
  });
  const thread = messages.map((m): OpenedThreadMessage => {
    if (m.kind === 'answer') answer++;
    const text = m.sealed ? texts.get(m.bodyKey) : null;
    if (!text || !m.sealed) return { day: m.day, kind: m.kind, authorRole: m.authorRole, text: null, verified: false };
    const opened = firstThatOpens(m.sealed ? [m.sealed, ...(m.sealedAlso ?? [])] : [], (k) =>
      openThreadMessage(s, fromB64(s, text), fromB64(s, k), keys.box, placeOf(m), lookup, { receivedDay: row.receivedDay, day: m.day }),
    );
    // A verified standard acknowledgement is named as the console names it.
    const kind = opened?.verified && opened.standard === 'acknowledgement' ? 'acknowledgement' : m.kind;
    if (opened?.verified && m.kind === 'answer' && opened.attachments) {
      const travel = (opened.attachments as SealedAttachment[]).filter((a) => typeof a?.name === 'string' && stored.some((f) => f.id === a?.id && f.messageId === m.id));
      // Named for their answer, as in the console (respuesta-2-foto-1.png), so `--out` never mixes them with the report's.
      addedLater.push(...nameAnswerFiles(answer, travel));
    }
    const signer = opened?.verified ? list?.readers.find((r) => r.keyId === opened.signer)?.label : undefined;
    return { day: m.day, kind, authorRole: m.authorRole, text: opened?.text ?? null, verified: !!opened?.verified, ...(signer ? { signer } : {}) };
  });
  const clocks = caseClocks(
    { startDay: row.receivedDay, acknowledgedDay: row.acknowledgedDay, answeredDay: row.answeredDay, closedDay: row.closedDay },
    { acknowledge: row.ackDays, answer: row.answerDays, close: row.closeDays },
    mexicoDay(),
  );
  return { id: row.id, facility: row.facilityId, receivedDay: row.receivedDay, channel: row.channel, status: row.status, report, thread, clocks, addedLater };
}

/** A web case's files: those sealed in its report, then those added later; unnamed ones get neutral names by type, as in the console. */
const webFiles = (c: Pick<OpenedCase, 'report' | 'addedLater'>) =>
  nameUnnamed([
    ...(Array.isArray(c.report.attachments) && c.report.channel !== 'email' ? (c.report.attachments as SealedAttachment[]) : []),
    ...(c.addedLater ?? []),
  ]);
const mailFiles = (report: Record<string, unknown>) =>
  report.channel === 'email' && Array.isArray(report.attachments)
    ? (report.attachments as Array<{ name: string; type: string; size: number; data: string }>)
    : [];

/** The case as plain text for a reader, in their language: the report, then the thread in order. */
export function caseAsText(t: TFunction, c: OpenedCase): string {
  const r = c.report;
  const lines = [
    `━━ ${t('decrypt.case')} ${c.id} · ${c.facility} · ${t('decrypt.received', { day: c.receivedDay })} · ${t(`console.channel_${c.channel}`)} · ${t(`status.${c.status}`, { defaultValue: c.status })}`,
  ];
  const field = (label: string, value: unknown) => typeof value === 'string' && value.trim() && lines.push(`${label}: ${value}`);
  if (r.channel === 'email') {
    field(t('console.field_subject'), r.subject);
    lines.push('', String(r.text ?? ''));
  } else {
    const categories = Array.isArray(r.categories) ? r.categories.map((k) => t(`categories.${k}.label`, { defaultValue: String(k) })) : [];
    if (categories.length) lines.push(`${t('decrypt.categories')}: ${categories.join('; ')}`);
    field(t('console.field_when'), typeof r.when === 'string' ? t(`when.${r.when}`, { defaultValue: r.when }) : undefined);
    field(t('console.field_where'), r.where);
    field(t('console.field_who'), r.who);
    lines.push(`${t('console.field_description')}:`, String(r.description ?? ''));
  }
  // The key holder's side's clocks, in the console's words (src/domain/clocks.ts).
  if (c.clocks) lines.push('', ...CLOCK_NAMES.map((name) => clockLine(t, name, c.clocks![name])));
  const files = [...webFiles(c).map((a, i) => fileName(a, i)), ...mailFiles(r).map((a) => `${a.name} (${a.type}, ${a.size} B)`)];
  if (files.length) lines.push('', `${t('console.field_attachments')}: ${files.join(', ')}`);
  for (const m of c.thread) {
    const who = `${t(`console.kind_${m.kind}`)} · ${t(`console.author_${m.authorRole}`)} · ${m.day}`;
    const check = m.text === null ? '' : m.verified ? ` · ${t('decrypt.verified')}${m.signer ? ` (${m.signer})` : ''}` : ` · ${t('console.not_verified')}`;
    lines.push('', `── ${who}${check}`, m.text ?? t('console.cannot_open'));
  }
  return lines.join('\n');
}

/** The neutral name a web file is saved under: the one sealed in the report, or its place in the list. */
const fileName = (a: SealedAttachment, i: number) => (a.name && !/[/\\]/.test(a.name) ? a.name : `archivo-${i + 1}`);

/** A file only its owner can read, even one written over (writeFile's mode applies only to new files). */
async function writePrivate(path: string, data: Uint8Array) {
  await writeFile(path, data, { mode: 0o600 });
  await chmod(path, 0o600);
}

/** Writes a case's files under DIR/<case id>/ and returns their paths. Web files are decrypted chunk by chunk. */
export async function saveCaseFiles(s: Sodium, blobs: KVNamespace, c: OpenedCase, dir: string): Promise<string[]> {
  const folder = join(dir, c.id);
  const written: string[] = [];
  const web = webFiles(c);
  const mail = mailFiles(c.report);
  if (!web.length && !mail.length) return written;
  // Decrypted evidence: only this user may list or read it (0700 folders, 0600 files), whatever the umask.
  await mkdir(folder, { recursive: true, mode: 0o700 });
  await chmod(folder, 0o700);
  // A file added later may carry the same neutral name as one of the report's: never overwrite.
  const used = new Set<string>();
  const unique = (name: string) => {
    let candidate = name;
    for (let n = 2; used.has(candidate); n++) candidate = name.replace(/(\.[^.]*)?$/, (ext) => ` (${n})${ext}`);
    used.add(candidate);
    return candidate;
  };
  for (const [i, a] of web.entries()) {
    const format = attachmentFormatOf(a);
    const opener = attachmentOpener(s, fromB64(s, a.key), fromB64(s, a.header), chunkAdditionalData(c.id, a.id, format), format);
    const parts: Uint8Array[] = [];
    for (let n = 0; n < a.chunks; n++) {
      const chunk = await getChunk(blobs, c.id, a.id, n);
      if (!chunk) throw new Error(`file ${a.id}: chunk ${n} missing`);
      parts.push(opener.next(new Uint8Array(chunk), n === a.chunks - 1));
    }
    const path = join(folder, unique(fileName(a, i)));
    await writePrivate(path, concat(...parts));
    written.push(path);
  }
  for (const [i, a] of mail.entries()) {
    const safe = a.name && !/[/\\]|^\.\.?$/.test(a.name) ? a.name : `adjunto-${i + 1}`;
    const path = join(folder, unique(safe));
    await writePrivate(path, fromB64(s, a.data));
    written.push(path);
  }
  return written;
}

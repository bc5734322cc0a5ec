/**
 * @module The Worker's email() handler: a mail to a facility's address becomes a sealed report,
 * stored once, and (unless a machine sent it) acknowledged with a receipt code. Flow and
 * trade-offs: docs/email.md.
 */
import { EmailMessage } from 'cloudflare:email';
import { constanciaCheck, constanciaKeyFromCode, deriveMailbox, fromB64, newReceiptCode, sealReport, toB64, verifyReaderList, type ListedRecovery, type SignedReaderList, type Sodium } from '../crypto';
import { sealedBodyDigest } from '../crypto/digest';
import { rolesFor, type SendTo } from '../domain/report';
import type { Deadlines } from '../domain/clocks';
import type { Env } from '../env';
import { releaseClock } from '../lib/clock';
import { releaseDay } from '../domain/release';
import { loadSodium } from '../lib/sodium';
import { issueConstancia } from '../lib/constancia';
import type { RecipientKey } from '../storage/recipients';
import { findReport, mailIntakeLookup, storeReport } from '../storage/reports';
import { acknowledgementMessage } from './acknowledgement';
import { classifyMail } from './automatic';
import { emailReportId, normalizeMessageId } from './derive';
import { MAX_RAW_BYTES } from './limits';
import { isPlainAddress, newMessageId } from './mime';
import { parseMail } from './parse';
import { emailPlaintext } from './plaintext';
import { readRaw, withoutSendingTraces } from './raw';
import { rejectReason, type RejectCode } from './reject';
import { facilityForAddress } from './routing';

/** The facility took its day's share of mail: a temporary failure, retried by the sender's server. */
export class MailDeferred extends Error {
  constructor() {
    super('mail deferred: the facility reached its daily cap');
    this.name = 'MailDeferred';
  }
}

/** What happened to a mail; returned for tests, never logged with anything that could name the sender. */
export type IntakeOutcome =
  | { outcome: 'rejected'; reason: RejectCode }
  | { outcome: 'duplicate'; reportId: string }
  | { outcome: 'stored'; reportId: string; acknowledged: boolean; automatic: string | null };

/** The Worker's email() export (Cloudflare Email Routing): an unexpected failure (D1 down) throws, so the mail is not accepted. */
export async function email(message: ForwardableEmailMessage, env: Env, _ctx?: ExecutionContext): Promise<void> {
  await receiveMail(message, env);
}

/** The whole intake; see the module comment. */
export async function receiveMail(message: ForwardableEmailMessage, env: Env): Promise<IntakeOutcome> {
  const reject = async (reason: RejectCode): Promise<IntakeOutcome> => {
    // In production setReject returns nothing. On wrangler dev the message is an RPC stub and it
    // returns a promise, which must settle before the handler does or the rejection is lost.
    const settled: unknown = message.setReject(rejectReason(reason));
    await settled;
    return { outcome: 'rejected', reason };
  };
  if (message.rawSize > MAX_RAW_BYTES) return reject('too_large');
  const facility = await facilityForAddress(env.DB, message.to, env.EMAIL_DOMAIN);
  if (!facility) return reject('unknown_address');
  const kind = classifyMail(message.from, message.headers, env.EMAIL_DOMAIN);
  if (kind.kind === 'delivery_report') return reject('delivery_report');
  const raw = await readRaw(message.raw, MAX_RAW_BYTES);
  if (!raw) return reject('too_large');

  const s = await loadSodium();
  const messageId = normalizeMessageId(message.headers.get('message-id'));
  const reportId = emailReportId(s, env.POW_SECRET, facility.id, messageId, raw);
  const releaseAt = releaseClock(env.RELEASE_HOURS).next;
  const lookup = await mailIntakeLookup(env.DB, { facilityId: facility.id, reportId, receivedDay: releaseDay(releaseAt) });
  if (lookup.exists) return { outcome: 'duplicate', reportId };
  // Past the day's cap the mail is not refused but deferred: throwing makes Email Routing answer
  // with a temporary failure, so the sender's server keeps the message and tries again later.
  if (lookup.mailToday >= facility.mailDailyCap) throw new MailDeferred();

  const listed = signedRecipients(s, env, facility.id, lookup.signedList);
  // The keys and roles sealed to are the administrator's, not the rows': a row can only take a listed reader away.
  const activeIds = new Set(lookup.recipients.map((k) => k.keyId));
  const readers = readersFor(listed.keys.filter((k) => activeIds.has(k.keyId)), listed.mailSendTo ?? facility.mailSendTo);
  if (!readers) return reject('no_recipients');

  const mail = await parseMail(raw);
  const code = newReceiptCode(s);
  const mailbox = deriveMailbox(s, code);
  const constanciaKey = constanciaKeyFromCode(s, code);
  const check = constanciaCheck(s, constanciaKey);
  const mailboxKeys = { id: mailbox.mailboxId, boxPk: toB64(s, mailbox.box.publicKey), signPk: toB64(s, mailbox.sign.publicKey) };
  const envelope = sealReport(
    s,
    emailPlaintext(s, facility.id, mail, withoutSendingTraces(raw), { mailbox: { boxPk: mailboxKeys.boxPk, signPk: mailboxKeys.signPk }, sendTo: readers.sendTo }),
    { reportId, facilityId: facility.id },
    [
      ...readers.keys.map((k) => ({ keyId: k.keyId, boxPublicKey: fromB64(s, k.boxPk) })),
      // The plant's signed recovery key, when the mail goes to its monitors (src/crypto/recovery.ts).
      ...(listed.recovery && rolesFor(readers.sendTo).includes('monitor') ? [{ keyId: listed.recovery.keyId, boxPublicKey: fromB64(s, listed.recovery.boxPk) }] : []),
      { keyId: 'mailbox', boxPublicKey: mailbox.box.publicKey },
    ],
  );
  try {
    await storeReport(s, env.DB, env.BLOBS, {
      id: reportId,
      facilityId: facility.id,
      channel: 'email',
      sendTo: readers.sendTo,
      categories: [],
      receivedDay: releaseDay(releaseAt),
      releaseAt,
      mailbox: mailboxKeys,
      body: envelope.body,
      bodyDigest: sealedBodyDigest(s, envelope.body),
      keys: envelope.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })),
      constanciaCheck: check,
    });
  } catch (error) {
    // A copy of the same mail stored first. Its body sits under its own content-named KV key, which
    // this copy's blob did not touch, so the stored report still opens; this copy's blob is left for cleanup.
    if (await findReport(env.DB, reportId)) return { outcome: 'duplicate', reportId };
    throw error;
  } finally {
    s.memzero(mailbox.box.privateKey);
    s.memzero(mailbox.sign.privateKey);
  }

  // The proof of filing goes in the acknowledgement, next to the code; the release day is its only date.
  const constancia = issueConstancia(s, env, { facilityId: facility.id, day: releaseDay(releaseAt), reportId, key: constanciaKey, check });
  s.memzero(constanciaKey);
  if (kind.kind === 'automatic') return { outcome: 'stored', reportId, acknowledged: false, automatic: kind.rule };
  const acknowledged = await acknowledge(s, message, env, { from: facility.address, reportId, code, constancia, sentTo: readers.sendTo, deadlines: facility.deadlines });
  return { outcome: 'stored', reportId, acknowledged, automatic: null };
}

/**
 * The recipients the administrator signed for the facility, with the keys and roles as signed.
 * Mail is sealed only to those still active, so a reader added, re-keyed or re-roled by writing
 * D1 gets nothing; with no valid list, no report.
 */
function signedRecipients(
  s: Sodium,
  env: Env,
  facilityId: string,
  signed: SignedReaderList | undefined,
): { keys: RecipientKey[]; mailSendTo?: SendTo; recovery?: ListedRecovery } {
  let adminKey: Uint8Array;
  try {
    adminKey = fromB64(s, env.ADMIN_SIGN_PK ?? '');
  } catch {
    return { keys: [] };
  }
  const list = verifyReaderList(s, signed, adminKey, facilityId);
  const keys = (list?.readers ?? []).filter((r) => r.recipient).map((r) => ({ keyId: r.keyId, role: r.role, boxPk: r.boxPk }));
  return { keys, mailSendTo: list?.mailSendTo, recovery: list?.recovery };
}

/**
 * The facility's active keys for the roles its mail goes to. A role without a key is left out (and
 * out of send_to, so no reader sees a case they cannot open); no key at all means no report.
 */
function readersFor(active: RecipientKey[], mailSendTo: SendTo): { keys: RecipientKey[]; sendTo: SendTo } | null {
  const keys = active.filter((k) => rolesFor(mailSendTo).includes(k.role));
  const monitor = keys.some((k) => k.role === 'monitor');
  const official = keys.some((k) => k.role === 'official');
  if (!monitor && !official) return null;
  return { keys, sendTo: monitor && official ? 'both' : monitor ? 'monitor' : 'authority' };
}

/**
 * Replies with the receipt code, the only place it ever goes. The report is already stored: if the
 * platform refuses the reply (the sender's domain fails DMARC, say), the report stays and the code is lost.
 */
async function acknowledge(
  s: Sodium,
  message: ForwardableEmailMessage,
  env: Env,
  a: { from: string; reportId: string; code: string; constancia: string | null; sentTo: SendTo; deadlines: Deadlines },
): Promise<boolean> {
  const to = message.from.trim().replace(/^<|>$/g, '');
  if (!isPlainAddress(to)) return false;
  const raw = acknowledgementMessage({
    from: a.from,
    to,
    inReplyTo: normalizeMessageId(message.headers.get('message-id')),
    references: message.headers.get('references')?.trim() || null,
    messageId: newMessageId(s, env.EMAIL_DOMAIN),
    caseRef: a.reportId.slice(0, 8),
    code: a.code,
    constancia: a.constancia,
    origin: env.PUBLIC_ORIGIN,
    sentTo: a.sentTo,
    deadlines: a.deadlines,
  });
  try {
    await message.reply(new EmailMessage(a.from, to, raw));
    return true;
  } catch (error) {
    console.error(`email acknowledgement not sent: ${error instanceof Error ? error.name : typeof error}`);
    return false;
  }
}

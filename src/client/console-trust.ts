/**
 * @module What the console trusts about a case before it shows a message as genuine or seals a
 * reply: the administrator's signed reader list (never the server's key rows alone), and the
 * worker's mailbox keys as sealed inside the report (never the server's mailbox row alone).
 */
import {
  fromB64,
  listedSigner,
  MAILBOX_SIGNER,
  openThreadMessage,
  sealSignedMessage,
  toB64,
  type AuthorRole,
  type EnvelopeRecipient,
  type MessageKind,
  type OpenedMessage,
  type ReaderList,
  type RecipientKeys,
  type SignedReaderList,
  type StandardMessage,
  type Sodium,
  verifyProof,
  wideningMessage,
} from '../crypto';
import { canWiden, REFERRAL } from '../domain/case-sides';
import { rolesFor, SEND_TO, type SendTo } from '../domain/report';
import { servedAsSigned, trustedReaderList } from './admin-key';
import { ApiProblem, msg } from './page';
import { withSomeCopy } from './console-state';

type Key = { keyId: string; boxPk: string };
export interface CaseForTrust {
  case: { id: string; facilityId: string; sendTo: string };
  /** The worker's signed consent to the authority reading the case too (src/crypto/proofs.ts wideningMessage). */
  widenedConsent?: string | null;
  sealTo: { reply: Key[]; note: Key[] };
  readers: SignedReaderList | null;
}
/** The report's own words about its mailbox: format 2 reports carry its public keys. */
export interface SealedReportFacts {
  format: 1 | 2;
  mailbox?: { boxPk?: unknown; signPk?: unknown };
  sendTo?: unknown;
}

export interface CaseTrust {
  list: ReaderList | null;
  /** Who the worker chose, as sealed in the report (the server's row only for reports that do not say). */
  sendTo: SendTo;
  /** ok: the server's mailbox key is the report's; mismatch: it is not (no reply is sealed); unchecked: a format 1 report. */
  mailbox: 'ok' | 'mismatch' | 'unchecked';
  mailboxSignPk: Uint8Array | null;
}

export function caseTrust(s: Sodium, detail: CaseForTrust, report: SealedReportFacts | null): CaseTrust {
  const list = trustedReaderList(s, detail.readers, detail.case.facilityId);
  const served = detail.sealTo.reply.find((k) => k.keyId === MAILBOX_SIGNER)?.boxPk;
  const sealedSendTo = (SEND_TO as readonly unknown[]).includes(report?.sendTo) ? (report!.sendTo as SendTo) : null;
  const base = { list, sendTo: sealedSendTo ?? (detail.case.sendTo as SendTo) };
  if (!report) return { ...base, mailbox: 'mismatch', mailboxSignPk: null };
  if (report.format === 1) return { ...base, mailbox: 'unchecked', mailboxSignPk: null };
  const { boxPk, signPk } = report.mailbox ?? {};
  if (typeof boxPk !== 'string' || typeof signPk !== 'string' || boxPk !== served) return { ...base, mailbox: 'mismatch', mailboxSignPk: null };
  try {
    const mailboxSignPk = fromB64(s, signPk);
    return { ...base, sendTo: widenedSendTo(s, detail, base.sendTo, mailboxSignPk), mailbox: 'ok', mailboxSignPk };
  } catch {
    return { ...base, mailbox: 'mismatch', mailboxSignPk: null };
  }
}

/**
 * Who reads the case now: the worker's sealed choice, widened to both sides only by the worker's own
 * consent, signed with the mailbox key the report carries (the server's row alone widens nothing).
 */
function widenedSendTo(s: Sodium, detail: CaseForTrust, sealed: SendTo, mailboxSignPk: Uint8Array): SendTo {
  if (!canWiden(sealed) || detail.case.sendTo !== REFERRAL.to || !detail.widenedConsent) return sealed;
  const message = wideningMessage(detail.case.id, detail.case.facilityId, REFERRAL.to);
  return verifyProof(s, fromB64(s, detail.widenedConsent), message, mailboxSignPk) ? REFERRAL.to : sealed;
}

/** My role as the administrator signed it, never as the server says: it decides who a note is sealed to. */
export const listedRole = (trust: CaseTrust, keyId: string) => trust.list?.readers.find((r) => r.keyId === keyId && r.recipient)?.role ?? null;

/** Opens a thread message and checks who signed it: a listed reader of the author's role, or the report's own mailbox. */
export function openCaseMessage(
  s: Sodium,
  keys: RecipientKeys,
  trust: CaseTrust,
  caseRef: { id: string; facilityId: string; receivedDay: string },
  m: { id: string; kind: string; authorRole: string; day: string; body: string | null; sealed: string | null; sealedAlso?: string[] },
): OpenedMessage | null {
  const body = m.body;
  if (!body || !m.sealed) return null;
  const readers = trust.list ? listedSigner(s, trust.list) : () => null;
  const lookup = (signer: string, author: string) => (signer === MAILBOX_SIGNER ? trust.mailboxSignPk : readers(signer, author));
  const place = { reportId: caseRef.id, messageId: m.id, facilityId: caseRef.facilityId, kind: m.kind as MessageKind, author: m.authorRole as AuthorRole };
  // Every copy of its key, in turn: one another reader shared first may be garbage.
  return withSomeCopy(m.id, m, (k) => openThreadMessage(s, fromB64(s, body), fromB64(s, k), keys.box, place, lookup, { receivedDay: caseRef.receivedDay, day: m.day }));
}

/** The label of a message's signer, for "Firmado por …". */
export const signerLabel = (trust: CaseTrust, signer: string | undefined) => trust.list?.readers.find((r) => r.keyId === signer)?.label;

/**
 * Seals a reply (to the worker's mailbox and the case's readers) or a note (to the readers of my
 * role), signed with my key. Refuses, with the reason, when the list does not verify, when the
 * server's keys are not the list's, or when the server's mailbox key is not the report's.
 */
export function sealCaseMessage(
  s: Sodium,
  keys: RecipientKeys,
  detail: CaseForTrust,
  trust: CaseTrust,
  kind: 'reply' | 'note',
  text: string,
  lang: string,
  /** A standard message ("Acusar recibo") or a standard question (may the authority read it too?), signed as such. */
  extra: { standard?: StandardMessage; request?: 'authority' } = {},
) {
  const refuse = (key: string, code: string): never => {
    throw new ApiProblem(msg(key), 0, code);
  };
  const role = listedRole(trust, keys.keyId);
  if (!trust.list || !role) refuse('errors.readers_unverified', 'readers_unverified');
  // The roles come from the worker's sealed choice: a row widened to "both" must not let a reply reach the company.
  const readers = trust.list!.readers.filter((r) => r.recipient && rolesFor(trust.sendTo).includes(r.role) && (kind === 'reply' || r.role === role));
  if (!servedAsSigned(detail.sealTo[kind].filter((k) => k.keyId !== MAILBOX_SIGNER), readers)) refuse('errors.readers_unverified', 'readers_unverified');
  const recipients: EnvelopeRecipient[] = readers.map((r) => ({ keyId: r.keyId, boxPublicKey: fromB64(s, r.boxPk) }));
  if (kind === 'reply') {
    if (trust.mailbox === 'mismatch') refuse('console.mailbox_mismatch', 'mailbox_mismatch');
    const mailbox = detail.sealTo.reply.find((k) => k.keyId === MAILBOX_SIGNER)!;
    recipients.unshift({ keyId: MAILBOX_SIGNER, boxPublicKey: fromB64(s, mailbox.boxPk) });
  }
  const id = s.to_hex(s.randombytes_buf(16));
  const place = { reportId: detail.case.id, messageId: id, facilityId: detail.case.facilityId, kind, author: role! };
  const { standard, request } = extra;
  const envelope = sealSignedMessage(
    s,
    { text, lang, ...(standard ? { standard } : {}), ...(request ? { request } : {}) },
    place,
    { id: keys.keyId, signPrivateKey: keys.sign.privateKey },
    recipients,
  );
  return { id, kind, envelope: { body: toB64(s, envelope.body), keys: envelope.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })) } };
}

/**
 * @module Thread messages the server cannot forge (envelope format 2).
 *
 * plaintext = signature(64) ‖ content, where content is the message JSON
 * `{ v: 2, text, lang, signer }` (a worker's answer may add `attachments`: the files it brings,
 * each with its key, as inside a report; a reader's standard acknowledgement adds
 * `standard: "acknowledgement"`, which pages show in their own words) and the signature is Ed25519 (crypto_sign_detached) over
 * "buzon.message.v2\n" ‖ additional data ‖ content. The additional data names report, message,
 * facility, kind and author role, so a signature is worthless on any other message, and the
 * signer (a reader's key id, or `mailbox` for the worker) must be a key of that role.
 * Format 1 messages still open, and are never shown as verified.
 */
import { concat, fromUtf8, utf8 } from './encoding';
import { additionalData, format1Allowed, openEnvelope, sealEnvelope, type AuthorRole, type EnvelopeRecipient, type Envelope } from './envelope';
import { signProof, verifyProof } from './proofs';
import type { Sodium } from './sodium';

export const SIGNATURE_BYTES = 64;
/** The signer of a worker's answer: the case mailbox's own Ed25519 key. */
export const MAILBOX_SIGNER = 'mailbox';

export type MessageKind = 'reply' | 'answer' | 'note';
/** The standard messages a reader can send with one button; `text` carries its words in the reader's language too. */
export const STANDARD_MESSAGES = ['acknowledgement'] as const;
export type StandardMessage = (typeof STANDARD_MESSAGES)[number];
/** Where a message belongs: rebuilt by the reader from the row it reads, never from the ciphertext. */
export interface MessagePlace {
  reportId: string;
  messageId: string;
  facilityId: string;
  kind: MessageKind;
  author: AuthorRole;
}
export interface MessageSigner {
  /** A reader's key id, or MAILBOX_SIGNER. */
  id: string;
  signPrivateKey: Uint8Array;
}
export interface OpenedMessage {
  text: string;
  lang?: string;
  /** Files the message brings (a worker's answer), as its author described them: check each before use. */
  attachments?: unknown[];
  /** Signed by a key of the author's role that the reader trusts, over exactly this message. */
  verified: boolean;
  /** Who signed it (a key id or `mailbox`); only meaningful when verified. */
  signer?: string;
  /** A reader's standard message ("Acusar recibo"), as signed: pages show their own translation of it. */
  standard?: StandardMessage;
  /** A monitor's standard question (src/domain/case-sides.ts REFERRAL): may the authority read the case too? */
  request?: 'authority';
  format: 1 | 2;
}
/** The trusted Ed25519 public key of a signer for a role, or null if that signer may not write as that role. */
export type SignerLookup = (signer: string, author: AuthorRole) => Uint8Array | null;

const v2 = (p: MessagePlace) => ({ version: 2 as const, kind: p.kind, author: p.author, reportId: p.reportId, messageId: p.messageId, facilityId: p.facilityId });

/** The bytes a message signature covers. */
export function messageSignatureInput(s: Sodium, place: MessagePlace, content: Uint8Array): Uint8Array {
  return concat(utf8('buzon.message.v2\n'), additionalData(s, v2(place)), content);
}

/** Signs and seals a message in format 2. Deterministic but for the content key and nonces. */
export function sealSignedMessage(
  s: Sodium,
  message: SignedContent,
  place: MessagePlace,
  signer: MessageSigner,
  recipients: EnvelopeRecipient[],
): Envelope {
  return sealEnvelope(s, signedPlaintext(s, message, place, signer), v2(place), recipients);
}

/** What a format 2 message says; `attachments` only when there are some, so plain messages keep their exact bytes. */
export interface SignedContent {
  text: string;
  lang: string;
  attachments?: unknown[];
  standard?: StandardMessage;
  /** A monitor's reply asking the worker's permission to bring in the authority (shown by the page in its own words). */
  request?: 'authority';
}

/** signature ‖ content: what format 2 pads and encrypts. */
export function signedPlaintext(s: Sodium, message: SignedContent, place: MessagePlace, signer: MessageSigner): Uint8Array {
  const files = message.attachments?.length ? { attachments: message.attachments } : {};
  const standard = message.standard ? { standard: message.standard } : {};
  const request = message.request ? { request: message.request } : {};
  const content = utf8(JSON.stringify({ v: 2, text: message.text, lang: message.lang, signer: signer.id, ...files, ...request, ...standard }));
  return concat(signProof(s, messageSignatureInput(s, place, content), signer.signPrivateKey), content);
}

/** Checks a format 2 plaintext's signature; returns the message whether or not it verifies. */
export function readSignedPlaintext(s: Sodium, plain: Uint8Array, place: MessagePlace, lookup: SignerLookup): OpenedMessage {
  const signature = plain.subarray(0, SIGNATURE_BYTES);
  const content = plain.subarray(SIGNATURE_BYTES);
  const json = JSON.parse(fromUtf8(content)) as { text?: unknown; lang?: unknown; signer?: unknown; attachments?: unknown; request?: unknown; standard?: unknown };
  const text = typeof json.text === 'string' ? json.text : '';
  const lang = typeof json.lang === 'string' ? json.lang : undefined;
  const signer = typeof json.signer === 'string' ? json.signer : '';
  // A worker's answer is signed by the mailbox, a reader's message by a reader: nothing else counts.
  const rightKind = (place.kind === 'answer') === (place.author === 'worker') && (signer === MAILBOX_SIGNER) === (place.author === 'worker');
  const key = rightKind ? lookup(signer, place.author) : null;
  const verified = !!key && verifyProof(s, signature, messageSignatureInput(s, place, content), key);
  const attachments = Array.isArray(json.attachments) ? json.attachments : undefined;
  const request = json.request === 'authority' ? { request: 'authority' as const } : {};
  // Only a reader's reply can be a standard message.
  const standard = place.kind === 'reply' && STANDARD_MESSAGES.includes(json.standard as StandardMessage) ? (json.standard as StandardMessage) : undefined;
  return { text, lang, ...(attachments ? { attachments } : {}), ...request, ...(standard ? { standard } : {}), verified, signer: verified ? signer : undefined, format: 2 };
}

/**
 * Opens a thread message for one recipient: format 2 first; failing that, format 1, which opens
 * but is never verified, and only in a case received and a message dated on or before the cut-over
 * (`stamped`: the case's received day and the message's day; FORMAT_1_LAST_DAY). Returns null if it
 * opens in neither (tampered, moved, relabelled, or format 1 stamped after the cut-over).
 */
export function openThreadMessage(
  s: Sodium,
  body: Uint8Array,
  sealedKey: Uint8Array,
  pair: { publicKey: Uint8Array; privateKey: Uint8Array },
  place: MessagePlace,
  lookup: SignerLookup,
  stamped: { receivedDay: string; day: string } | null = null,
): OpenedMessage | null {
  try {
    return readSignedPlaintext(s, openEnvelope(s, body, sealedKey, pair, v2(place)), place, lookup);
  } catch {
    /* not format 2 under this place: try format 1 */
  }
  if (!stamped || !format1Allowed(stamped.receivedDay, stamped.day)) return null;
  try {
    const plain = openEnvelope(s, body, sealedKey, pair, { kind: 'message', reportId: place.reportId, messageId: place.messageId, facilityId: place.facilityId });
    const json = JSON.parse(fromUtf8(plain)) as { text?: unknown; lang?: unknown };
    return { text: typeof json.text === 'string' ? json.text : '', lang: typeof json.lang === 'string' ? json.lang : undefined, verified: false, format: 1 };
  } catch {
    return null;
  }
}

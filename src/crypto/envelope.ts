/**
 * @module The envelope: one format for web reports, email reports and thread messages.
 *
 * body  = nonce(24) ‖ XChaCha20-Poly1305 (crypto_aead_xchacha20poly1305_ietf) of the padded
 *         plaintext (sodium_pad) under a fresh content key K, with additional data binding it
 *         to format version, kind, report id, message id, facility and (format 2) author role;
 * keys  = K sealed (crypto_box_seal) to each recipient's X25519 key, tagged by key id.
 * Byte layout: docs/crypto.md.
 */
import { concat, utf8 } from './encoding';
import type { Sodium } from './sodium';

/** The format new envelopes are sealed in; format 1 still opens (docs/crypto.md). */
export const ENVELOPE_VERSION = 2;
/**
 * The last Mexico City day anything was sealed in format 1 (format 2 shipped on 2026-12-02). A format 1
 * report or message of a case received later, or dated later, is a forgery: nothing honest sealed it.
 */
export const FORMAT_1_LAST_DAY = '2026-12-02';
/** Whether a format 1 object stamped on these days (the case's received day, the message's day) may be opened. */
export const format1Allowed = (...days: Array<string | undefined>) => days.length > 0 && days.every((d) => typeof d === 'string' && d <= FORMAT_1_LAST_DAY);
export const NONCE_BYTES = 24;
export const TAG_BYTES = 16;
export const SEALED_KEY_BYTES = 32 + 48; // K ‖ crypto_box_SEALBYTES
export const MIN_PADDED_BYTES = 512;
export const ID_BYTES = 16;

/** Format 1 kinds: a thread message of any kind is `message`. */
export const ENVELOPE_KINDS = { report: 1, message: 2 } as const;
export type EnvelopeKind = keyof typeof ENVELOPE_KINDS;
/** Format 2 kinds: which message it is goes into the additional data. */
export const ENVELOPE_KINDS_V2 = { report: 1, reply: 2, answer: 3, note: 4 } as const;
export type EnvelopeKindV2 = keyof typeof ENVELOPE_KINDS_V2;
/** Who wrote it, format 2: relabelling the author breaks decryption. */
export const AUTHOR_ROLES = { worker: 1, monitor: 2, official: 3 } as const;
export type AuthorRole = keyof typeof AUTHOR_ROLES;

interface ContextIds {
  /** 16 bytes, hex. */
  reportId: string;
  /** 16 bytes, hex; for the report itself it equals reportId. */
  messageId: string;
  /** Facility id (ASCII slug, 1–64 bytes). */
  facilityId: string;
}
/** Format 1: kept so everything stored before format 2 still opens. */
export interface EnvelopeContextV1 extends ContextIds {
  version?: 1;
  kind: EnvelopeKind;
}
export interface EnvelopeContextV2 extends ContextIds {
  version: 2;
  kind: EnvelopeKindV2;
  author: AuthorRole;
}
/** What a ciphertext is bound to: moving it to another report, message, facility, kind or author breaks it. */
export type EnvelopeContext = EnvelopeContextV1 | EnvelopeContextV2;

export interface EnvelopeRecipient {
  keyId: string;
  boxPublicKey: Uint8Array;
}

export interface SealedKey {
  keyId: string;
  sealed: Uint8Array;
}

export interface Envelope {
  body: Uint8Array;
  keys: SealedKey[];
}

/** Object.hasOwn for the browsers the bundles target (Chrome 80 has no Object.hasOwn). */
const own = (table: object, key: string) => Object.prototype.hasOwnProperty.call(table, key);

/**
 * Format 1: "BZN" ‖ 0x01 ‖ kind ‖ report id ‖ message id ‖ len(facility) ‖ facility.
 * Format 2: "BZN" ‖ 0x02 ‖ kind ‖ report id ‖ message id ‖ author role ‖ len(facility) ‖ facility.
 */
export function additionalData(s: Sodium, ctx: EnvelopeContext): Uint8Array {
  const facility = utf8(ctx.facilityId);
  if (facility.length < 1 || facility.length > 64) throw new Error('facility id must be 1-64 bytes');
  const reportId = s.from_hex(ctx.reportId);
  const messageId = s.from_hex(ctx.messageId);
  if (reportId.length !== ID_BYTES || messageId.length !== ID_BYTES) throw new Error('ids must be 16 bytes');
  // Labels come from server rows: only the table's own names count, never an Object.prototype member.
  if (ctx.version === 2) {
    if (!own(ENVELOPE_KINDS_V2, ctx.kind) || !own(AUTHOR_ROLES, ctx.author)) throw new Error('unknown kind or author');
    const kind = ENVELOPE_KINDS_V2[ctx.kind];
    const author = AUTHOR_ROLES[ctx.author];
    return concat(utf8('BZN'), Uint8Array.of(2, kind), reportId, messageId, Uint8Array.of(author, facility.length), facility);
  }
  if (!own(ENVELOPE_KINDS, ctx.kind)) throw new Error('unknown kind');
  const kind = ENVELOPE_KINDS[ctx.kind];
  return concat(utf8('BZN'), Uint8Array.of(1, kind), reportId, messageId, Uint8Array.of(facility.length), facility);
}

/** Size bucket: the next power of two ≥ length + 1, at least 512 bytes. */
export function paddedLength(length: number): number {
  let bucket = MIN_PADDED_BYTES;
  while (bucket < length + 1) bucket *= 2;
  return bucket;
}

/** sodium_pad to the bucket, so the ciphertext length says only which bucket it is in. */
export function pad(s: Sodium, plaintext: Uint8Array): Uint8Array {
  return s.pad(plaintext, paddedLength(plaintext.length));
}

/** sodium_unpad with the whole padded length as block size. */
export function unpad(s: Sodium, padded: Uint8Array): Uint8Array {
  return s.unpad(padded, padded.length);
}

/** Seals a plaintext to recipients. The content key never leaves this function in clear. */
export function sealEnvelope(
  s: Sodium,
  plaintext: Uint8Array,
  ctx: EnvelopeContext,
  recipients: EnvelopeRecipient[],
): Envelope {
  if (recipients.length === 0) throw new Error('an envelope needs at least one recipient');
  const key = s.crypto_aead_xchacha20poly1305_ietf_keygen();
  const body = encryptBody(s, plaintext, key, s.randombytes_buf(NONCE_BYTES), ctx);
  const keys = recipients.map((r) => ({ keyId: r.keyId, sealed: s.crypto_box_seal(key, r.boxPublicKey) }));
  s.memzero(key);
  return { body, keys };
}

/** nonce ‖ crypto_aead_xchacha20poly1305_ietf_encrypt(pad(plaintext), AD, nonce, key). Deterministic, for vectors. */
export function encryptBody(s: Sodium, plaintext: Uint8Array, key: Uint8Array, nonce: Uint8Array, ctx: EnvelopeContext): Uint8Array {
  if (nonce.length !== NONCE_BYTES) throw new Error('nonce must be 24 bytes');
  return concat(nonce, s.crypto_aead_xchacha20poly1305_ietf_encrypt(pad(s, plaintext), additionalData(s, ctx), null, nonce, key));
}

/** Opens a sealed content key with a recipient's X25519 pair (crypto_box_seal_open). Throws if it is not theirs. */
export function openSealedKey(
  s: Sodium,
  sealed: Uint8Array,
  pair: { publicKey: Uint8Array; privateKey: Uint8Array },
): Uint8Array {
  return s.crypto_box_seal_open(sealed, pair.publicKey, pair.privateKey);
}

/** Decrypts a body with its content key; throws on any tampering or a wrong context. */
export function openBody(s: Sodium, body: Uint8Array, contentKey: Uint8Array, ctx: EnvelopeContext): Uint8Array {
  if (body.length < NONCE_BYTES + TAG_BYTES + MIN_PADDED_BYTES) throw new Error('body too short');
  const nonce = body.subarray(0, NONCE_BYTES);
  const padded = s.crypto_aead_xchacha20poly1305_ietf_decrypt(
    null, body.subarray(NONCE_BYTES), additionalData(s, ctx), nonce, contentKey);
  return unpad(s, padded);
}

/** Opens a whole envelope for one recipient. */
export function openEnvelope(
  s: Sodium,
  body: Uint8Array,
  sealedKey: Uint8Array,
  pair: { publicKey: Uint8Array; privateKey: Uint8Array },
  ctx: EnvelopeContext,
): Uint8Array {
  const key = openSealedKey(s, sealedKey, pair);
  try {
    return openBody(s, body, key, ctx);
  } finally {
    s.memzero(key);
  }
}

/** Whether a body length is one the envelope can produce (nonce + tag + a power-of-two bucket). */
export function isPlausibleBodyLength(length: number): boolean {
  const padded = length - NONCE_BYTES - TAG_BYTES;
  return padded >= MIN_PADDED_BYTES && (padded & (padded - 1)) === 0;
}

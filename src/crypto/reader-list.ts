/**
 * @module The reader list, signed offline by the administrator.
 *
 * For each facility the administrator's CLI signs who may read its reports: the statement is the
 * JSON text `{ v: 1, facility, issued, readers: [{ keyId, role, label, boxPk, signPk, recipient }], mailSendTo?, recovery? }`
 * and the signature is Ed25519 over "buzon.readers.v1\n" ‖ statement. Browsers check it against the
 * administrator public key built into their bundles before sealing to anyone, so a reader added by
 * writing the database is refused. A retired reader stays listed with `recipient: false`: nothing
 * new is sealed to it, and the messages it signed while active still verify.
 *
 * The administrator key is derived like a reader's: passphrase → Argon2id → seed → crypto_kdf
 * subkey (context "bzadmin_") → Ed25519 pair. It never reaches the server.
 */
import { fromB64, toB64, utf8 } from './encoding';
import { normalizeReceiptCode } from './receipt';
import { keyIdOf, type KdfParams } from './recipient-keys';
import { signProof, verifyProof } from './proofs';
import type { Sodium } from './sodium';

const ADMIN_CONTEXT = 'bzadmin_';

export interface ListedReader {
  keyId: string;
  role: 'monitor' | 'official';
  label: string;
  /** X25519 public key, base64url. */
  boxPk: string;
  /** Ed25519 public key, base64url. */
  signPk: string;
  /** False for a retired key: no longer sealed to, still a valid signer of what it wrote. */
  recipient: boolean;
}
export interface ReaderList {
  v: 1;
  facility: string;
  /** When it was signed (ISO 8601, UTC). */
  issued: string;
  readers: ListedReader[];
  /** Who the plant's mail goes to (the sender chooses nothing), so a row cannot widen it. */
  mailSendTo?: 'monitor' | 'authority' | 'both';
  /** The plant's recovery key (src/crypto/recovery.ts), if it has one: new reports for its monitors are sealed to it too. */
  recovery?: ListedRecovery;
}
/** A recovery key's public half as signed: its key id and X25519 public key (base64url). */
export interface ListedRecovery {
  keyId: string;
  boxPk: string;
}
export interface SignedReaderList {
  /** The JSON text exactly as signed. */
  statement: string;
  /** Ed25519 signature, base64url. */
  signature: string;
}

const readerListMessage = (statement: string) => utf8(`buzon.readers.v1\n${statement}`);

/** The administrator's Ed25519 pair from a passphrase (Argon2id13, then crypto_kdf_derive_from_key). */
export function deriveAdminKey(s: Sodium, passphrase: string, kdf: KdfParams): { publicKey: Uint8Array; privateKey: Uint8Array } {
  const normalized = normalizeReceiptCode(passphrase) ?? passphrase.normalize('NFC');
  const seed = s.crypto_pwhash(32, normalized, kdf.salt, kdf.opsLimit, kdf.memLimit, s.crypto_pwhash_ALG_ARGON2ID13);
  const pair = s.crypto_sign_seed_keypair(s.crypto_kdf_derive_from_key(32, 1, ADMIN_CONTEXT, seed));
  s.memzero(seed);
  return { publicKey: pair.publicKey, privateKey: pair.privateKey };
}

/** Signs a facility's reader list; readers are sorted by key id so the same list gives the same text. */
export function signReaderList(s: Sodium, list: ReaderList, adminPrivateKey: Uint8Array): SignedReaderList {
  const readers = [...list.readers]
    .sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0))
    .map((r) => ({ keyId: r.keyId, role: r.role, label: r.label, boxPk: r.boxPk, signPk: r.signPk, recipient: r.recipient }));
  const statement = JSON.stringify({
    v: 1,
    facility: list.facility,
    issued: list.issued,
    readers,
    ...(list.mailSendTo ? { mailSendTo: list.mailSendTo } : {}),
    ...(list.recovery ? { recovery: { keyId: list.recovery.keyId, boxPk: list.recovery.boxPk } } : {}),
  });
  return { statement, signature: toB64(s, signProof(s, readerListMessage(statement), adminPrivateKey)) };
}

/**
 * The list, if the administrator signed it for this facility and every entry is well formed
 * (a key id that is its box key's, 32-byte keys, a known role, no key twice); otherwise null.
 */
export function verifyReaderList(s: Sodium, signed: SignedReaderList | null | undefined, adminPublicKey: Uint8Array, facilityId: string): ReaderList | null {
  if (!signed || typeof signed.statement !== 'string' || typeof signed.signature !== 'string') return null;
  try {
    if (!verifyProof(s, fromB64(s, signed.signature), readerListMessage(signed.statement), adminPublicKey)) return null;
    const list = JSON.parse(signed.statement) as ReaderList;
    if (list.v !== 1 || list.facility !== facilityId || !Array.isArray(list.readers)) return null;
    if (list.mailSendTo !== undefined && !['monitor', 'authority', 'both'].includes(list.mailSendTo)) return null;
    const seen = new Set<string>();
    for (const r of list.readers) {
      if (r.role !== 'monitor' && r.role !== 'official') return null;
      if (typeof r.recipient !== 'boolean' || typeof r.label !== 'string' || seen.has(r.keyId)) return null;
      const box = fromB64(s, r.boxPk);
      if (box.length !== 32 || fromB64(s, r.signPk).length !== 32 || keyIdOf(s, box) !== r.keyId) return null;
      seen.add(r.keyId);
    }
    if (list.recovery !== undefined) {
      const rec = list.recovery;
      if (!rec || typeof rec.keyId !== 'string' || seen.has(rec.keyId)) return null;
      const box = fromB64(s, rec.boxPk);
      if (box.length !== 32 || keyIdOf(s, box) !== rec.keyId) return null;
    }
    return list;
  } catch {
    return null;
  }
}

/** Who a new envelope is sealed to: the listed recipients of these roles. */
export function listedRecipients(s: Sodium, list: ReaderList, roles: ReadonlyArray<'monitor' | 'official'>) {
  return list.readers.filter((r) => r.recipient && roles.includes(r.role)).map((r) => ({ keyId: r.keyId, boxPublicKey: fromB64(s, r.boxPk) }));
}

/**
 * The recovery key a new report is sealed to as well: the plant's signed one, and only when the
 * worker lets the company's monitor read it (a report for the authority alone is not the plant's).
 */
export function listedRecovery(s: Sodium, list: ReaderList, roles: ReadonlyArray<'monitor' | 'official'>) {
  return list.recovery && roles.includes('monitor') ? [{ keyId: list.recovery.keyId, boxPublicKey: fromB64(s, list.recovery.boxPk) }] : [];
}

/** A signer lookup for thread messages: a listed reader's Ed25519 key, if its role is the author's. */
export function listedSigner(s: Sodium, list: ReaderList) {
  return (signer: string, author: string): Uint8Array | null => {
    const r = list.readers.find((x) => x.keyId === signer);
    return r && r.role === author ? fromB64(s, r.signPk) : null;
  };
}

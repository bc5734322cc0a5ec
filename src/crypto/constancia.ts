/**
 * @module The constancia: a proof of filing the server signs when it stores a report. It says
 * "a report was filed for plant P, released to its readers on day D" and carries a commitment to
 * the report that only the receipt code opens. Format and vectors: docs/crypto.md, "Constancia".
 *
 *   constancia key = crypto_kdf_derive_from_key(32, 4, "bzmailbx", receipt master)
 *   check          = BLAKE2b-256 (crypto_generichash) of "buzon.constancia.check.v1", keyed by it
 *   commitment     = BLAKE2b-256 of "buzon.constancia.commit.v1\n" ‖ report id, keyed by it
 *   signature      = Ed25519 (crypto_sign_detached) of "buzon.constancia.v1\n" ‖ P ‖ "\n" ‖ D ‖ "\n" ‖ commitment
 *   text           = "BZC1." ‖ P ‖ "." ‖ D ‖ "." ‖ base64url(commitment) ‖ "." ‖ base64url(signature)
 */
import { concat, fromB64, fromHex, toB64, utf8 } from './encoding';
import { MAILBOX_CONTEXT, receiptMaster } from './receipt';
import type { Sodium } from './sodium';

export const CONSTANCIA_PREFIX = 'BZC1';
const CONSTANCIA_SUBKEY = 4;
const CHECK_MESSAGE = 'buzon.constancia.check.v1';
const COMMIT_LABEL = 'buzon.constancia.commit.v1\n';
const SIGN_LABEL = 'buzon.constancia.v1\n';
const FACILITY = /^[a-z0-9-]{1,64}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** What a constancia states, once its signature checks. */
export interface ConstanciaStatement {
  facility: string;
  /** The report's release day, "YYYY-MM-DD" (Mexico City): its received day for readers and clocks. */
  day: string;
  /** 32 bytes that only the receipt code's constancia key reproduces. */
  commitment: Uint8Array;
}

/** The constancia key of a receipt code: subkey 4 of its master (crypto_kdf_derive_from_key). */
export function constanciaKeyFromCode(s: Sodium, code: string): Uint8Array {
  const master = receiptMaster(s, code);
  const key = s.crypto_kdf_derive_from_key(32, CONSTANCIA_SUBKEY, MAILBOX_CONTEXT, master);
  s.memzero(master);
  return key;
}

/** What the server keeps to recognise the key later (BLAKE2b-256 keyed by it, base64url): it opens nothing. */
export function constanciaCheck(s: Sodium, key: Uint8Array): string {
  return toB64(s, s.crypto_generichash(32, utf8(CHECK_MESSAGE), key));
}

/** The commitment to one report (BLAKE2b-256 keyed by the constancia key): never stored anywhere. */
export function constanciaCommitment(s: Sodium, key: Uint8Array, reportId: string): Uint8Array {
  const id = fromHex(s, reportId);
  if (id.length !== 16) throw new Error('report id must be 16 bytes');
  return s.crypto_generichash(32, concat(utf8(COMMIT_LABEL), id), key);
}

/** The bytes the server's Ed25519 key signs. Facility and day are checked, so the input is unambiguous. */
export function constanciaSignatureInput(st: ConstanciaStatement): Uint8Array {
  if (!FACILITY.test(st.facility) || !isDay(st.day) || st.commitment.length !== 32) throw new Error('not a constancia statement');
  return concat(utf8(`${SIGN_LABEL}${st.facility}\n${st.day}\n`), st.commitment);
}

/** Signs a statement (crypto_sign_detached) and writes it as the constancia text. */
export function signConstancia(s: Sodium, st: ConstanciaStatement, signSecretKey: Uint8Array): string {
  const signature = s.crypto_sign_detached(constanciaSignatureInput(st), signSecretKey);
  return [CONSTANCIA_PREFIX, st.facility, st.day, toB64(s, st.commitment), toB64(s, signature)].join('.');
}

/**
 * Reads a constancia text (spaces and line breaks a phone or a printer added are ignored) and
 * checks its signature (crypto_sign_verify_detached) under the server's public key. Null for
 * anything else: another format, a wrong length, a non-canonical encoding, a changed byte.
 */
export function verifyConstancia(s: Sodium, text: string, publicKey: Uint8Array): ConstanciaStatement | null {
  const parts = text.replace(/\s+/g, '').split('.');
  if (parts.length !== 5 || parts[0] !== CONSTANCIA_PREFIX || publicKey.length !== 32) return null;
  const [, facility, day, commitmentText, signatureText] = parts as [string, string, string, string, string];
  if (!FACILITY.test(facility) || !isDay(day)) return null;
  try {
    const commitment = fromB64(s, commitmentText);
    const signature = fromB64(s, signatureText);
    if (commitment.length !== 32 || signature.length !== 64) return null;
    // Base64url must be the one canonical spelling: re-encoding gives the same text back.
    if (toB64(s, commitment) !== commitmentText || toB64(s, signature) !== signatureText) return null;
    const st = { facility, day, commitment };
    return s.crypto_sign_verify_detached(signature, constanciaSignatureInput(st), publicKey) ? st : null;
  } catch {
    return null;
  }
}

/** Whether a (verified) constancia is the one of this report and this constancia key. */
export function constanciaOpens(s: Sodium, st: ConstanciaStatement, key: Uint8Array, reportId: string): boolean {
  return s.memcmp(st.commitment, constanciaCommitment(s, key, reportId));
}

/** The server's Ed25519 pair from its 32-byte seed (the deployment secret CONSTANCIA_SIGN_SK, base64url). */
export function constanciaKeypair(s: Sodium, seedB64: string): { publicKey: Uint8Array; privateKey: Uint8Array } {
  const seed = fromB64(s, seedB64);
  if (seed.length !== s.crypto_sign_SEEDBYTES) throw new Error('CONSTANCIA_SIGN_SK must be 32 bytes, base64url');
  const pair = s.crypto_sign_seed_keypair(seed);
  s.memzero(seed);
  return { publicKey: pair.publicKey, privateKey: pair.privateKey };
}

/** A calendar day written YYYY-MM-DD (no 2026-02-30). */
function isDay(day: string): boolean {
  if (!DAY.test(day)) return false;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}

/**
 * @module Receipt codes and the case mailbox keys derived from them.
 *
 * A receipt code is 20 Crockford base32 symbols: 100 random bits. Anyone holding a stolen
 * database can test guesses against every stored mailbox at once, so the budget is
 * 2^100 / (number of cases) ≥ 2^80 for up to a million cases, with a fast KDF (docs/crypto.md).
 */
import { utf8 } from './encoding';
import type { Sodium } from './sodium';

/** Crockford's base32 alphabet: no I, L, O or U, so nothing is read two ways. */
export const RECEIPT_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECEIPT_SYMBOLS = 20;
const GROUP = 4;
/** 16-byte BLAKE2b key that separates receipt hashing from every other use. */
const RECEIPT_HASH_KEY = 'buzon.receipt.v1';
export interface MailboxKeys {
  /** Lookup id of the case mailbox (16 bytes, hex); stored so the worker can find the case. */
  mailboxId: string;
  /** X25519 pair that replies are sealed to (crypto_box_seed_keypair). */
  box: { publicKey: Uint8Array; privateKey: Uint8Array };
  /** Ed25519 pair that proves ownership of the case (crypto_sign_seed_keypair). */
  sign: { publicKey: Uint8Array; privateKey: Uint8Array };
}

/** Makes a fresh receipt code from randombytes_uniform, formatted in groups of four. */
export function newReceiptCode(s: Sodium): string {
  let raw = '';
  for (let i = 0; i < RECEIPT_SYMBOLS; i++) raw += RECEIPT_ALPHABET[s.randombytes_uniform(32)];
  return formatReceiptCode(raw);
}

/** "ABCDEFGH..." → "ABCD-EFGH-...". */
export function formatReceiptCode(normalized: string): string {
  return normalized.match(new RegExp(`.{1,${GROUP}}`, 'g'))!.join('-');
}

/**
 * Normalizes what a person typed: case, spaces and dashes do not matter, and the look-alikes
 * O→0 and I/L→1 are forgiven. Returns null when it cannot be a receipt code.
 */
export function normalizeReceiptCode(typed: string): string | null {
  return normalizeCode(typed, RECEIPT_SYMBOLS);
}

/** The same forgiving normalisation for a code of any number of symbols (the recovery code has 32). */
export function normalizeCode(typed: string, symbols: number): string | null {
  const s = forgiven(typed);
  if (s.length !== symbols) return null;
  for (const ch of s) if (!RECEIPT_ALPHABET.includes(ch)) return null;
  return s;
}

/** Case, separators and the look-alikes O→0, I/L→1 forgiven, as the codes are read aloud or copied. */
const forgiven = (typed: string) =>
  typed.toUpperCase().replace(/[\s\-_.\u2010-\u2015\u2212\u200b-\u200d\u2060\ufeff]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');

/** What is wrong with a typed receipt code, so the page can say it: a symbol codes never use, or how many it has. */
export type ReceiptCodeProblem = { kind: 'symbol'; symbol: string } | { kind: 'length'; count: number };

/** The first symbol a receipt code never has (U, Ñ, #…), else a wrong count; null for a well-formed code. */
export function receiptCodeProblem(typed: string): ReceiptCodeProblem | null {
  const s = forgiven(typed);
  const symbol = [...s].find((ch) => !RECEIPT_ALPHABET.includes(ch));
  if (symbol) return { kind: 'symbol', symbol };
  return s.length === RECEIPT_SYMBOLS ? null : { kind: 'length', count: s.length };
}

/**
 * The master key of a receipt code: BLAKE2b-256 (crypto_generichash) of the normalised code, keyed
 * with RECEIPT_HASH_KEY. Every key of the case is a crypto_kdf subkey of it; the caller wipes it.
 */
export function receiptMaster(s: Sodium, code: string): Uint8Array {
  const normalized = normalizeReceiptCode(code);
  if (!normalized) throw new Error('not a receipt code');
  return s.crypto_generichash(32, utf8(normalized), utf8(RECEIPT_HASH_KEY));
}

/** Context of every subkey of the master (1 box seed, 2 sign seed, 3 mailbox id, 4 constancia key). */
export const MAILBOX_CONTEXT = 'bzmailbx';

/**
 * Derives the case mailbox from a receipt code: BLAKE2b (crypto_generichash, keyed for domain
 * separation) to a master key, then crypto_kdf_derive_from_key for each subkey.
 */
export function deriveMailbox(s: Sodium, code: string): MailboxKeys {
  const master = receiptMaster(s, code);
  const box = s.crypto_box_seed_keypair(s.crypto_kdf_derive_from_key(32, 1, MAILBOX_CONTEXT, master));
  const sign = s.crypto_sign_seed_keypair(s.crypto_kdf_derive_from_key(32, 2, MAILBOX_CONTEXT, master));
  const mailboxId = s.to_hex(s.crypto_kdf_derive_from_key(16, 3, MAILBOX_CONTEXT, master));
  s.memzero(master);
  return {
    mailboxId,
    box: { publicKey: box.publicKey, privateKey: box.privateKey },
    sign: { publicKey: sign.publicKey, privateKey: sign.privateKey },
  };
}

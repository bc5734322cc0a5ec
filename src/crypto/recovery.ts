/**
 * @module A facility's recovery key: made offline (`npm run keys -- recovery`), printed on a card,
 * never on the server. Every new report the worker lets the company's monitor read is sealed to it
 * as well, so a plant that loses every monitor's passphrase can still open its cases offline.
 *
 * code   = 32 Crockford base32 symbols (160 random bits), typed and normalised like a receipt code;
 * master = BLAKE2b-256 (crypto_generichash) of the normalised code, keyed "buzon.recovery.v1";
 * pair   = crypto_box_seed_keypair(crypto_kdf_derive_from_key(32, 1, "bzrecovr", master)).
 * Its key id is the reader key id of its X25519 public key. Only the public key is stored, and the
 * browsers take it from the administrator's signed reader list (reader-list.ts), never from a row.
 */
import { utf8 } from './encoding';
import { formatReceiptCode, normalizeCode, RECEIPT_ALPHABET } from './receipt';
import { keyIdOf } from './recipient-keys';
import type { Sodium } from './sodium';

export const RECOVERY_SYMBOLS = 32;
const RECOVERY_HASH_KEY = 'buzon.recovery.v1';
const RECOVERY_CONTEXT = 'bzrecovr';

export interface RecoveryKey {
  keyId: string;
  box: { publicKey: Uint8Array; privateKey: Uint8Array };
}

/** A fresh recovery code from randombytes_uniform, in groups of four. */
export function newRecoveryCode(s: Sodium): string {
  let raw = '';
  for (let i = 0; i < RECOVERY_SYMBOLS; i++) raw += RECEIPT_ALPHABET[s.randombytes_uniform(32)];
  return formatReceiptCode(raw);
}

/** What a person typed, normalised (case, spaces, dashes, O→0, I/L→1), or null if it cannot be a recovery code. */
export const normalizeRecoveryCode = (typed: string) => normalizeCode(typed, RECOVERY_SYMBOLS);

/** The recovery key pair from its code. Throws if the text is not a recovery code. */
export function deriveRecoveryKey(s: Sodium, code: string): RecoveryKey {
  const normalized = normalizeRecoveryCode(code);
  if (!normalized) throw new Error('not a recovery code');
  const master = s.crypto_generichash(32, utf8(normalized), utf8(RECOVERY_HASH_KEY));
  const pair = s.crypto_box_seed_keypair(s.crypto_kdf_derive_from_key(32, 1, RECOVERY_CONTEXT, master));
  s.memzero(master);
  return { keyId: keyIdOf(s, pair.publicKey), box: { publicKey: pair.publicKey, privateKey: pair.privateKey } };
}

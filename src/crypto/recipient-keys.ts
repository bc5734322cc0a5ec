/**
 * @module Monitors' and officials' keys, derived from a passphrase.
 *
 * passphrase → Argon2id (crypto_pwhash, sumo build only) → 32-byte seed → crypto_kdf subkeys
 * for an X25519 pair (sealed report keys) and an Ed25519 pair (sign-in).
 */
import { normalizeReceiptCode, newReceiptCode } from './receipt';
import type { Sodium } from './sodium';

const RECIPIENT_CONTEXT = 'bzrecpnt';

export interface KdfParams {
  /** 16-byte salt, base64url. */
  salt: Uint8Array;
  opsLimit: number;
  memLimit: number;
}

export interface RecipientKeys {
  keyId: string;
  box: { publicKey: Uint8Array; privateKey: Uint8Array };
  sign: { publicKey: Uint8Array; privateKey: Uint8Array };
}

/** Interactive Argon2id limits: about 0.2 s and 64 MiB in a desktop browser. */
export function defaultKdfParams(s: Sodium): KdfParams {
  return {
    salt: s.randombytes_buf(s.crypto_pwhash_SALTBYTES),
    opsLimit: s.crypto_pwhash_OPSLIMIT_INTERACTIVE,
    memLimit: s.crypto_pwhash_MEMLIMIT_INTERACTIVE,
  };
}

/** A generated passphrase: 20 base32 symbols, 100 bits, in the receipt code's typing-friendly form. */
export const newPassphrase = newReceiptCode;

/** Key id: the first 8 bytes of BLAKE2b (crypto_generichash) of the X25519 public key, hex. */
export function keyIdOf(s: Sodium, boxPublicKey: Uint8Array): string {
  return s.to_hex(s.crypto_generichash(8, boxPublicKey, null));
}

/** Derives a recipient's keys from a passphrase with Argon2id13 (crypto_pwhash). */
export function deriveRecipientKeys(s: Sodium, passphrase: string, kdf: KdfParams): RecipientKeys {
  const normalized = normalizeReceiptCode(passphrase) ?? passphrase.normalize('NFC');
  const seed = s.crypto_pwhash(32, normalized, kdf.salt, kdf.opsLimit, kdf.memLimit, s.crypto_pwhash_ALG_ARGON2ID13);
  const keys = recipientKeysFromSeed(s, seed);
  s.memzero(seed);
  return keys;
}

/** Splits a 32-byte seed into the X25519 and Ed25519 pairs (crypto_kdf_derive_from_key). */
export function recipientKeysFromSeed(s: Sodium, seed: Uint8Array): RecipientKeys {
  const box = s.crypto_box_seed_keypair(s.crypto_kdf_derive_from_key(32, 1, RECIPIENT_CONTEXT, seed));
  const sign = s.crypto_sign_seed_keypair(s.crypto_kdf_derive_from_key(32, 2, RECIPIENT_CONTEXT, seed));
  return {
    keyId: keyIdOf(s, box.publicKey),
    box: { publicKey: box.publicKey, privateKey: box.privateKey },
    sign: { publicKey: sign.publicKey, privateKey: sign.privateKey },
  };
}

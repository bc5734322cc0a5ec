/**
 * @module Sharing access to a case: a reader who can open a content key seals the same key to
 * another reader's X25519 key. No new format: the result is an ordinary sealed key
 * (crypto_box_seal of the 32-byte content key), exactly what the writer would have made had the
 * other reader been a recipient from the start. Used by the console ("Dar acceso"), and offline by
 * `npm run keys -- handover` (a rotated key) and by the recovery key.
 */
import { openBody, type EnvelopeContext } from './envelope';
import type { Sodium } from './sodium';

export const CONTENT_KEY_BYTES = 32;

/**
 * crypto_box_seal_open with my pair, then crypto_box_seal to `toBoxPk`; the content key is wiped.
 * Throws if the sealed key is not mine or does not hold a 32-byte key.
 */
export function resealKey(s: Sodium, sealed: Uint8Array, pair: { publicKey: Uint8Array; privateKey: Uint8Array }, toBoxPk: Uint8Array): Uint8Array {
  if (toBoxPk.length !== 32) throw new Error('recipient key must be 32 bytes');
  const key = s.crypto_box_seal_open(sealed, pair.publicKey, pair.privateKey);
  try {
    if (key.length !== CONTENT_KEY_BYTES) throw new Error('not a content key');
    return s.crypto_box_seal(key, toBoxPk);
  } finally {
    s.memzero(key);
  }
}

/**
 * resealKey for a key whose copies may be garbage (src/storage/shared-keys.ts): only a content key
 * that opens `body` under one of `contexts` (the message it is for) is sealed to `toBoxPk`. Null
 * when the copy is not mine, is not a content key, or holds a key for something else.
 */
export function resealIfItOpens(
  s: Sodium,
  sealed: Uint8Array,
  pair: { publicKey: Uint8Array; privateKey: Uint8Array },
  toBoxPk: Uint8Array,
  body: Uint8Array,
  contexts: EnvelopeContext[],
): Uint8Array | null {
  if (toBoxPk.length !== 32) throw new Error('recipient key must be 32 bytes');
  let key: Uint8Array;
  try {
    key = s.crypto_box_seal_open(sealed, pair.publicKey, pair.privateKey);
  } catch {
    return null;
  }
  try {
    if (key.length !== CONTENT_KEY_BYTES) return null;
    const opens = contexts.some((ctx) => {
      try {
        s.memzero(openBody(s, body, key, ctx));
        return true;
      } catch {
        return false;
      }
    });
    return opens ? s.crypto_box_seal(key, toBoxPk) : null;
  } finally {
    s.memzero(key);
  }
}

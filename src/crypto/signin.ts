/**
 * @module The server's side of a reader's sign-in: single-use challenges, bearer session tokens
 * and the hash under which a session is kept, and the decoy KDF salt for key ids nobody holds.
 * Server-only: imported by path, not through ./index, so no page bundle carries it.
 */
import { fromB64, toB64, utf8 } from './encoding';
import type { Sodium } from './sodium';

/** A fresh bearer session token: 32 random bytes (randombytes_buf), base64url. */
export const newSessionToken = (s: Sodium) => toB64(s, s.randombytes_buf(32));

/** What a session is stored under: hex BLAKE2b-256 (crypto_generichash) of its token, so KV never holds the token itself. */
export const sessionTokenHash = (s: Sodium, token: string) => s.to_hex(s.crypto_generichash(32, utf8(token), null));

/** A fresh single-use sign-in challenge: 32 random bytes (randombytes_buf), base64url. */
export const newSigninChallenge = (s: Sodium) => toB64(s, s.randombytes_buf(32));

/**
 * A salt that looks real for a key id nobody holds, so the sign-in answer does not tell which ids
 * exist: BLAKE2b-128 (crypto_generichash) of "decoy-salt:" ‖ key id, keyed by the server secret.
 */
export const decoySalt = (s: Sodium, serverSecret: string, keyId: string) =>
  toB64(s, s.crypto_generichash(16, utf8(`decoy-salt:${keyId}`), fromB64(s, serverSecret)));

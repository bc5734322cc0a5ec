/**
 * @module What an email report's id is derived from, so that a message delivered twice (a retry,
 * or two copies racing) becomes one report.
 *
 * server key  = POW_SECRET (32 bytes), split by crypto_kdf_derive_from_key (context "bzemail0"), subkey 1;
 * report id   = BLAKE2b-128 (crypto_generichash) keyed by it, of
 *               facility ‖ "\n" ‖ ("mid:" ‖ Message-ID ‖ "\nbody:" ‖ hex BLAKE2b-256 of the body
 *                                  | "raw:" ‖ hex BLAKE2b-256 of the raw message).
 *
 * The body (everything after the header section) is part of it because relays rewrite headers on
 * a redelivery but not the body, while a sender that reuses a Message-ID for a new message (some
 * gateways and phones do) must not lose that message as a "copy".
 *
 * The key is secret, so a Message-ID someone saw (the sender's provider, an employer's mail
 * server) cannot be matched to a stored report without it. The content itself is sealed with
 * the ordinary envelope (a fresh random key), like a web report.
 */
import { fromB64, utf8, type Sodium } from '../crypto';

const SERVER_CONTEXT = 'bzemail0';

function serverSubkey(s: Sodium, serverSecret: string, id: 1): Uint8Array {
  const key = fromB64(s, serverSecret);
  if (key.length !== s.crypto_kdf_KEYBYTES) throw new Error('POW_SECRET must be 32 bytes, base64url');
  const sub = s.crypto_kdf_derive_from_key(32, id, SERVER_CONTEXT, key);
  s.memzero(key);
  return sub;
}

/**
 * The normalized Message-ID, or null if the header is missing or is not an id at all (empty,
 * "<>", no "@"): such a placeholder is shared by unrelated messages.
 */
export function normalizeMessageId(header: string | null): string | null {
  const id = header?.trim().replace(/\s+/g, '') ?? '';
  return /^<?[^<>@]+@[^<>@]+>?$/.test(id) ? id : null;
}

/** The report id (16 bytes, hex) for a message to a facility; the same message always gets the same id. */
export function emailReportId(s: Sodium, serverSecret: string, facilityId: string, messageId: string | null, raw: Uint8Array): string {
  const key = serverSubkey(s, serverSecret, 1);
  const name = messageId ? `mid:${messageId}\nbody:${s.to_hex(messageDigest(s, bodyOf(raw)))}` : `raw:${s.to_hex(messageDigest(s, raw))}`;
  const id = s.to_hex(s.crypto_generichash(16, utf8(`${facilityId}\n${name}`), key));
  s.memzero(key);
  return id;
}

/** The bytes after the header section (after the first empty line), or all of them if there is none. */
export function bodyOf(raw: Uint8Array): Uint8Array {
  for (let i = 0; i + 1 < raw.length; i++) {
    if (raw[i] !== 0x0a) continue;
    if (raw[i + 1] === 0x0a) return raw.subarray(i + 2);
    if (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) return raw.subarray(i + 3);
  }
  return raw;
}

/** BLAKE2b-256 (crypto_generichash) of a message's bytes. */
export const messageDigest = (s: Sodium, bytes: Uint8Array) => s.crypto_generichash(32, bytes, null);

/**
 * @module The id of an email report, derived from the message so that a mail delivered twice (a
 * retry, or two copies racing) becomes one report (src/email/derive.ts says what goes in).
 *
 * server key  = POW_SECRET (32 bytes), split by crypto_kdf_derive_from_key (context "bzemail0"), subkey 1;
 * report id   = BLAKE2b-128 (crypto_generichash) keyed by it, of
 *               facility ‖ "\n" ‖ ("mid:" ‖ Message-ID ‖ "\nbody:" ‖ hex BLAKE2b-256 of the body
 *                                  | "raw:" ‖ hex BLAKE2b-256 of the raw message).
 *
 * The key is secret, so a Message-ID someone saw (the sender's provider, an employer's mail
 * server) cannot be matched to a stored report without it. Server-only: imported by path.
 */
import { fromB64, utf8 } from './encoding';
import type { Sodium } from './sodium';

const SERVER_CONTEXT = 'bzemail0';

function serverSubkey(s: Sodium, serverSecret: string, id: 1): Uint8Array {
  const key = fromB64(s, serverSecret);
  if (key.length !== s.crypto_kdf_KEYBYTES) throw new Error('POW_SECRET must be 32 bytes, base64url');
  const sub = s.crypto_kdf_derive_from_key(32, id, SERVER_CONTEXT, key);
  s.memzero(key);
  return sub;
}

/** BLAKE2b-256 (crypto_generichash) of a message's bytes. */
export const messageDigest = (s: Sodium, bytes: Uint8Array) => s.crypto_generichash(32, bytes, null);

/** What a mail's id is made of: its Message-ID and body when it has a usable Message-ID, else the whole raw message. */
export type MailIdentity = { messageId: string; body: Uint8Array } | { raw: Uint8Array };

/** The report id (16 bytes, hex) for a message to a facility; the same message always gets the same id. */
export function mailReportId(s: Sodium, serverSecret: string, facilityId: string, mail: MailIdentity): string {
  const key = serverSubkey(s, serverSecret, 1);
  const name = 'messageId' in mail ? `mid:${mail.messageId}\nbody:${s.to_hex(messageDigest(s, mail.body))}` : `raw:${s.to_hex(messageDigest(s, mail.raw))}`;
  const id = s.to_hex(s.crypto_generichash(16, utf8(`${facilityId}\n${name}`), key));
  s.memzero(key);
  return id;
}

/**
 * @module What readers and workers sign to prove who they are (Ed25519, crypto_sign_detached).
 * The messages are domain-separated and bound to the origin or the action, so a signature made
 * for one purpose is worthless for another.
 */
import { utf8 } from './encoding';
import type { Sodium } from './sodium';

/** A reader's sign-in: bound to the site's origin and a single-use challenge. */
export const signinMessage = (origin: string, challenge: string) => utf8(`buzon.signin.v1\n${origin}\n${challenge}`);

/** A worker's proof of holding the receipt code, for one action on one case mailbox. */
export const mailboxMessage = (challenge: string, mailboxId: string, action: string) =>
  utf8(`buzon.mailbox.v1\n${challenge}\n${mailboxId}\n${action}`);

/**
 * A worker's consent to send their case to the labor authority too (src/domain/case-sides.ts
 * REFERRAL), signed with the case mailbox key and kept beside the case: readers check it against
 * the mailbox key sealed inside the report before they treat the case as sent to both.
 */
export const wideningMessage = (reportId: string, facilityId: string, sendTo: string) => utf8(`buzon.widen.v1\n${reportId}\n${facilityId}\n${sendTo}`);

/** Signs with an Ed25519 secret key (crypto_sign_detached). */
export function signProof(s: Sodium, message: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return s.crypto_sign_detached(message, privateKey);
}

/** Verifies an Ed25519 signature (crypto_sign_verify_detached); false on any malformed input. */
export function verifyProof(s: Sodium, signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== s.crypto_sign_BYTES || publicKey.length !== s.crypto_sign_PUBLICKEYBYTES) return false;
  try {
    return s.crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}

/**
 * @module The server's side of the constancia: its signing key from the deployment secret, and
 * signing a report's statement. Nothing here is stored: the same report always gets the same
 * bytes (Ed25519 is deterministic), so a constancia is signed again rather than kept.
 */
import { constanciaCheck, constanciaCommitment, constanciaKeypair, fromB64, signConstancia, toB64, type Sodium } from '../crypto';
import type { Env } from '../env';

/** The public key verifiers use (base64url), or null when the deployment has no signing key. */
export function constanciaPublicKey(s: Sodium, env: Pick<Env, 'CONSTANCIA_SIGN_SK'>): string | null {
  if (!env.CONSTANCIA_SIGN_SK) return null;
  const pair = constanciaKeypair(s, env.CONSTANCIA_SIGN_SK);
  s.memzero(pair.privateKey);
  return toB64(s, pair.publicKey);
}

/** A constancia key as sent by a page (base64url, 32 bytes), or null. */
export function readConstanciaKey(s: Sodium, text: string | undefined): Uint8Array | null {
  if (!text) return null;
  try {
    const key = fromB64(s, text);
    return key.length === 32 ? key : null;
  } catch {
    return null;
  }
}

/**
 * Signs the constancia of one report: its facility, its release day and the commitment made
 * with the receipt code's constancia key. Null when the deployment has no signing key, or the
 * key does not match the check stored with the report (so no second commitment is ever signed).
 */
export function issueConstancia(
  s: Sodium,
  env: Pick<Env, 'CONSTANCIA_SIGN_SK'>,
  r: { facilityId: string; day: string; reportId: string; key: Uint8Array; check: string | null },
): string | null {
  if (!env.CONSTANCIA_SIGN_SK || r.check === null || constanciaCheck(s, r.key) !== r.check) return null;
  const pair = constanciaKeypair(s, env.CONSTANCIA_SIGN_SK);
  try {
    return signConstancia(s, { facility: r.facilityId, day: r.day, commitment: constanciaCommitment(s, r.key, r.reportId) }, pair.privateKey);
  } finally {
    s.memzero(pair.privateKey);
  }
}

/**
 * @module Stateless proof-of-work challenges, signed by the server (crypto_auth, HMAC-SHA-512-256).
 *
 * token = "v1.<nonce>.<expires>.<bits>.<mac>"; nothing is stored when one is issued. Single use
 * is enforced at submission by the replay set (routes/api.ts).
 */
import { fromB64, toB64, utf8, type Sodium } from '../crypto';

export const CHALLENGE_LIFETIME_SECONDS = 2 * 60 * 60;

export interface ChallengeClaims {
  nonce: string;
  expires: number;
  bits: number;
}

export type ChallengeCheck = { ok: true; claims: ChallengeClaims } | { ok: false; reason: 'pow_invalid' | 'pow_expired' };

function secretKey(s: Sodium, secret: string): Uint8Array {
  const key = fromB64(s, secret);
  if (key.length !== s.crypto_auth_KEYBYTES) throw new Error('POW_SECRET must be 32 bytes, base64url');
  return key;
}

/** Issues a challenge that expires CHALLENGE_LIFETIME_SECONDS from now. */
export function issueChallenge(s: Sodium, secret: string, bits: number, nowSeconds: number): string {
  const claims = `v1.${toB64(s, s.randombytes_buf(16))}.${nowSeconds + CHALLENGE_LIFETIME_SECONDS}.${bits}`;
  return `${claims}.${toB64(s, s.crypto_auth(utf8(claims), secretKey(s, secret)))}`;
}

/** Checks a token's signature and expiry; does not check the work itself. */
export function verifyChallenge(s: Sodium, secret: string, token: string, nowSeconds: number): ChallengeCheck {
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== 'v1') return { ok: false, reason: 'pow_invalid' };
  const [, nonce, expiresText, bitsText, macText] = parts as [string, string, string, string, string];
  let mac: Uint8Array;
  try {
    mac = fromB64(s, macText);
  } catch {
    return { ok: false, reason: 'pow_invalid' };
  }
  const claims = parts.slice(0, 4).join('.');
  if (mac.length !== s.crypto_auth_BYTES || !s.crypto_auth_verify(mac, utf8(claims), secretKey(s, secret))) {
    return { ok: false, reason: 'pow_invalid' };
  }
  const expires = Number(expiresText);
  if (!(expires > nowSeconds)) return { ok: false, reason: 'pow_expired' };
  return { ok: true, claims: { nonce, expires, bits: Number(bitsText) } };
}

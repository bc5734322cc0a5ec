/**
 * @module Stateless proof-of-work challenges, signed by the server (crypto_auth, HMAC-SHA-512-256).
 *
 * token = "v2.<nonce>.<expires>.<bits>.<purpose>.<facility>.<mac>"; nothing is stored when one is
 * issued. A token is bound to what it pays for (a report at one facility, or the worker's mailbox)
 * so a cheap mailbox token cannot pay for a report or for evidence. Single use of report tokens is
 * enforced at submission by the replay set (routes/api.ts). docs/crypto.md has the byte layout.
 * Server-only: imported by path, not through ./index, so no page bundle carries it.
 */
import { fromB64, toB64, utf8 } from './encoding';
import type { Sodium } from './sodium';

export const CHALLENGE_LIFETIME_SECONDS = 2 * 60 * 60;

export const PURPOSES = ['report', 'mailbox'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** What a token is bound to; the mailbox is bound to no facility ("*"). */
export interface ChallengeBinding {
  purpose: Purpose;
  facility: string;
}

export interface ChallengeClaims extends ChallengeBinding {
  nonce: string;
  expires: number;
  bits: number;
}

export type ChallengeCheck = { ok: true; claims: ChallengeClaims } | { ok: false; reason: 'pow_invalid' | 'pow_expired' };

const FACILITY = /^(\*|[a-z0-9-]{1,64})$/;

function secretKey(s: Sodium, secret: string): Uint8Array {
  const key = fromB64(s, secret);
  if (key.length !== s.crypto_auth_KEYBYTES) throw new Error('POW_SECRET must be 32 bytes, base64url');
  return key;
}

/** Issues a challenge for one purpose (and facility) that expires CHALLENGE_LIFETIME_SECONDS from now; MAC by crypto_auth. */
export function issueChallenge(s: Sodium, secret: string, bits: number, nowSeconds: number, bound: ChallengeBinding): string {
  if (!FACILITY.test(bound.facility)) throw new Error('not a facility id');
  const claims = `v2.${toB64(s, s.randombytes_buf(16))}.${nowSeconds + CHALLENGE_LIFETIME_SECONDS}.${bits}.${bound.purpose}.${bound.facility}`;
  return `${claims}.${toB64(s, s.crypto_auth(utf8(claims), secretKey(s, secret)))}`;
}

/** Checks a token's signature (crypto_auth_verify), expiry and binding; does not check the work itself. */
export function verifyChallenge(s: Sodium, secret: string, token: string, nowSeconds: number, expected: ChallengeBinding): ChallengeCheck {
  const parts = token.split('.');
  if (parts.length !== 7 || parts[0] !== 'v2') return { ok: false, reason: 'pow_invalid' };
  const [, nonce, expiresText, bitsText, purpose, facility, macText] = parts as [string, string, string, string, string, string, string];
  let mac: Uint8Array;
  try {
    mac = fromB64(s, macText);
  } catch {
    return { ok: false, reason: 'pow_invalid' };
  }
  const claims = parts.slice(0, 6).join('.');
  if (mac.length !== s.crypto_auth_BYTES || !s.crypto_auth_verify(mac, utf8(claims), secretKey(s, secret))) {
    return { ok: false, reason: 'pow_invalid' };
  }
  if (purpose !== expected.purpose || facility !== expected.facility) return { ok: false, reason: 'pow_invalid' };
  const expires = Number(expiresText);
  if (!(expires > nowSeconds)) return { ok: false, reason: 'pow_expired' };
  return { ok: true, claims: { nonce, expires, bits: Number(bitsText), purpose: expected.purpose, facility } };
}

/** The claims of a token whose MAC checks, whatever it is bound to (null otherwise): for routes that learn the binding from the token. */
export function tokenBinding(s: Sodium, secret: string, token: string): ChallengeBinding | null {
  const parts = token.split('.');
  if (parts.length !== 7 || parts[0] !== 'v2' || !(PURPOSES as readonly string[]).includes(parts[4]!)) return null;
  const check = verifyChallenge(s, secret, token, 0, { purpose: parts[4] as Purpose, facility: parts[5]! });
  return check.ok ? { purpose: check.claims.purpose, facility: check.claims.facility } : null;
}

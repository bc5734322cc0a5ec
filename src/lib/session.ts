/**
 * @module Readers' sessions and sign-in challenges, in KV.
 *
 * The session token is a bearer token the console keeps in page memory (never a cookie), so no
 * other site can make the browser send it: cross-site request forgery has nothing to ride on.
 * KV holds only a hash of the token. A session ends after 8 hours without use, or at sign-out.
 */
import { toB64, utf8, type Sodium } from '../crypto';

export const SESSION_IDLE_SECONDS = 8 * 60 * 60;
const REFRESH_AFTER_SECONDS = 10 * 60;
export const SIGNIN_CHALLENGE_SECONDS = 120;

export interface ReaderSession {
  keyId: string;
  role: 'monitor' | 'official';
  /** Monitors: the facilities they serve. */
  facilities: string[];
  /** Officials: their state, or null for every facility. */
  scopeState: string | null;
}

interface StoredSession extends ReaderSession {
  refreshed: number;
}

const sessionKey = (s: Sodium, token: string) => `session/${s.to_hex(s.crypto_generichash(32, utf8(token), null))}`;

export async function createSession(kv: KVNamespace, s: Sodium, session: ReaderSession, now: number): Promise<string> {
  const token = toB64(s, s.randombytes_buf(32));
  const stored: StoredSession = { ...session, refreshed: now };
  await kv.put(sessionKey(s, token), JSON.stringify(stored), { expirationTtl: SESSION_IDLE_SECONDS });
  return token;
}

/** The live session for a token, sliding its idle expiry forward; null if unknown or expired. */
export async function readSession(kv: KVNamespace, s: Sodium, token: string, now: number): Promise<ReaderSession | null> {
  const key = sessionKey(s, token);
  const stored = await kv.get<StoredSession>(key, 'json');
  if (!stored) return null;
  if (now - stored.refreshed > REFRESH_AFTER_SECONDS) {
    await kv.put(key, JSON.stringify({ ...stored, refreshed: now }), { expirationTtl: SESSION_IDLE_SECONDS });
  }
  const { refreshed: _refreshed, ...session } = stored;
  return session;
}

export async function endSession(kv: KVNamespace, s: Sodium, token: string): Promise<void> {
  await kv.delete(sessionKey(s, token));
}

/** A single-use sign-in challenge for one key id. */
export async function issueSigninChallenge(kv: KVNamespace, s: Sodium, keyId: string): Promise<string> {
  const challenge = toB64(s, s.randombytes_buf(32));
  await kv.put(`signin/${challenge}`, keyId, { expirationTtl: SIGNIN_CHALLENGE_SECONDS });
  return challenge;
}

/** Takes a challenge out of the store: it answers once, for the key id it was issued to. */
export async function takeSigninChallenge(kv: KVNamespace, challenge: string): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) return null;
  const key = `signin/${challenge}`;
  const keyId = await kv.get(key);
  if (keyId !== null) await kv.delete(key);
  return keyId;
}

/** Failed sign-ins per key id (never per address): each failure doubles the wait, up to 5 minutes. */
export async function signinBlockedFor(kv: KVNamespace, keyId: string, now: number): Promise<number> {
  const state = await kv.get<{ failures: number; until: number }>(`signin-fail/${keyId}`, 'json');
  return state && state.until > now ? state.until - now : 0;
}

export async function recordSigninFailure(kv: KVNamespace, keyId: string, now: number): Promise<void> {
  const key = `signin-fail/${keyId}`;
  const state = (await kv.get<{ failures: number; until: number }>(key, 'json')) ?? { failures: 0, until: 0 };
  const failures = state.failures + 1;
  const wait = failures < 3 ? 0 : Math.min(300, 2 ** (failures - 2));
  await kv.put(key, JSON.stringify({ failures, until: now + wait }), { expirationTtl: 3600 });
}

export async function clearSigninFailures(kv: KVNamespace, keyId: string): Promise<void> {
  await kv.delete(`signin-fail/${keyId}`);
}

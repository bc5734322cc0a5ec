/**
 * @module Readers' sessions and sign-in challenges, in KV.
 *
 * The session token is a bearer token the console keeps in page memory (never a cookie), so no
 * other site can make the browser send it: cross-site request forgery has nothing to ride on.
 * KV holds only a hash of the token. A session ends after 8 hours without use, 12 hours after
 * sign-in however much it is used, at sign-out, or as soon as the reader's key is retired (the
 * console API checks the key in D1 on every request, see `requireReader`).
 */
import type { ReaderSession } from '../contract/console-responses';
import type { Sodium } from '../crypto';
import { newSessionToken, newSigninChallenge, sessionTokenHash } from '../crypto/signin';

export const SESSION_IDLE_SECONDS = 8 * 60 * 60;
export const SESSION_MAX_SECONDS = 12 * 60 * 60;
const REFRESH_AFTER_SECONDS = 10 * 60;
export const SIGNIN_CHALLENGE_SECONDS = 120;

/** Who is signed in: the shape /console/api/session and /signin answer with (src/contract/console-responses.ts). */
export type { ReaderSession };

interface StoredSession extends ReaderSession {
  /** When the reader signed in (seconds): the session never outlives it by SESSION_MAX_SECONDS. */
  created: number;
  refreshed: number;
}

/** The KV key of a session: its token's hash (src/crypto/signin.ts), never the token. */
export const sessionKey = (s: Sodium, token: string) => `session/${sessionTokenHash(s, token)}`;

/**
 * KV's expiry for a session, relative to now: the idle limit, never past the absolute one (KV
 * wants at least 60 s). Relative, so it holds whatever clock the Worker is given.
 */
const expirationTtl = (stored: StoredSession, now: number) => Math.max(60, Math.min(SESSION_IDLE_SECONDS, stored.created + SESSION_MAX_SECONDS - now));

export async function createSession(kv: KVNamespace, s: Sodium, session: ReaderSession, now: number): Promise<string> {
  const token = newSessionToken(s);
  const stored: StoredSession = { ...session, created: now, refreshed: now };
  await kv.put(sessionKey(s, token), JSON.stringify(stored), { expirationTtl: expirationTtl(stored, now) });
  return token;
}

/**
 * The live session for a token, sliding its idle expiry forward; null if unknown, idle for too
 * long, or older than SESSION_MAX_SECONDS (KV's own expiry is only a backstop: it may lag).
 */
export async function readSession(kv: KVNamespace, s: Sodium, token: string, now: number): Promise<ReaderSession | null> {
  const key = sessionKey(s, token);
  const stored = await kv.get<StoredSession>(key, 'json');
  if (!stored) return null;
  if (typeof stored.created !== 'number' || now - stored.created >= SESSION_MAX_SECONDS || now - stored.refreshed >= SESSION_IDLE_SECONDS) {
    await kv.delete(key);
    return null;
  }
  if (now - stored.refreshed > REFRESH_AFTER_SECONDS) {
    const next = { ...stored, refreshed: now };
    await kv.put(key, JSON.stringify(next), { expirationTtl: expirationTtl(next, now) });
  }
  const { refreshed: _refreshed, created: _created, ...session } = stored;
  return session;
}

export async function endSession(kv: KVNamespace, s: Sodium, token: string): Promise<void> {
  await kv.delete(sessionKey(s, token));
}

/** A single-use sign-in challenge for one key id. */
export async function issueSigninChallenge(kv: KVNamespace, s: Sodium, keyId: string): Promise<string> {
  const challenge = newSigninChallenge(s);
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

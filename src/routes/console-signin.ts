/**
 * @module Signing in to the console: a challenge with the key's password-derivation parameters
 * (a decoy's for a key id nobody holds), then the challenge signed with the reader's key for a
 * session token. Every attempt on a known key is audited. A retired key is told so only after its
 * holder has signed the challenge with it (`npm run keys -- retire`).
 */
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { signinChallengeSchema, signinSchema } from '../contract/console';
import type { SignedIn, SigninChallenge } from '../contract/console-responses';
import { fromB64, signinMessage, verifyProof } from '../crypto';
import { decoySalt as keyedDecoySalt } from '../crypto/signin';
import { limitBody } from '../lib/body-limit';
import { mexicoDay, nowSeconds } from '../lib/clock';
import { apiError } from '../lib/http';
import { createSession, issueSigninChallenge, takeSigninChallenge } from '../lib/session';
import { loadSodium } from '../lib/sodium';
import { invalid } from '../lib/validate';
import { recordAudit } from '../storage/audit';
import { signinKdf, signinReader } from '../storage/readers';
import type { ConsoleContext, ConsoleEnv } from './reader-session';

export const signinApi = new Hono<ConsoleEnv>();

/** A salt that looks real for a key id nobody holds, so the answer does not tell which ids exist. */
function decoySalt(c: ConsoleContext, s: Awaited<ReturnType<typeof loadSodium>>, keyId: string) {
  return keyedDecoySalt(s, c.env.POW_SECRET, keyId);
}

/**
 * Sign-in requests for all readers together, per route (wrangler.toml [[ratelimits]]). Never per
 * key id: key ids are public, so anyone could lock a reader out; never per address: none is kept.
 * A signature cannot be guessed, so this only keeps a flood from costing KV writes and D1 reads.
 */
const withinSigninLimit = async (c: ConsoleContext, route: 'signin' | 'signin/challenge') =>
  (await c.env.SIGNIN_LIMIT.limit({ key: route })).success;

signinApi.post('/signin/challenge', limitBody(1024), zValidator('json', signinChallengeSchema, invalid), async (c) => {
  const { keyId } = c.req.valid('json');
  if (!(await withinSigninLimit(c, 'signin/challenge'))) return apiError(c, 429, 'signin_wait');
  const s = await loadSodium();
  const row = await signinKdf(c.env.DB, keyId);
  const kdf = row ?? { salt: decoySalt(c, s, keyId), ops: s.crypto_pwhash_OPSLIMIT_INTERACTIVE ?? 2, mem: 67_108_864 };
  const challenge = await issueSigninChallenge(c.env.STATE, s, keyId);
  return c.json({ challenge, kdf } satisfies SigninChallenge);
});

signinApi.post('/signin', limitBody(2048), zValidator('json', signinSchema, invalid), async (c) => {
  const { keyId, challenge, signature } = c.req.valid('json');
  if (!(await withinSigninLimit(c, 'signin'))) return apiError(c, 429, 'signin_wait');
  const s = await loadSodium();
  const now = nowSeconds();
  const [issuedTo, reader] = await Promise.all([
    takeSigninChallenge(c.env.STATE, challenge),
    signinReader(c.env.DB, keyId),
  ]);
  const origin = new URL(c.req.url).origin;
  // The signature is checked whatever the key's status: only someone who holds the key learns it was retired.
  const proved =
    issuedTo === keyId &&
    reader !== null &&
    verifyProof(s, fromB64(s, signature), signinMessage(origin, challenge), fromB64(s, reader.signPk));
  if (!proved || !reader || reader.status !== 'active') {
    const detail = reader && reader.status !== 'active' ? reader.status : null;
    if (reader) await recordAudit(c.env, [{ day: mexicoDay(), actor: keyId, role: reader.session.role, action: 'signin', reportId: null, outcome: 'denied', detail }]);
    // Anyone else (a wrong passphrase, a key id nobody holds) gets the one answer that says nothing about the key.
    return proved ? apiError(c, 403, 'signin_retired') : apiError(c, 401, 'signin_failed');
  }
  const { session } = reader;
  const token = await createSession(c.env.STATE, s, session, now);
  await recordAudit(c.env, [{ day: mexicoDay(), actor: keyId, role: session.role, action: 'signin', reportId: null, outcome: 'ok', detail: null }]);
  return c.json({ token, reader: { ...session, label: reader.label } } satisfies SignedIn);
});

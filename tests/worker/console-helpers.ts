/**
 * Helpers for the console tests: readers signed in through the real sign-in API.
 */
import { SELF, env } from 'cloudflare:test';
import { expect } from 'vitest';
import { buildSubmission, makeFacility, post, releaseNow } from './helpers';
import { recipientKeysFromSeed, signinMessage, signProof, toB64, type RecipientKeys, type Sodium } from '../../src/crypto';

export const ORIGIN = 'https://buzon.test';

export async function api(path: string, opts: { token?: string; body?: unknown; method?: string; origin?: string } = {}) {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.origin) headers.origin = opts.origin;
  return SELF.fetch(`${ORIGIN}${path}`, {
    method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
}

export async function challengeFor(keyId: string): Promise<string> {
  const res = await api('/console/api/signin/challenge', { body: { keyId } });
  return ((await res.json()) as { challenge: string }).challenge;
}

/** Signs in through the API, exactly as the console does. */
export async function signIn(s: Sodium, keys: RecipientKeys): Promise<string> {
  const challenge = await challengeFor(keys.keyId);
  const signature = toB64(s, signProof(s, signinMessage(ORIGIN, challenge), keys.sign.privateKey));
  const res = await api('/console/api/signin', { body: { keyId: keys.keyId, challenge, signature } });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** An official with a jurisdiction (a state) or the whole country (null). */
export async function makeOfficial(s: Sodium, scopeState: string | null): Promise<RecipientKeys> {
  const keys = recipientKeysFromSeed(s, s.randombytes_buf(32));
  await env.DB.prepare(
    `INSERT INTO recipients (key_id, role, label, box_pk, sign_pk, kdf_salt, kdf_ops, kdf_mem, scope_state)
     VALUES (?1, 'official', 'Inspección', ?2, ?3, 'c2FsdA', 2, 67108864, ?4)`,
  )
    .bind(keys.keyId, toB64(s, keys.box.publicKey), toB64(s, keys.sign.publicKey), scopeState)
    .run();
  return keys;
}

/** A fresh facility with one report, sent and released, and its monitor signed in. */
export async function releasedCase(s: Sodium) {
  const f = await makeFacility(s);
  const { body } = await buildSubmission(s, f);
  expect((await post(body)).status).toBe(201);
  await releaseNow();
  return { f, body, reportId: body.reportId as string, token: await signIn(s, f.monitor) };
}

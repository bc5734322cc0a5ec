/**
 * Offboarding a reader: `npm run keys -- retire` writes one D1 row, and from then on the key
 * cannot sign in, its open sessions end at the next request, and nothing new is sealed to it.
 * Sessions also end 12 hours after sign-in however busy they are.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { fromB64, recipientKeysFromSeed, sealEnvelope, signinMessage, signProof, toB64, utf8, type RecipientKeys } from '../../src/crypto';
import worker from '../../src/index';
import { nowSeconds } from '../../src/lib/clock';
import { SESSION_IDLE_SECONDS, SESSION_MAX_SECONDS, sessionKey } from '../../src/lib/session';
import { activeRecipientsFor } from '../../src/storage/recipients';
import { api, challengeFor, ORIGIN, releasedCase, signIn } from './console-helpers';
import { buildSubmission, makeFacility, post, releaseNow, sodium } from './helpers';

/** What `npm run keys -- retire --key KEY_ID` does (scripts/keys.ts). */
const retire = (keyId: string) => env.DB.prepare("UPDATE recipients SET status = 'retired' WHERE key_id = ?1").bind(keyId).run();

async function signinWith(s: Awaited<ReturnType<typeof sodium>>, keys: RecipientKeys) {
  const challenge = await challengeFor(keys.keyId);
  const signature = toB64(s, signProof(s, signinMessage(ORIGIN, challenge), keys.sign.privateKey));
  return api('/console/api/signin', { body: { keyId: keys.keyId, challenge, signature } });
}

describe('a retired key', () => {
  it('should be refused at sign-in, told it was retired only once its holder signed, and the refusal audited', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    await retire(f.monitor.keyId);
    // Whoever holds the key (the challenge signed with it) learns it was retired, and whom to ask.
    const res = await signinWith(s, f.monitor);
    expect(res.status).toBe(403);
    const told = ((await res.json()) as any).error;
    expect(told.code).toBe('signin_retired');
    expect(told.message).toMatch(/frase secreta es correcta.*retiró.*administrador/);
    const row = await env.DB.prepare("SELECT action, outcome, detail FROM audit_log WHERE actor = ?1 AND action = 'signin' ORDER BY seq DESC LIMIT 1")
      .bind(f.monitor.keyId)
      .first();
    expect(row).toEqual({ action: 'signin', outcome: 'denied', detail: 'retired' });

    // Anyone else gets the answer any failure gets: a wrong key for that id, as for an id nobody holds.
    const outsider = recipientKeysFromSeed(s, s.randombytes_buf(32));
    const challenge = await challengeFor(f.monitor.keyId);
    const forged = await api('/console/api/signin', { body: { keyId: f.monitor.keyId, challenge, signature: toB64(s, signProof(s, signinMessage(ORIGIN, challenge), outsider.sign.privateKey)) } });
    const nobody = await signinWith(s, outsider);
    for (const other of [forged, nobody]) {
      expect(other.status).toBe(401);
      expect(((await other.json()) as any).error.code).toBe('signin_failed');
    }
  });

  it('should lose its open session at the next request: no list, no triage, no reply', async () => {
    const s = await sodium();
    const { f, body, token } = await releasedCase(s);
    const open = await api(`/console/api/cases/${body.reportId}`, { token });
    expect(open.status).toBe(200);
    const { sealTo } = (await open.json()) as { sealTo: { reply: Array<{ keyId: string; boxPk: string }> } };

    await retire(f.monitor.keyId);
    for (const res of [
      await api('/console/api/cases', { token }),
      await api(`/console/api/cases/${body.reportId}`, { token }),
      await api(`/console/api/cases/${body.reportId}/triage`, { token, body: { status: 'not_substantiated' } }),
    ]) {
      expect(res.status).toBe(401);
      expect(((await res.json()) as any).error.code).toBe('unauthenticated');
    }
    const messageId = s.to_hex(s.randombytes_buf(16));
    const envelope = sealEnvelope(s, utf8(JSON.stringify({ v: 1, text: 'Cerramos tu caso' })), { kind: 'message', reportId: body.reportId, messageId, facilityId: f.id },
      sealTo.reply.map((k) => ({ keyId: k.keyId, boxPublicKey: fromB64(s, k.boxPk) })));
    const reply = await api(`/console/api/cases/${body.reportId}/messages`, {
      token,
      body: { id: messageId, kind: 'reply', envelope: { body: toB64(s, envelope.body), keys: envelope.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })) } },
    });
    expect(reply.status).toBe(401);
    expect(await env.DB.prepare('SELECT status FROM reports WHERE id = ?1').bind(body.reportId).first()).toEqual({ status: 'new' });
    expect(await env.DB.prepare('SELECT count(*) AS n FROM messages WHERE report_id = ?1').bind(body.reportId).first()).toEqual({ n: 0 });
    // The session is gone from KV too.
    expect(await env.STATE.get(sessionKey(s, token))).toBeNull();
  });

  it('should not be a recipient of anything new, while what was sealed to it keeps its wrapped key', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    // A second monitor stays on, so the company side still has a reader after the retirement.
    const colleague = recipientKeysFromSeed(s, s.randombytes_buf(32));
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO recipients (key_id, role, label, box_pk, sign_pk, kdf_salt, kdf_ops, kdf_mem) VALUES (?1, 'monitor', 'test', ?2, ?3, 'c2FsdA', 2, 67108864)`,
      ).bind(colleague.keyId, toB64(s, colleague.box.publicKey), toB64(s, colleague.sign.publicKey)),
      env.DB.prepare('INSERT INTO recipient_facilities (key_id, facility_id) VALUES (?1, ?2)').bind(colleague.keyId, f.id),
    ]);
    const before = await buildSubmission(s, f);
    expect((await post(before.body)).status).toBe(201);
    const sealedBefore = await buildSubmission(s, f); // sealed to the monitor, sent after the retirement
    await retire(f.monitor.keyId);

    expect((await activeRecipientsFor(env.DB, f.id)).map((k) => k.keyId).sort()).toEqual([colleague.keyId, f.official.keyId].sort());
    const listed = (await (await api(`/api/facilities/${f.id}/recipients`)).json()) as Record<string, Array<{ keyId: string }>>;
    expect(Object.values(listed).flat().map((k) => k.keyId)).not.toContain(f.monitor.keyId);
    // A report still sealed to the retired key is refused; one built from the current list is not.
    const stale = await post(sealedBefore.body);
    expect(stale.status).toBe(422);
    expect(((await stale.json()) as any).error.code).toBe('bad_envelope');
    const after = await buildSubmission(s, f);
    expect(after.body.envelope.keys.map((k: { keyId: string }) => k.keyId).sort()).toEqual([colleague.keyId, f.official.keyId, 'mailbox'].sort());
    expect((await post(after.body)).status).toBe(201);
    // The old report's key for the retired reader stays, so `npm run decrypt` opens it offline.
    expect(await env.DB.prepare('SELECT count(*) AS n FROM wrapped_keys WHERE report_id = ?1 AND key_id = ?2').bind(before.body.reportId, f.monitor.keyId).first()).toEqual({ n: 1 });

    // And a reply to an old case is sealed to active readers only.
    await releaseNow();
    const official = await signIn(s, f.official);
    const { sealTo } = (await (await api(`/console/api/cases/${before.body.reportId}`, { token: official })).json()) as { sealTo: { reply: Array<{ keyId: string }> } };
    expect(sealTo.reply.map((k) => k.keyId)).not.toContain(f.monitor.keyId);
  });
});

describe('session lifetime', () => {
  /** Rewrites a session's clocks in KV, as if it had been created and last refreshed that long ago. */
  async function age(token: string, createdAgo: number, refreshedAgo: number) {
    const s = await sodium();
    const key = sessionKey(s, token);
    const stored = (await env.STATE.get<Record<string, unknown>>(key, 'json'))!;
    const now = nowSeconds();
    await env.STATE.put(key, JSON.stringify({ ...stored, created: now - createdAgo, refreshed: now - refreshedAgo }), { expirationTtl: 3600 });
    return key;
  }

  it('should end 12 hours after sign-in even when used all along', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const token = await signIn(s, f.monitor);
    await age(token, SESSION_MAX_SECONDS - 120, 60);
    expect((await api('/console/api/session', { token })).status).toBe(200);
    const key = await age(token, SESSION_MAX_SECONDS + 1, 60);
    expect((await api('/console/api/session', { token })).status).toBe(401);
    expect(await env.STATE.get(key)).toBeNull();
  });

  it('should never slide the KV expiry past the absolute limit', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const token = await signIn(s, f.monitor);
    const key = await age(token, 10 * 3600, 20 * 60); // due for a refresh
    const now = nowSeconds();
    expect((await api('/console/api/session', { token })).status).toBe(200);
    const { keys } = await env.STATE.list({ prefix: key });
    expect(keys[0]!.expiration).toBeLessThanOrEqual(now + 2 * 3600 + 5);
    expect(keys[0]!.expiration).toBeGreaterThan(now + 2 * 3600 - 60);
  });

  it('should still end after 8 hours without use', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const token = await signIn(s, f.monitor);
    await age(token, SESSION_IDLE_SECONDS + 10, SESSION_IDLE_SECONDS + 1);
    expect((await api('/console/api/session', { token })).status).toBe(401);
  });
});

describe('sign-in limits', () => {
  it('should not lock a reader out however many junk sign-ins use their public key id, and audit each one', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    for (let i = 0; i < 15; i++) {
      const challenge = await challengeFor(f.monitor.keyId);
      expect((await api('/console/api/signin', { body: { keyId: f.monitor.keyId, challenge, signature: toB64(s, new Uint8Array(64)) } })).status).toBe(401);
    }
    expect((await signinWith(s, f.monitor)).status).toBe(200);
    const denied = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE actor = ?1 AND action = 'signin' AND outcome = 'denied'").bind(f.monitor.keyId).first();
    expect(denied).toEqual({ n: 15 });
  });

  it('should have the Rate Limiting binding in workerd, with the suite past wrangler.toml\'s 30 a minute', async () => {
    for (let i = 0; i < 31; i++) expect((await env.SIGNIN_LIMIT.limit({ key: 'probe' })).success).toBe(true);
  });

  it('should answer 429 with a translated error once the global limit is reached, keyed by route only', async () => {
    // A limiter of this test's own: the suite's shared one must not run out for the other files.
    const seen: unknown[] = [];
    const exhausted = { limit: async (options: unknown) => (seen.push(options), { success: false }) };
    const call = async (path: string, body: unknown, language: string) => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request(`${ORIGIN}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': language, 'cf-connecting-ip': '203.0.113.9' }, body: JSON.stringify(body) }),
        { ...env, SIGNIN_LIMIT: exhausted },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res;
    };
    const s = await sodium();
    const f = await makeFacility(s);
    const es = await call('/console/api/signin', { keyId: f.monitor.keyId, challenge: toB64(s, s.randombytes_buf(32)), signature: toB64(s, new Uint8Array(64)) }, 'es');
    expect(es.status).toBe(429);
    expect(await es.json()).toEqual({ error: { code: 'signin_wait', message: 'Hay demasiados intentos de entrar en este momento. Espera un minuto e intenta de nuevo.' } });
    const en = await call('/console/api/signin/challenge', { keyId: f.monitor.keyId }, 'en');
    expect(en.status).toBe(429);
    expect(((await en.json()) as any).error.message).toBe('Too many sign-in attempts right now. Wait a minute and try again.');
    expect(seen).toEqual([{ key: 'signin' }, { key: 'signin/challenge' }]);
  });
});

import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { recipientKeysFromSeed, signinMessage, signProof, toB64 } from '../../src/crypto';
import { buildSubmission, makeFacility, post, releaseNow, sodium } from './helpers';
import { api, challengeFor, ORIGIN, signIn } from './console-helpers';

async function attempt(keyId: string, challenge: string, signature: string) {
  return api('/console/api/signin', { body: { keyId, challenge, signature } });
}

describe('sign-in', () => {
  it('should sign a reader in with a signed challenge, bound to role and facilities', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const token = await signIn(s, f.monitor);
    const res = await api('/console/api/session', { token });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { reader: { keyId: string; role: string; facilities: string[] }; facilities: Array<{ id: string }> };
    expect(json.reader).toMatchObject({ keyId: f.monitor.keyId, role: 'monitor', facilities: [f.id] });
    expect(json.facilities.map((x) => x.id)).toEqual([f.id]);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('should refuse a replayed challenge', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const challenge = await challengeFor(f.monitor.keyId);
    const signature = toB64(s, signProof(s, signinMessage(ORIGIN, challenge), f.monitor.sign.privateKey));
    expect((await attempt(f.monitor.keyId, challenge, signature)).status).toBe(200);
    const again = await attempt(f.monitor.keyId, challenge, signature);
    expect(again.status).toBe(401);
    expect(((await again.json()) as any).error.code).toBe('signin_failed');
  });

  it('should refuse a challenge that was never issued or has expired', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const challenge = await challengeFor(f.monitor.keyId);
    await env.STATE.delete(`signin/${challenge}`); // what expiry does
    const signature = toB64(s, signProof(s, signinMessage(ORIGIN, challenge), f.monitor.sign.privateKey));
    expect((await attempt(f.monitor.keyId, challenge, signature)).status).toBe(401);
  });

  it('should refuse a forged signature, a signature for another site, and a challenge issued to another key', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const stranger = recipientKeysFromSeed(s, s.randombytes_buf(32));
    let challenge = await challengeFor(f.monitor.keyId);
    expect((await attempt(f.monitor.keyId, challenge, toB64(s, signProof(s, signinMessage(ORIGIN, challenge), stranger.sign.privateKey)))).status).toBe(401);
    challenge = await challengeFor(f.monitor.keyId);
    expect((await attempt(f.monitor.keyId, challenge, toB64(s, signProof(s, signinMessage('https://evil.example', challenge), f.monitor.sign.privateKey)))).status).toBe(401);
    challenge = await challengeFor(f.official.keyId);
    expect((await attempt(f.monitor.keyId, challenge, toB64(s, signProof(s, signinMessage(ORIGIN, challenge), f.monitor.sign.privateKey)))).status).toBe(401);
  });

  it('should let the real reader in right after junk sign-ins with their key id (no per-key lockout)', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    for (let i = 0; i < 6; i++) {
      const challenge = await challengeFor(f.monitor.keyId);
      await attempt(f.monitor.keyId, challenge, toB64(s, new Uint8Array(64)));
    }
    const challenge = await challengeFor(f.monitor.keyId);
    const res = await attempt(f.monitor.keyId, challenge, toB64(s, signProof(s, signinMessage(ORIGIN, challenge), f.monitor.sign.privateKey)));
    expect(res.status).toBe(200);
  });

  it('should answer an unknown sign-in name like a known one', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const known = (await (await api('/console/api/signin/challenge', { body: { keyId: f.monitor.keyId } })).json()) as any;
    const unknown = (await (await api('/console/api/signin/challenge', { body: { keyId: 'abcdef0123456789' } })).json()) as any;
    expect(Object.keys(unknown).sort()).toEqual(Object.keys(known).sort());
    expect(unknown.kdf.salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const again = (await (await api('/console/api/signin/challenge', { body: { keyId: 'abcdef0123456789' } })).json()) as any;
    expect(again.kdf.salt).toBe(unknown.kdf.salt);
  });
});

describe('sessions', () => {
  it('should end a session at sign-out', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const token = await signIn(s, f.monitor);
    expect((await api('/console/api/signout', { token, body: {} })).status).toBe(204);
    const res = await api('/console/api/cases', { token });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe('unauthenticated');
  });

  it('should refuse requests without a session, with a made-up one, or from another origin', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    expect((await api('/console/api/cases')).status).toBe(401);
    expect((await api('/console/api/cases', { token: toB64(s, s.randombytes_buf(32)) })).status).toBe(401);
    const token = await signIn(s, f.monitor);
    const { body } = await buildSubmission(s, f);
    await post(body);
    const res = await api(`/console/api/cases/${body.reportId}/triage`, { token, body: { severity: 'low' }, origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).error.code).toBe('bad_origin');
  });

  it('should keep sessions in KV only as a hash of the token, with an idle expiry', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const token = await signIn(s, f.monitor);
    const { keys } = await env.STATE.list({ prefix: 'session/' });
    expect(keys.some((k) => k.name.includes(token))).toBe(false);
    expect(keys.every((k) => typeof k.expiration === 'number')).toBe(true);
  });
});

describe('triage input', () => {
  /** A stored report, and triage of it by its facility's monitor. */
  async function storedCase() {
    const s = await sodium();
    const f = await makeFacility(s);
    const token = await signIn(s, f.monitor);
    const { body } = await buildSubmission(s, f);
    await post(body);
    await releaseNow();
    const triage = (change: unknown) => api(`/console/api/cases/${body.reportId}/triage`, { token, body: change });
    return { f, body, triage };
  }

  it('should refuse an unknown status and an illegal transition, and apply a legal one', async () => {
    const { f, body, triage } = await storedCase();
    expect((await triage({ status: 'closed-forever' })).status).toBe(400);
    const illegal = await triage({ status: 'resolved' });
    expect(illegal.status).toBe(422);
    expect(((await illegal.json()) as any).error.code).toBe('illegal_transition');
    expect((await triage({ status: 'acknowledged', severity: 'high', tags: ['línea 3'], assignee: f.monitor.keyId })).status).toBe(200);
    const row = await env.DB.prepare('SELECT status, severity, assignee, first_reply_day FROM reports WHERE id = ?1').bind(body.reportId).first();
    expect(row).toEqual({ status: 'acknowledged', severity: 'high', assignee: f.monitor.keyId, first_reply_day: null });
    expect((await triage({ assignee: 'ffffffffffffffff' })).status).toBe(422);
    expect((await triage({})).status).toBe(400);
  });

  it('should take a tag typed twice as one, and everyday signs in tags', async () => {
    const { body, triage } = await storedCase();
    expect((await triage({ tags: ['acoso', 'turno 2/noche', 'acoso', "horas extra."] })).status).toBe(200);
    const { results } = await env.DB.prepare('SELECT tag FROM report_tags WHERE report_id = ?1 ORDER BY tag').bind(body.reportId).all<{ tag: string }>();
    expect(results.map((r) => r.tag)).toEqual(['acoso', 'horas extra.', 'turno 2/noche']);
    expect((await triage({ tags: ['a,b'] })).status).toBe(400);
    expect((await triage({ tags: ['<b>'] })).status).toBe(400);
  });
});

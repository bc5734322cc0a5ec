/**
 * A worker's answer never goes unnoticed: the case is marked for each reader until that reader
 * opens it, the list filters and counts such cases, and the daily digest counts them.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { deriveMailbox, fromB64, recipientKeysFromSeed, sealEnvelope, toB64, utf8, type Sodium } from '../../src/crypto';
import { releaseClock, mexicoDay } from '../../src/lib/clock';
import { dueDigests } from '../../src/storage/digests';
import { buildSubmission, mailboxProof, makeFacility, post, releaseNow, sodium } from './helpers';
import { api, signIn } from './console-helpers';

type Keyed = { keyId: string; boxPk: string };
type Listed = { cases: Array<{ id: string; newAnswers: number; lastActivityDay: string | null }>; total: number; withNewAnswers: number };

/** The worker answers through the mailbox API, as the follow-up page does. */
async function answer(s: Sodium, code: string, reportId: string, facilityId: string, text: string) {
  const mailbox = deriveMailbox(s, code);
  const thread = await (await api('/api/mailbox/thread', { body: await mailboxProof(s, code, 'thread') })).json() as { sealTo: Keyed[] };
  const id = s.to_hex(s.randombytes_buf(16));
  const to = [{ keyId: 'mailbox', boxPublicKey: mailbox.box.publicKey }, ...thread.sealTo.map((k) => ({ keyId: k.keyId, boxPublicKey: fromB64(s, k.boxPk) }))];
  const e = sealEnvelope(s, utf8(JSON.stringify({ v: 1, text })), { kind: 'message', reportId, messageId: id, facilityId }, to);
  const message = { id, envelope: { body: toB64(s, e.body), keys: e.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })) } };
  const res = await api('/api/mailbox/messages', { body: { ...(await mailboxProof(s, code, `answer:${id}`)), message } });
  expect(res.status).toBe(201);
}

const list = async (token: string, query = '') => (await (await api(`/console/api/cases?limit=200${query}`, { token })).json()) as Listed;

describe('new answers from the worker', () => {
  it('should mark the case for each reader until that reader opens it, filter and count it, and count it in the digest', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const second = recipientKeysFromSeed(s, s.randombytes_buf(32));
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO recipients (key_id, role, label, box_pk, sign_pk, kdf_salt, kdf_ops, kdf_mem) VALUES (?1, 'monitor', 'Segundo', ?2, ?3, 'c2FsdA', 2, 67108864)`).bind(
        second.keyId, toB64(s, second.box.publicKey), toB64(s, second.sign.publicKey)),
      env.DB.prepare('INSERT INTO recipient_facilities (key_id, facility_id) VALUES (?1, ?2)').bind(second.keyId, f.id),
      env.DB.prepare('UPDATE recipients SET notify_email = ?2 WHERE key_id = ?1').bind(f.monitor.keyId, `m-${f.id}@monitores.example.org`),
    ]);
    const sub = await buildSubmission(s, f);
    expect((await post(sub.body)).status).toBe(201);
    const other = await buildSubmission(s, f);
    expect((await post(other.body)).status).toBe(201);
    await releaseNow();
    const reportId = sub.body.reportId as string;
    const [first, next] = [await signIn(s, f.monitor), await signIn(s, second)];
    expect((await list(first)).withNewAnswers).toBe(0);

    await env.DB.prepare("UPDATE reports SET received_day = '2026-01-05', last_activity_day = NULL WHERE id = ?1").bind(reportId).run();
    const quiet = (await list(first)).cases.find((c) => c.id === reportId)!.lastActivityDay;
    await answer(s, sub.code, reportId, f.id, 'Fue el turno de noche.');
    // Until its release the answer marks nothing, not even the case's last activity (retention's idle
    // rule): readers learn nothing about when it was written.
    expect((await list(first)).withNewAnswers).toBe(0);
    expect((await list(first)).cases.find((c) => c.id === reportId)!.lastActivityDay).toBe(quiet);
    await releaseNow();

    for (const token of [first, next]) {
      const all = await list(token);
      expect(all.withNewAnswers).toBe(1);
      expect(all.cases.find((c) => c.id === reportId)?.newAnswers).toBe(1);
      expect(all.cases.find((c) => c.id === other.body.reportId)?.newAnswers).toBe(0);
      const only = await list(token, '&answers=1');
      expect(only.cases.map((c) => c.id)).toEqual([reportId]);
      expect(only.total).toBe(1);
    }
    const today = mexicoDay();
    const digest = async () => (await dueDigests(env.DB, today, releaseClock(env.RELEASE_HOURS).last)).find((d) => d.keyId === f.monitor.keyId);
    expect((await digest())?.answers).toBe(1);

    // The first monitor opens it: the case shows how many answers are new, then is no longer marked for them.
    const opened = (await (await api(`/console/api/cases/${reportId}`, { token: first })).json()) as { case: { newAnswers: number } };
    expect(opened.case.newAnswers).toBe(1);
    expect((await list(first)).withNewAnswers).toBe(0);
    expect((await list(first, '&answers=1')).cases).toEqual([]);
    expect((await digest())?.answers).toBe(0);
    // The other monitor has not opened it: still marked for them.
    expect((await list(next)).withNewAnswers).toBe(1);

    // A second answer marks it again.
    await answer(s, sub.code, reportId, f.id, 'Y el jueves otra vez.');
    await releaseNow();
    expect((await list(first)).cases.find((c) => c.id === reportId)?.newAnswers).toBe(1);
    expect((await list(next)).cases.find((c) => c.id === reportId)?.newAnswers).toBe(2);
  });
});

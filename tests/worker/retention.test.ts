/**
 * Retention: a case past its time is erased by the scheduled job in D1 and KV, leaving only what the
 * figures count (under a new id) and the audit log; a legal hold stops it; the worker may erase their
 * own case with the receipt code. One erasing round is a fixed number of statements, however many cases.
 */
import { createScheduledController, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { fromB64, sealEnvelope, toB64, utf8, type Sodium } from '../../src/crypto';
import { addDays } from '../../src/domain/case';
import { DEFAULT_RETENTION, MAX_AGE_DAYS } from '../../src/domain/retention';
import { mexicoDay, releaseClock } from '../../src/lib/clock';
import { dueDigests } from '../../src/storage/digests';
import worker from '../../src/index';
import { verifyAuditChain } from '../../src/storage/audit';
import { eraseDueCases, purgeErasedBlobs, STATEMENTS_PER_ROUND } from '../../src/storage/retention';
import { buildSubmission, mailboxProof, makeFacility, post, releaseNow, sodium, type TestFacility } from './helpers';
import { api, makeOfficial, signIn } from './console-helpers';
import { foundInStorage } from './email-helpers';

type Keyed = { keyId: string; boxPk: string };

/** A released case with a reply, a tag and a triage event, as a monitor would leave it. */
async function workedCase(s: Sodium, f: TestFacility) {
  const sub = await buildSubmission(s, f);
  expect((await post(sub.body)).status).toBe(201);
  await releaseNow();
  const reportId = sub.body.reportId as string;
  const token = await signIn(s, f.monitor);
  const detail = (await (await api(`/console/api/cases/${reportId}`, { token })).json()) as { sealTo: { reply: Keyed[] } };
  const id = s.to_hex(s.randombytes_buf(16));
  const e = sealEnvelope(s, utf8(JSON.stringify({ v: 1, text: 'Recibido' })), { kind: 'message', reportId, messageId: id, facilityId: f.id }, detail.sealTo.reply.map((k) => ({ keyId: k.keyId, boxPublicKey: fromB64(s, k.boxPk) })));
  const message = { id, kind: 'reply', envelope: { body: toB64(s, e.body), keys: e.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })) } };
  expect((await api(`/console/api/cases/${reportId}/messages`, { token, body: message })).status).toBe(201);
  expect((await api(`/console/api/cases/${reportId}/triage`, { token, body: { status: 'acknowledged', tags: ['turno-noche'] } })).status).toBe(200);
  const sealed = (await env.DB.prepare('SELECT sealed FROM wrapped_keys WHERE report_id = ?1').bind(reportId).all<{ sealed: string }>()).results.map((r) => r.sealed);
  return { reportId, code: sub.code, mailboxId: sub.body.mailbox.id as string, sealed, token };
}

const counters = async (facilityId: string) =>
  JSON.stringify([
    (await env.DB.prepare('SELECT * FROM trend_reports WHERE facility_id = ?1 ORDER BY week, status, send_to, channel').bind(facilityId).all()).results,
    (await env.DB.prepare('SELECT * FROM trend_categories WHERE facility_id = ?1 ORDER BY week, category, send_to, channel').bind(facilityId).all()).results,
  ]);

async function runCron() {
  const MAILER = { send: async () => ({ messageId: 'x' }) } as unknown as SendEmail;
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '0 12 * * *' }), { ...env, MAILER });
}

const threadWith = async (s: Sodium, code: string) => {
  const res = await api('/api/mailbox/thread', { body: await mailboxProof(s, code, 'thread') });
  return { status: res.status, body: await res.text() };
};

describe('retention', () => {
  it('should erase a case closed 181 days ago from D1 and KV, keeping the figures and the audit chain true', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const c = await workedCase(s, f);
    const kept = await workedCase(s, f); // closed only 179 days ago: stays
    const closed = addDays(mexicoDay(), -(DEFAULT_RETENTION.closedDays + 1));
    await env.DB.batch([
      env.DB.prepare("UPDATE reports SET status = 'resolved', closed_day = ?2, authority_status = 'resolved', authority_closed_day = ?2 WHERE id = ?1").bind(c.reportId, closed),
      env.DB.prepare("UPDATE reports SET status = 'resolved', closed_day = ?2, authority_status = 'resolved', authority_closed_day = ?2 WHERE id = ?1").bind(kept.reportId, addDays(mexicoDay(), -179)),
    ]);
    // The worker sees when it will go.
    const before = JSON.parse((await threadWith(s, c.code)).body) as { case: { eraseDay: string } };
    expect(before.case.eraseDay).toBe(addDays(closed, DEFAULT_RETENTION.closedDays));
    const figures = await counters(f.id);

    await runCron();

    const places = (await foundInStorage([c.reportId, c.mailboxId, ...c.sealed])).filter((p) => !p.startsWith('D1 audit_log'));
    expect(places).toEqual([]);
    expect(await counters(f.id)).toBe(figures);
    expect(await verifyAuditChain(env.DB, s)).toMatchObject({ ok: true });
    // The tombstone the figures count: no mailbox, no body, a new id.
    const tombstones = (await env.DB.prepare("SELECT mailbox_box_pk, body_key, status FROM reports WHERE facility_id = ?1 AND erased_day IS NOT NULL").bind(f.id).all()).results;
    expect(tombstones).toEqual([{ mailbox_box_pk: '', body_key: '', status: 'resolved' }]);
    // The receipt code now gets exactly what a code that never existed gets.
    const gone = await threadWith(s, c.code);
    const never = await threadWith(s, 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    expect(gone).toEqual(never);
    expect(gone.status).toBe(404);
    expect((await api(`/console/api/cases/${c.reportId}`, { token: c.token })).status).toBe(404);
    expect((await threadWith(s, kept.code)).status).toBe(200);
  });

  it('should erase 10,000 expired cases in one run with a fixed number of statements per round, and find nothing the second time', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const old = addDays(mexicoDay(), -400);
    // Bulk, as a restore would write them: reports, their keys and a message each.
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
       INSERT INTO reports (id, facility_id, channel, send_to, received_day, status, mailbox_id, mailbox_box_pk, mailbox_sign_pk, body_key, body_digest, closed_day, release_at)
       SELECT printf('%032x', i + 7000000), ?1, 'web', 'monitor', ?2, 'resolved', printf('m%031x', i + 7000000), 'pk', 'pk', 'report/' || printf('%032x', i + 7000000) || '/body/x', 'd', ?2, ?2 || 'T07' FROM n`,
    ).bind(f.id, old).run();
    await env.DB.prepare(`INSERT INTO wrapped_keys (report_id, message_id, key_id, sealed) SELECT id, id, ?2, 'sealed' FROM reports WHERE facility_id = ?1`).bind(f.id, f.monitor.keyId).run();
    await env.DB.prepare(`INSERT INTO messages (report_id, seq, id, kind, author_role, day, body_key, release_at) SELECT id, 1, 'm' || id, 'reply', 'monitor', ?2, 'k' || id, ?2 || 'T07' FROM reports WHERE facility_id = ?1`).bind(f.id, old).run();

    let statements = 0;
    const counting = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === 'batch') return (list: D1PreparedStatement[]) => ((statements += list.length), target.batch(list));
        if (prop === 'prepare') return (sql: string) => target.prepare(sql);
        return Reflect.get(target, prop);
      },
    });
    const first = await eraseDueCases(counting, DEFAULT_RETENTION, mexicoDay());
    expect(first.erased).toBeGreaterThanOrEqual(10_000);
    expect(statements).toBe(first.rounds * STATEMENTS_PER_ROUND);
    expect(statements / first.erased).toBeLessThan(0.02); // far below one statement per case (21 per round of 2,500, and a last round that finds none)
    const left = await env.DB.prepare("SELECT count(*) AS n FROM reports WHERE facility_id = ?1 AND erased_day IS NULL").bind(f.id).first<{ n: number }>();
    expect(left!.n).toBe(0);
    expect((await env.DB.prepare('SELECT count(*) AS n FROM wrapped_keys w JOIN reports r ON r.id = w.report_id WHERE r.facility_id = ?1').bind(f.id).first<{ n: number }>())!.n).toBe(0);
    expect((await eraseDueCases(env.DB, DEFAULT_RETENTION, mexicoDay())).erased).toBe(0);
  }, 120_000);

  it('should keep a case on legal hold, and erase it on the next run once the hold is lifted', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const c = await workedCase(s, f);
    await env.DB.prepare("UPDATE reports SET status = 'resolved', closed_day = ?2, authority_status = 'resolved', authority_closed_day = ?2 WHERE id = ?1").bind(c.reportId, addDays(mexicoDay(), -400)).run();
    const official = await signIn(s, f.official);
    expect((await api('/console/api/holds')).status).toBe(401); // signed-in officials only
    expect((await api(`/console/api/cases/${c.reportId}/hold`, { token: c.token, body: { reason: 'court_order' } })).status).toBe(403); // not the company's to keep
    expect((await api(`/console/api/cases/${c.reportId}/hold`, { token: official, body: { reason: 'court_order' } })).status).toBe(200);
    const holds = (await (await api('/console/api/holds', { token: official })).json()) as { holds: Array<{ id: string; holdReason: string }> };
    expect(holds.holds).toContainEqual(expect.objectContaining({ id: c.reportId, holdReason: 'court_order' }));
    const filtered = (await (await api('/console/api/cases?held=1', { token: official })).json()) as { cases: Array<{ id: string }> };
    expect(filtered.cases.map((k) => k.id)).toEqual([c.reportId]);
    await runCron();
    expect((await threadWith(s, c.code)).status).toBe(200);
    const detail = (await (await api(`/console/api/cases/${c.reportId}`, { token: official })).json()) as { retention: { eraseDay: string | null; holdReason: string } };
    expect(detail.retention).toMatchObject({ eraseDay: null, holdReason: 'court_order' });
    expect((await api(`/console/api/cases/${c.reportId}/hold`, { token: official, body: { reason: null } })).status).toBe(200);
    await runCron();
    expect((await threadWith(s, c.code)).status).toBe(404);
    const audited = (await env.DB.prepare("SELECT action, outcome, detail FROM audit_log WHERE report_id = ?1 AND action IN ('hold', 'unhold') ORDER BY seq").bind(c.reportId).all()).results;
    expect(audited).toEqual([
      { action: 'hold', outcome: 'denied', detail: 'forbidden' }, // the monitor's try
      { action: 'hold', outcome: 'ok', detail: 'court_order' },
      { action: 'unhold', outcome: 'ok', detail: null },
    ]);
  });

  it('should let the worker erase their own case with the receipt code, and refuse without a valid proof', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const c = await workedCase(s, f);
    const forged = { ...(await mailboxProof(s, c.code, 'erase')), signature: toB64(s, new Uint8Array(64)) };
    expect((await api('/api/mailbox/erase', { body: forged })).status).toBe(404);
    expect((await api('/api/mailbox/erase', { body: await mailboxProof(s, c.code, 'thread') })).status).toBe(404); // a proof for another action
    expect((await threadWith(s, c.code)).status).toBe(200);
    const res = await api('/api/mailbox/erase', { body: await mailboxProof(s, c.code, 'erase') });
    expect(await res.json()).toEqual({ erased: true, held: false });
    expect((await threadWith(s, c.code)).status).toBe(404);
    // Readers lose it at the release step (tests/worker/arrival-leaks.test.ts), its KV keys on the next half-hourly run.
    await releaseNow();
    await purgeErasedBlobs(env.DB, env.BLOBS, 1000);
    const places = (await foundInStorage([c.reportId, c.mailboxId, ...c.sealed])).filter((p) => !p.startsWith('D1 audit_log'));
    expect(places).toEqual([]);
  });

  it('should wait for the hold to be lifted when the worker erases a held case', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const c = await workedCase(s, f);
    const official = await makeOfficial(s, null);
    void official;
    await env.DB.prepare("UPDATE reports SET hold_reason = 'investigation' WHERE id = ?1").bind(c.reportId).run();
    const res = await api('/api/mailbox/erase', { body: await mailboxProof(s, c.code, 'erase') });
    expect(await res.json()).toEqual({ erased: false, held: true });
    expect((await threadWith(s, c.code)).status).toBe(200);
    await env.DB.prepare('UPDATE reports SET hold_reason = NULL WHERE id = ?1').bind(c.reportId).run();
    await runCron();
    expect((await threadWith(s, c.code)).status).toBe(404);
  });

  it('should warn readers in the digest, as a count, of cases to be erased in the next 14 days', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const soon = await workedCase(s, f);
    const later = await workedCase(s, f);
    await env.DB.batch([
      env.DB.prepare("UPDATE reports SET status = 'resolved', closed_day = ?2, authority_status = 'resolved', authority_closed_day = ?2 WHERE id = ?1").bind(soon.reportId, addDays(mexicoDay(), -(DEFAULT_RETENTION.closedDays - 10))),
      env.DB.prepare("UPDATE reports SET status = 'resolved', closed_day = ?2, authority_status = 'resolved', authority_closed_day = ?2 WHERE id = ?1").bind(later.reportId, addDays(mexicoDay(), -(DEFAULT_RETENTION.closedDays - 20))),
    ]);
    const due = (await dueDigests(env.DB, mexicoDay(), releaseClock(env.RELEASE_HOURS).last, DEFAULT_RETENTION)).find((d) => d.keyId === f.monitor.keyId);
    expect(due).toBeUndefined(); // no address: no digest
    await env.DB.prepare('UPDATE recipients SET notify_email = ?2 WHERE key_id = ?1').bind(f.monitor.keyId, `r-${f.id}@monitores.example.org`).run();
    const digest = (await dueDigests(env.DB, mexicoDay(), releaseClock(env.RELEASE_HOURS).last, DEFAULT_RETENTION)).find((d) => d.keyId === f.monitor.keyId);
    expect(digest?.erasing).toBe(1);
  });

  it('should count only what the worker sees towards the idle rule, and keep no case past the age limit however often it is reopened', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const c = await workedCase(s, f);
    const old = addDays(mexicoDay(), -(DEFAULT_RETENTION.idleDays + DEFAULT_RETENTION.closedDays + 5));
    await env.DB.prepare('UPDATE reports SET received_day = ?2, last_activity_day = NULL WHERE id = ?1').bind(c.reportId, old).run();
    await env.DB.prepare("UPDATE messages SET day = ?2 WHERE report_id = ?1").bind(c.reportId, old).run();
    // A note and a triage change among readers: the worker sees neither, so the case stays idle.
    const detail = (await (await api(`/console/api/cases/${c.reportId}`, { token: c.token })).json()) as { sealTo: { note: Keyed[] } };
    const id = s.to_hex(s.randombytes_buf(16));
    const e = sealEnvelope(s, utf8(JSON.stringify({ v: 1, text: 'nota' })), { kind: 'message', reportId: c.reportId, messageId: id, facilityId: f.id }, detail.sealTo.note.map((k) => ({ keyId: k.keyId, boxPublicKey: fromB64(s, k.boxPk) })));
    expect((await api(`/console/api/cases/${c.reportId}/messages`, { token: c.token, body: { id, kind: 'note', envelope: { body: toB64(s, e.body), keys: e.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })) } } })).status).toBe(201);
    expect((await api(`/console/api/cases/${c.reportId}/triage`, { token: c.token, body: { severity: 'low' } })).status).toBe(200);
    await runCron();
    expect((await threadWith(s, c.code)).status).toBe(404);

    // Kept alive with replies, reopened again and again: still gone once past the age limit.
    const busy = await workedCase(s, f);
    await env.DB.prepare("UPDATE reports SET received_day = ?2, status = 'investigating', closed_day = NULL WHERE id = ?1").bind(busy.reportId, addDays(mexicoDay(), -(MAX_AGE_DAYS + 1))).run();
    await runCron();
    expect((await threadWith(s, busy.code)).status).toBe(404);
  });

  it('should delete the queued KV keys of erased cases on the half-hourly runs', async () => {
    await env.DB.prepare('DELETE FROM kv_erasures').run(); // the 10,000 bulk cases above queued their (absent) KV bodies
    const keys = Array.from({ length: 30 }, (_, i) => `report/${'e'.repeat(32)}/att/${'a'.repeat(32)}/${i}`);
    for (const k of keys) await env.BLOBS.put(k, 'sealed chunk');
    await env.DB.batch(keys.map((k) => env.DB.prepare('INSERT INTO kv_erasures (key) VALUES (?1)').bind(k)));
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '*/30 * * * *' }), env);
    expect((await env.BLOBS.list({ prefix: `report/${'e'.repeat(32)}/` })).keys).toEqual([]);
    expect((await env.DB.prepare('SELECT count(*) AS n FROM kv_erasures').first<{ n: number }>())!.n).toBe(0);
  });
});

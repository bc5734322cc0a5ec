/**
 * Attack tests: a monitor polling the console (the company controls the plant's network) must not
 * learn when the worker acted. The worker's widening to the authority and their "keep" change
 * nothing a reader can see, not the case list, the case, its history, the consent, the erase day or
 * the audit log, until the release step (src/storage/held-actions.ts), exactly like the worker's
 * own erasure. A keep proof keeps once; a refused widening writes nothing a replay could add to;
 * an erased case's tombstone keeps the authority's side too.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { deriveMailbox, fromB64, sealEnvelope, toB64, utf8, type Sodium } from '../../src/crypto';
import { addDays } from '../../src/domain/case';
import { DEFAULT_RETENTION, KEEP_DAYS } from '../../src/domain/retention';
import { mexicoDay, releaseClock } from '../../src/lib/clock';
import { dueDigests } from '../../src/storage/digests';
import { eraseDueCases } from '../../src/storage/retention';
import { buildSubmission, mailboxProof, makeFacility, post, releaseNow, sodium, type TestFacility } from './helpers';
import { api, makeOfficial, signIn } from './console-helpers';
import { caseRow, errorCode, mailboxPost, monitorOnlyCase, threadOf, widenAudit, widenBody } from './referral-helpers';

/**
 * Everything the monitor's console shows of a case: its list row and the whole opened case (every
 * field, so one added later is covered too: who holds which key, the thread, the history, the consent).
 */
async function monitorSees(token: string, f: TestFacility, id: string): Promise<Record<string, unknown> & { row?: { id: string } }> {
  const list = (await (await api(`/console/api/cases?facility=${f.id}`, { token })).json()) as { cases: Array<{ id: string }> };
  const detail = (await (await api(`/console/api/cases/${id}`, { token })).json()) as Record<string, unknown>;
  return { row: list.cases.find((x) => x.id === id), ...detail };
}

/** Every audit entry about the case, whatever its action. */
const auditOf = async (id: string) =>
  (await env.DB.prepare('SELECT action, outcome FROM audit_log WHERE report_id = ?1 ORDER BY seq').bind(id).all<{ action: string; outcome: string }>()).results;
/** Leaving out the monitor's own reading (each poll above adds a list and a view entry). */
const notReading = (entries: Array<{ action: string }>) => entries.filter((e) => e.action !== 'list' && e.action !== 'view');

describe('a widening the worker recorded', () => {
  it('should change nothing the monitor sees until the release, then everything at once', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const k = await monitorOnlyCase(s, f);
    const monitor = await signIn(s, f.monitor);
    const before = await monitorSees(monitor, f, k.id);
    expect(before.row).toBeDefined();
    const audited = await auditOf(k.id);

    const res = await mailboxPost('widen', await widenBody(s, k.code));
    expect(res.status).toBe(201);
    const { authorityRelease } = (await res.json()) as { authorityRelease: string };
    expect(authorityRelease).toBe(releaseClock(env.RELEASE_HOURS).next);

    // Polling the console right after: the same list row, case, history, consent and audit.
    expect(await monitorSees(monitor, f, k.id)).toEqual(before);
    expect(notReading(await auditOf(k.id))).toEqual(notReading(audited));
    expect((await widenAudit(k.id)).results).toEqual([]);
    expect((await api(`/console/api/cases/${k.id}`, { token: await signIn(s, f.official) })).status).toBe(404);

    // The worker's own page says at once that it is recorded, and their answers go to both sides from now on.
    const t = await threadOf(s, k.code);
    expect(t.case.widenAt).toBe(authorityRelease);
    expect(t.case.sendTo).toBe('monitor');
    const sealTo = (t as unknown as { sealTo: Array<{ keyId: string }> }).sealTo.map((r) => r.keyId);
    expect(sealTo).toContain(f.official.keyId);
    expect(sealTo).toContain(f.monitor.keyId);

    // The release step: both sides at once, dated by the release, audited then.
    await releaseNow();
    const after = await monitorSees(monitor, f, k.id);
    expect((after.case as { status: string; sendTo: string }).status).toBe('referred');
    expect((after.case as { sendTo: string }).sendTo).toBe('both');
    expect(after.widenedConsent).toBe(t.case.widenedConsent);
    const day = releaseClock(env.RELEASE_HOURS).last.slice(0, 10);
    expect(after.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'send_to', value: 'both', day }),
        expect.objectContaining({ field: 'status', value: 'referred', day }),
      ]),
    );
    expect((await widenAudit(k.id)).results.map((r) => r.outcome)).toEqual(['ok']);
    expect((await threadOf(s, k.code)).case.widenAt).toBeNull();
  });

  it('should write nothing for a refused widening, however often it is replayed', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const k = await monitorOnlyCase(s, f);
    const elsewhere = await makeOfficial(s, 'otro-estado');
    const body = await widenBody(s, k.code, [elsewhere]);
    const audited = (await env.DB.prepare('SELECT count(*) AS n FROM audit_log').first<{ n: number }>())!.n;
    for (let i = 0; i < 4; i++) {
      const res = await mailboxPost('widen', body);
      expect(res.status).toBe(403);
      expect(await errorCode(res)).toBe('share_out_of_scope');
    }
    expect(await auditOf(k.id)).toEqual([]);
    expect((await env.DB.prepare('SELECT count(*) AS n FROM audit_log').first<{ n: number }>())!.n).toBe(audited);
    expect(await caseRow(k.id)).toMatchObject({ sendTo: 'monitor', consent: null });
  });
});

/** A released case sent to the company alone, which the company closed `closedAgo` days ago. */
async function closedCase(s: Sodium, f: TestFacility, closedAgo: number) {
  const k = await monitorOnlyCase(s, f);
  const closed = addDays(mexicoDay(), -closedAgo);
  await env.DB.prepare("UPDATE reports SET status = 'resolved', closed_day = ?2, last_activity_day = ?2 WHERE id = ?1").bind(k.id, closed).run();
  return k;
}

describe("the worker's keep", () => {
  it('should keep once per proof: a replayed proof is refused', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const k = await closedCase(s, f, 170);
    const proof = await mailboxProof(s, k.code, 'keep');
    expect((await api('/api/mailbox/keep', { body: proof })).status).toBe(200);
    const replay = await api('/api/mailbox/keep', { body: proof });
    expect(replay.status).toBe(409);
    expect(await errorCode(replay)).toBe('pow_replayed');
    // A fresh proof keeps again (repeatable), never to an earlier day.
    expect((await api('/api/mailbox/keep', { body: await mailboxProof(s, k.code, 'keep') })).status).toBe(200);
  });

  it('should show readers the new erase day only from the release, and honour it for the erasure at once', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const today = mexicoDay();
    const k = await closedCase(s, f, 170);
    const monitor = await signIn(s, f.monitor);
    const before = await monitorSees(monitor, f, k.id);
    expect((before.retention as { eraseDay: string }).eraseDay).toBe(addDays(today, 10));
    // The monitor's digest warns of it (erased within 14 days).
    const address = `m-${f.id}@example.org`;
    await env.DB.prepare('UPDATE recipients SET notify_email = ?2 WHERE key_id = ?1').bind(f.monitor.keyId, address).run();
    const erasing = async () => (await dueDigests(env.DB, today, releaseClock(env.RELEASE_HOURS).last)).find((d) => d.address === address)?.erasing ?? 0;
    expect(await erasing()).toBe(1);

    const res = await api('/api/mailbox/keep', { body: await mailboxProof(s, k.code, 'keep') });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ eraseDay: addDays(today, KEEP_DAYS), held: false });

    // The console: the same erase day, list row and case until the release; the worker's page: the new day at once.
    expect(await monitorSees(monitor, f, k.id)).toEqual(before);
    expect(await erasing()).toBe(1);
    expect((await threadOf(s, k.code)).case.eraseDay).toBe(addDays(today, KEEP_DAYS));
    // The erasure honours the keep from the moment it was asked.
    await eraseDueCases(env.DB, DEFAULT_RETENTION, addDays(today, 20));
    expect(await env.DB.prepare('SELECT 1 FROM reports WHERE id = ?1').bind(k.id).first()).not.toBeNull();

    await releaseNow();
    const after = await monitorSees(monitor, f, k.id);
    expect((after.retention as { eraseDay: string }).eraseDay).toBe(addDays(today, KEEP_DAYS));
    expect((after.case as { keepUntil: string }).keepUntil).toBe(addDays(today, KEEP_DAYS));
    expect(await erasing()).toBe(0);
  });
});

describe("an erased case's tombstone", () => {
  it("should keep the authority's side of a case the worker widened: its status, days and the day it got the case", async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const k = await monitorOnlyCase(s, f);
    expect((await mailboxPost('widen', await widenBody(s, k.code))).status).toBe(201);
    await releaseNow();
    const got = releaseClock(env.RELEASE_HOURS).last;
    const closed = mexicoDay();
    await env.DB.prepare(
      "UPDATE reports SET authority_status = 'resolved', authority_first_reply_day = ?2, authority_closed_day = ?2, authority_severity = 'high' WHERE id = ?1",
    )
      .bind(k.id, closed)
      .run();
    const { record_key: key } = (await env.DB.prepare('SELECT record_key FROM reports WHERE id = ?1').bind(k.id).first<{ record_key: number }>())!;
    expect((await api('/api/mailbox/erase', { body: await mailboxProof(s, k.code, 'erase') })).status).toBe(200);
    await releaseNow();
    const tomb = await env.DB.prepare(
      `SELECT send_to, status, authority_status, authority_first_reply_day, authority_closed_day, authority_release_at
         FROM reports WHERE facility_id = ?1 AND record_key = ?2 AND erased_day IS NOT NULL`,
    )
      .bind(f.id, key)
      .first();
    expect(tomb).toEqual({
      send_to: 'both',
      status: 'referred',
      authority_status: 'resolved',
      authority_first_reply_day: closed,
      authority_closed_day: closed,
      // The day only: a tombstone keeps no release hour.
      authority_release_at: `${got.slice(0, 10)}T00`,
    });
  });

  it("should keep the authority's side of a case sent to both from the start", async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const sub = await buildSubmission(s, f);
    expect((await post(sub.body)).status).toBe(201);
    await releaseNow();
    const id = sub.body.reportId as string;
    const day = mexicoDay();
    await env.DB.prepare("UPDATE reports SET authority_status = 'acknowledged', authority_first_reply_day = ?2 WHERE id = ?1").bind(id, day).run();
    const { record_key: key } = (await env.DB.prepare('SELECT record_key FROM reports WHERE id = ?1').bind(id).first<{ record_key: number }>())!;
    expect((await api('/api/mailbox/erase', { body: await mailboxProof(s, sub.code, 'erase') })).status).toBe(200);
    await releaseNow();
    const tomb = await env.DB.prepare(
      'SELECT authority_status, authority_first_reply_day, authority_release_at FROM reports WHERE facility_id = ?1 AND record_key = ?2 AND erased_day IS NOT NULL',
    )
      .bind(f.id, key)
      .first();
    expect(tomb).toEqual({ authority_status: 'acknowledged', authority_first_reply_day: day, authority_release_at: null });
  });
});

describe("a worker's answer", () => {
  it('should change nothing the monitor sees, not even who holds which key, until its release', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const k = await monitorOnlyCase(s, f);
    const monitor = await signIn(s, f.monitor);
    const before = await monitorSees(monitor, f, k.id);
    // The worker answers as the follow-up page does: sealed to the mailbox and the readers the thread names.
    const mailbox = deriveMailbox(s, k.code);
    const thread = (await (await mailboxPost('thread', await mailboxProof(s, k.code, 'thread'))).json()) as { sealTo: Array<{ keyId: string; boxPk: string }> };
    const id = s.to_hex(s.randombytes_buf(16));
    const to = [{ keyId: 'mailbox', boxPublicKey: mailbox.box.publicKey }, ...thread.sealTo.map((r) => ({ keyId: r.keyId, boxPublicKey: fromB64(s, r.boxPk) }))];
    const e = sealEnvelope(s, utf8(JSON.stringify({ v: 1, text: 'Sigue pasando' })), { kind: 'message', reportId: k.id, messageId: id, facilityId: f.id }, to);
    const message = { id, envelope: { body: toB64(s, e.body), keys: e.keys.map((x) => ({ keyId: x.keyId, sealed: toB64(s, x.sealed) })) } };
    expect((await mailboxPost('messages', { ...(await mailboxProof(s, k.code, `answer:${id}`)), message })).status).toBe(201);
    expect(await monitorSees(monitor, f, k.id)).toEqual(before);
    await releaseNow();
    const after = (await monitorSees(monitor, f, k.id)) as unknown as { keyHolders: Record<string, string[]> };
    expect(after.keyHolders[f.monitor.keyId]).toContain(id);
  });
});

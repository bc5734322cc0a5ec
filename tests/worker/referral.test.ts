/**
 * The worker's referral (src/routes/mailbox-referral.ts): a worker who sent a case to the company
 * alone widens it to the authority from the follow-up page; officials get it at the next release and
 * open the report and its thread; the company sees it then too, never at the minute the worker acted
 * (tests/worker/release-hold.test.ts). Refused, writing nothing: a key outside the signed
 * list, an official of another state, a retired key, a monitor's key, a replayed proof, another
 * case's mailbox. A monitor cannot make a case "sent to the authority"; migration 0026 turns the
 * old monitor-set `referred` into a request.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { deriveMailbox, fromB64, fromUtf8, normalizeReceiptCode, openReport, openThreadMessage, type RecipientKeys } from '../../src/crypto';
import { mexicoDay, releaseClock } from '../../src/lib/clock';
import { addDays } from '../../src/domain/case';
import { caseClocks, type ClockFacts, type Deadlines } from '../../src/domain/clocks';
import { dueDigests } from '../../src/storage/digests';
import { RECOUNT_REPORTS } from '../../src/trends/counters';
import { bytes, deliver, mail, parseSent } from './email-helpers';
import { buildSubmission, makeFacility, post, releaseNow, sampleReport, signReaderLists, sodium } from './helpers';
import { caseRow, detailOf, errorCode, mailboxPost, monitorOnlyCase, monitorReply, servedOfficials, threadOf, widenAudit, widenBody } from './referral-helpers';
import { api, makeOfficial, signIn } from './console-helpers';

async function countersAndRecount(facilityId: string) {
  const held = await env.DB.prepare('SELECT week, status, send_to, channel, n, k FROM trend_reports WHERE facility_id = ?1 AND n > 0 ORDER BY 1, 2, 3, 4')
    .bind(facilityId)
    .all();
  const recount = await env.DB.prepare(`SELECT week, status, send_to, channel, n, k FROM (${RECOUNT_REPORTS}) WHERE facility_id = ?1 ORDER BY 1, 2, 3, 4`)
    .bind(facilityId)
    .all();
  const cats = await env.DB.prepare('SELECT category, send_to, n FROM trend_categories WHERE facility_id = ?1 AND n > 0 ORDER BY 1, 2').bind(facilityId).all();
  return { held: held.results, recount: recount.results, categories: cats.results };
}

describe('the worker sends their case to the authority', () => {
  it('should let officials open the report and the thread at the next release, as a new case on their side, audited', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const k = await monitorOnlyCase(s, f, 'Nos amenazaron: ahora que lo lea la autoridad');
    const monitor = await signIn(s, f.monitor);
    await monitorReply(s, monitor, f.monitor, k.id, 'Gracias, lo revisamos.');
    const official = await signIn(s, f.official);
    expect((await api(`/console/api/cases/${k.id}`, { token: official })).status).toBe(404);

    const served = await servedOfficials(s, f.id);
    expect(served.map((o) => o.keyId)).toContain(f.official.keyId);
    const res = await mailboxPost('widen', await widenBody(s, k.code));
    expect(res.status).toBe(201);
    const widened = (await res.json()) as { sendTo: string; authorityRelease: string; readers: number; duplicate: boolean };
    expect(widened).toMatchObject({ sendTo: 'both', readers: served.length, duplicate: false, authorityRelease: releaseClock(env.RELEASE_HOURS).next });
    // Recorded for the release: the case is still the company's alone, as before.
    expect(await caseRow(k.id)).toMatchObject({ sendTo: 'monitor', status: 'acknowledged', authorityStatus: null, authorityRelease: null });
    // Not before the release: the case does not exist for officials yet.
    expect((await api(`/console/api/cases/${k.id}`, { token: official })).status).toBe(404);
    // The worker's page: the consent to check, and the release it takes effect at; the sides as before until then.
    const t = await threadOf(s, k.code);
    expect(t.case.sides).toEqual([{ side: 'company', status: 'acknowledged' }]);
    expect(t.case.widenedConsent).not.toBeNull();
    expect(t.case.widenAt).toBe(widened.authorityRelease);

    await releaseNow();
    expect(await caseRow(k.id)).toMatchObject({
      sendTo: 'both',
      status: 'referred',
      closedDay: null,
      authorityStatus: 'new',
      authorityRelease: releaseClock(env.RELEASE_HOURS).last,
    });
    const after = await threadOf(s, k.code);
    expect(after.case.sides).toEqual([
      { side: 'company', status: 'referred' },
      { side: 'authority', status: 'new' },
    ]);
    expect(after.case.widenAt).toBeNull();
    const d = await detailOf(official, k.id);
    expect(d.case.status).toBe('new');
    expect(d.case.receivedDay).toBe(releaseClock(env.RELEASE_HOURS).last.slice(0, 10));
    const { plain } = openReport(s, fromB64(s, d.body!), fromB64(s, d.case.sealed!), f.official.box, { reportId: k.id, facilityId: f.id });
    expect(JSON.parse(fromUtf8(plain)).description).toBe('Nos amenazaron: ahora que lo lea la autoridad');
    const reply = d.messages.find((m) => m.kind === 'reply')!;
    const place = { reportId: k.id, messageId: reply.id, facilityId: f.id, kind: 'reply' as const, author: 'monitor' as const };
    const opened = openThreadMessage(s, fromB64(s, reply.body!), fromB64(s, reply.sealed!), f.official.box, place, (signer) =>
      signer === f.monitor.keyId ? f.monitor.sign.publicKey : null,
    );
    expect([opened?.text, opened?.verified]).toEqual(['Gracias, lo revisamos.', true]);
    // The console checks the consent against the mailbox key sealed in the report.
    expect(d.widenedConsent).toBe(t.case.widenedConsent);
    // The monitor's own side reads "sent to the authority".
    expect((await detailOf(monitor, k.id)).case.status).toBe('referred');

    expect((await widenAudit(k.id)).results).toEqual([
      {
        actor: 'worker',
        role: 'worker',
        outcome: 'ok',
        detail: `to:${served
          .map((o) => o.keyId)
          .sort()
          .join(',')} keys:${2 * served.length} release:${releaseClock(env.RELEASE_HOURS).last}`,
      },
    ]);
    // Figures count it as sent to both, with its categories.
    const c = await countersAndRecount(f.id);
    expect(c.held).toEqual(c.recount);
    expect(c.held).toMatchObject([{ status: 'referred', send_to: 'both', n: 1 }]);
    expect(c.categories).toEqual([
      { category: 'coercion', send_to: 'both', n: 1 },
      { category: 'intimidation', send_to: 'both', n: 1 },
    ]);
  });

  it("should run the officials' clocks from their own release, and the company's from the report's day, on every surface", async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const k = await monitorOnlyCase(s, f);
    // The report came in 40 days ago and the company never answered: its acknowledgement is overdue.
    const old = addDays(mexicoDay(), -40);
    await env.DB.prepare('UPDATE reports SET received_day = ?2 WHERE id = ?1').bind(k.id, old).run();
    expect((await mailboxPost('widen', await widenBody(s, k.code))).status).toBe(201);
    await releaseNow();
    const release = releaseClock(env.RELEASE_HOURS).last.slice(0, 10);
    const monitor = await signIn(s, f.monitor);
    const official = await signIn(s, f.official);
    type Clocked = { clockFacts: ClockFacts; deadlines: Deadlines };
    const clocksOf = async (token: string) => {
      const c = (await detailOf(token, k.id)).case as unknown as Clocked;
      return { start: c.clockFacts.startDay, ack: caseClocks(c.clockFacts, c.deadlines, mexicoDay()).acknowledge };
    };
    expect(await clocksOf(monitor)).toMatchObject({ start: old, ack: { outcome: 'overdue' } });
    // The officials got it today: their side's clock has just started.
    expect(await clocksOf(official)).toMatchObject({ start: release, ack: { outcome: 'pending', day: null } });
    const overdue = async (token: string) =>
      ((await (await api(`/console/api/cases?facility=${f.id}&overdue=1`, { token })).json()) as { cases: Array<{ id: string }> }).cases.map((c) => c.id);
    expect(await overdue(monitor)).toEqual([k.id]);
    expect(await overdue(official)).toEqual([]);
    // The digest counts it overdue for the monitor only.
    const address = (who: string) => `${who}-${f.id}@example.org`;
    for (const [key, who] of [
      [f.monitor.keyId, 'm'],
      [f.official.keyId, 'o'],
    ] as const)
      await env.DB.prepare('UPDATE recipients SET notify_email = ?2 WHERE key_id = ?1').bind(key, address(who)).run();
    const digests = await dueDigests(env.DB, mexicoDay(), releaseClock(env.RELEASE_HOURS).last);
    expect(digests.find((d) => d.address === address('m'))!.overdue.acknowledge).toBe(1);
    expect(digests.find((d) => d.address === address('o'))!.overdue.acknowledge).toBe(0);
  });

  it('should refuse a replayed proof, and answer a retry of a widened case without widening it twice', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const k = await monitorOnlyCase(s, f);
    const body = await widenBody(s, k.code);
    expect((await mailboxPost('widen', body)).status).toBe(201);
    const replay = await mailboxPost('widen', body);
    expect(replay.status).toBe(409);
    expect(await errorCode(replay)).toBe('pow_replayed');
    // A fresh proof after it went through: nothing to do.
    const again = await mailboxPost('widen', await widenBody(s, k.code));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true, readers: 0 });
    // Nothing audited until the release widens it, then once; the replay wrote nothing.
    expect((await widenAudit(k.id)).results).toEqual([]);
    await releaseNow();
    expect((await mailboxPost('widen', await widenBody(s, k.code))).status).toBe(200);
    expect((await widenAudit(k.id)).results.map((r) => [r.outcome, r.detail.split(' ')[0]!.includes(f.official.keyId) ? 'to' : r.detail])).toEqual([
      ['ok', 'to'],
    ]);
  });

  it('should refuse a key outside the signed list, an official of another state, a retired key and a monitor key, changing nothing', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const k = await monitorOnlyCase(s, f);
    const elsewhere = await makeOfficial(s, 'otro-estado');
    const retired = await makeOfficial(s, f.state);
    await signReaderLists(s, [f.id]);
    await env.DB.prepare("UPDATE recipients SET status = 'retired' WHERE key_id = ?1").bind(retired.keyId).run();
    const cases: Array<[RecipientKeys, number, string]> = [
      [elsewhere, 403, 'share_out_of_scope'],
      [retired, 403, 'share_out_of_scope'],
      [f.monitor, 403, 'share_out_of_scope'],
    ];
    for (const [extra, status, code] of cases) {
      const res = await mailboxPost('widen', await widenBody(s, k.code, [extra]));
      expect(res.status).toBe(status);
      expect(await errorCode(res)).toBe(code);
    }
    // An official row written into D1, never signed by the administrator (the server now serves it too).
    const unsigned = await makeOfficial(s, f.state);
    const res = await mailboxPost('widen', await widenBody(s, k.code));
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('readers_unverified');
    // With the unsigned row active, the plant's officials are not what the administrator signed: leaving it out is refused too.
    await env.DB.prepare("UPDATE recipients SET status = 'retired' WHERE key_id = ?1").bind(unsigned.keyId).run();
    await makeOfficial(s, null); // a national official, signed: must get the case too
    await signReaderLists(s, [f.id]);
    const missing = await mailboxPost('widen', await widenBody(s, k.code, [], { only: [f.official] }));
    expect(missing.status).toBe(422);
    expect(await errorCode(missing)).toBe('readers_unverified');

    expect(await caseRow(k.id)).toMatchObject({ sendTo: 'monitor', status: 'new', authorityStatus: null, authorityRelease: null, consent: null });
    const stored = await env.DB.prepare("SELECT count(*) AS n FROM wrapped_keys WHERE report_id = ?1 AND key_id NOT IN ('mailbox', ?2)")
      .bind(k.id, f.monitor.keyId)
      .first<{ n: number }>();
    expect(stored!.n).toBe(0);
    // A refusal writes nothing: no audit entry carries the minute of a worker's attempt (tests/worker/release-hold.test.ts).
    expect((await widenAudit(k.id)).results).toEqual([]);
    // And with both officials it goes through.
    expect((await mailboxPost('widen', await widenBody(s, k.code))).status).toBe(201);
  });

  it("should refuse another case's mailbox, a consent signed for another case, and a proof for another action", async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const a = await monitorOnlyCase(s, f);
    const b = await monitorOnlyCase(s, f);
    // A's proof aimed at B's mailbox: the signature is not B's key.
    const body = await widenBody(s, a.code);
    const other = await widenBody(s, b.code);
    const aimed = await mailboxPost('widen', { ...body, mailboxId: other.mailboxId });
    expect(aimed.status).toBe(404);
    // B's proof with a consent signed by A's key.
    const foreign = await mailboxPost('widen', await widenBody(s, b.code, [], { consentCode: a.code }));
    expect(foreign.status).toBe(422);
    // A proof made for reading the thread.
    expect((await mailboxPost('widen', await widenBody(s, b.code, [], { action: 'thread' }))).status).toBe(404);
    // Keys the mailbox does not hold (a message id of another case).
    const stray = await widenBody(s, b.code);
    stray.readers[0]!.keys.push({ messageId: a.id, sealed: stray.readers[0]!.keys[0]!.sealed });
    expect((await mailboxPost('widen', stray)).status).toBe(403);
    for (const id of [a.id, b.id]) expect(await caseRow(id)).toMatchObject({ sendTo: 'monitor', authorityStatus: null });
  });

  it('should refuse to widen a case the worker sent to the authority already', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const sub = await buildSubmission(s, f, sampleReport(f.id, 'authority'));
    expect((await post(sub.body)).status).toBe(201);
    await releaseNow();
    const res = await mailboxPost('widen', await widenBody(s, sub.code));
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe('conflict');
  });
});

describe('a mail case', () => {
  it('should widen with the code from the acknowledgement, since the mail report is sealed to its mailbox too', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const row = await env.DB.prepare("UPDATE facilities SET mail_send_to = 'monitor' WHERE id = ?1 RETURNING email_local")
      .bind(f.id)
      .first<{ email_local: string }>();
    const to = `${row!.email_local}@buzon.test`;
    const raw = bytes(
      `From: obrera@example.org\r\nTo: ${to}\r\nSubject: Amenazas\r\nMessage-ID: <w-${f.id}@example.org>\r\n\r\nNos dijeron que votaramos por el sindicato de la empresa.\r\n`,
    );
    const m = await mail(raw, { from: 'obrera@example.org', to });
    await deliver(m.message);
    const code = normalizeReceiptCode(/([0-9A-Z]{4}-){4}[0-9A-Z]{4}/.exec((await parseSent(m.replies[0]!)).text ?? '')![0])!;
    await releaseNow();
    const id = (await threadOf(s, code)).case.id;
    expect(await caseRow(id)).toMatchObject({ sendTo: 'monitor' });
    expect((await mailboxPost('widen', await widenBody(s, code))).status).toBe(201);
    await releaseNow();
    const d = await detailOf(await signIn(s, f.official), id);
    const { plain } = openReport(s, fromB64(s, d.body!), fromB64(s, d.case.sealed!), f.official.box, { reportId: id, facilityId: f.id });
    expect(fromUtf8(plain)).toContain('Nos dijeron que votaramos por el sindicato de la empresa.');
  });
});

describe('a monitor cannot send a case to the authority', () => {
  it('should refuse "sent to the authority" from a monitor or an official, and let a monitor only ask, which closes nothing', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const k = await monitorOnlyCase(s, f);
    const monitor = await signIn(s, f.monitor);
    const triage = (token: string, id: string, status: string) => api(`/console/api/cases/${id}/triage`, { token, body: { status } });
    expect((await triage(monitor, k.id, 'acknowledged')).status).toBe(200);
    const refused = await triage(monitor, k.id, 'referred');
    expect(refused.status).toBe(422);
    expect(await errorCode(refused)).toBe('illegal_transition');
    expect((await caseRow(k.id))!.status).toBe('acknowledged');

    // Asking: a standard reply the worker sees with its button, and the status that says so.
    await monitorReply(s, monitor, f.monitor, k.id, '¿Quieres que la autoridad laboral también lea tu caso?', 'authority');
    expect((await triage(monitor, k.id, 'permission_asked')).status).toBe(200);
    expect(await caseRow(k.id)).toMatchObject({ sendTo: 'monitor', status: 'permission_asked', closedDay: null, authorityStatus: null });
    const t = await threadOf(s, k.code);
    expect(t.case.sides).toEqual([{ side: 'company', status: 'permission_asked' }]);
    expect(t.case.eraseDay).not.toBeNull();
    const asked = t.messages.at(-1)!;
    const mailbox = deriveMailbox(s, k.code);
    const detail = await detailOf(monitor, k.id);
    const body = detail.messages.find((m) => m.id === asked.id)!.body!;
    const place = { reportId: k.id, messageId: asked.id, facilityId: f.id, kind: 'reply' as const, author: 'monitor' as const };
    const opened = openThreadMessage(s, fromB64(s, body), fromB64(s, asked.sealed!), mailbox.box, place, (signer) =>
      signer === f.monitor.keyId ? f.monitor.sign.publicKey : null,
    );
    expect(opened).toMatchObject({ verified: true, request: 'authority' });
    // Nobody at the authority has it.
    expect((await api(`/console/api/cases/${k.id}`, { token: await signIn(s, f.official) })).status).toBe(404);

    // On a case the authority already has, there is nothing to ask; officials can neither ask nor refer.
    const both = await buildSubmission(s, f, sampleReport(f.id, 'both'));
    expect((await post(both.body)).status).toBe(201);
    await releaseNow();
    const id = both.body.reportId as string;
    expect((await triage(monitor, id, 'acknowledged')).status).toBe(200);
    expect((await triage(monitor, id, 'permission_asked')).status).toBe(422);
    const official = await signIn(s, f.official);
    expect((await triage(official, id, 'acknowledged')).status).toBe(200);
    expect((await triage(official, id, 'referred')).status).toBe(422);
    expect((await triage(official, id, 'permission_asked')).status).toBe(422);
  });
});

describe('migration 0026: cases stored as referred', () => {
  it('should turn a monitor-only "referred" into a request, open, and keep "referred" where the authority has the case, not closed', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const own = await monitorOnlyCase(s, f);
    const both = await buildSubmission(s, f, sampleReport(f.id, 'both'));
    expect((await post(both.body)).status).toBe(201);
    await releaseNow();
    const bothId = both.body.reportId as string;
    const closed = mexicoDay();
    // As the rows were before: a monitor set both to "referred", which closed them.
    await env.DB.batch([
      env.DB.prepare("UPDATE reports SET status = 'referred', closed_day = ?2 WHERE id = ?1").bind(own.id, closed),
      env.DB.prepare("UPDATE reports SET status = 'referred', closed_day = ?2, authority_status = 'referred', authority_closed_day = ?2 WHERE id = ?1").bind(
        bothId,
        closed,
      ),
    ]);
    const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith('0026'))!;
    const data = migration.queries.filter((q) => /^\s*(?:--[^\n]*\n\s*)*(UPDATE|DELETE|INSERT)/i.test(q));
    expect(data.length).toBeGreaterThan(4);
    for (const q of data) await env.DB.prepare(q).run();
    expect(await caseRow(own.id)).toMatchObject({ sendTo: 'monitor', status: 'permission_asked', closedDay: null });
    expect(await caseRow(bothId)).toMatchObject({ sendTo: 'both', status: 'referred', closedDay: null, authorityStatus: 'referred' });
    const event = await env.DB.prepare('SELECT field, value, actor FROM triage_events WHERE report_id = ?1 ORDER BY seq DESC LIMIT 1').bind(own.id).first();
    expect(event).toEqual({ field: 'status', value: 'permission_asked', actor: 'migration-0026' });
    // Open again: its erase day is an open case's (idle rule), not 180 days after a close.
    const t = await threadOf(s, own.code);
    expect(t.case.sides).toEqual([{ side: 'company', status: 'permission_asked' }]);
    const c = await countersAndRecount(f.id);
    expect(c.held).toEqual(c.recount);
    // And the worker can still send it to the authority.
    expect((await mailboxPost('widen', await widenBody(s, own.code))).status).toBe(201);
  });
});

/**
 * Officials work the cases sent to the authority (issue 14 §2): status, severity, notes and replies
 * on their own side of a case, with its clocks and the audit log; each side of a case sent to both
 * keeps its own status, neither reader can move the other's, and the worker sees both, by side.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { deriveMailbox, fromB64, mailboxMessage, sealEnvelope, signProof, toB64, utf8, type Sodium } from '../../src/crypto';
import { addDays, FINAL_STATUSES } from '../../src/domain/case';
import { caseClosedDay } from '../../src/domain/case-sides';
import { DEFAULT_RETENTION } from '../../src/domain/retention';
import { mexicoDay } from '../../src/lib/clock';
import { dueBy } from '../../src/storage/retention';
import { RECOUNT_REPORTS, rebuildTrendCounters } from '../../src/trends/counters';
import { buildSubmission, makeFacility, post, releaseNow, sampleReport, sodium, type TestFacility } from './helpers';
import { api, signIn } from './console-helpers';

type Keyed = { keyId: string; boxPk: string };
type SendTo = 'monitor' | 'authority' | 'both';

async function submitted(s: Sodium, f: TestFacility, sendTo: SendTo) {
  const sub = await buildSubmission(s, f, sampleReport(f.id, sendTo));
  expect((await post(sub.body)).status).toBe(201);
  await releaseNow();
  return { id: sub.body.reportId as string, code: sub.code };
}

async function reply(s: Sodium, token: string, f: TestFacility, reportId: string, kind: 'reply' | 'note' = 'reply') {
  const detail = (await (await api(`/console/api/cases/${reportId}`, { token })).json()) as { sealTo: Record<'reply' | 'note', Keyed[]> };
  const id = s.to_hex(s.randombytes_buf(16));
  const e = sealEnvelope(s, utf8(JSON.stringify({ v: 1, text: 'Recibimos tu reporte.' })), { kind: 'message', reportId, messageId: id, facilityId: f.id }, detail.sealTo[kind].map((k) => ({ keyId: k.keyId, boxPublicKey: fromB64(s, k.boxPk) })));
  const res = await api(`/console/api/cases/${reportId}/messages`, { token, body: { id, kind, envelope: { body: toB64(s, e.body), keys: e.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })) } } });
  expect(res.status).toBe(201);
}

const triage = (token: string, id: string, body: Record<string, unknown>) => api(`/console/api/cases/${id}/triage`, { token, body });

const row = (id: string) =>
  env.DB.prepare(
    `SELECT status, severity, first_reply_day AS firstReply, closed_day AS closed, authority_status AS aStatus, authority_severity AS aSeverity,
            authority_first_reply_day AS aFirstReply, authority_closed_day AS aClosed, (SELECT day FROM report_answers WHERE report_id = ?1) AS answer
       FROM reports WHERE id = ?1`,
  )
    .bind(id)
    .first<Record<string, string | null>>();

interface Listed {
  id: string;
  status: string;
  severity: string | null;
  firstReplyDay: string | null;
  closedDay: string | null;
  sides: Array<{ side: string; status: string }>;
}
const listed = async (token: string, query = '') =>
  ((await (await api(`/console/api/cases?limit=200${query}`, { token })).json()) as { cases: Listed[] }).cases;

async function workerSides(s: Sodium, code: string) {
  const mailbox = deriveMailbox(s, code);
  const { challenge } = (await (await api('/api/mailbox/challenge')).json()) as { challenge: string };
  const signature = toB64(s, signProof(s, mailboxMessage(challenge, mailbox.mailboxId, 'thread'), mailbox.sign.privateKey));
  const res = await api('/api/mailbox/thread', { body: { mailboxId: mailbox.mailboxId, challenge, signature } });
  return ((await res.json()) as { case: { sides: unknown } }).case.sides;
}

/** The trend counters of a plant, and what a full recount of its reports says they should hold. */
async function countersAndRecount(facilityId: string) {
  const held = await env.DB.prepare('SELECT week, status, send_to, channel, n, k FROM trend_reports WHERE facility_id = ?1 AND n > 0 ORDER BY 1, 2, 3, 4').bind(facilityId).all();
  const recount = await env.DB.prepare(`SELECT week, status, send_to, channel, n, k FROM (${RECOUNT_REPORTS}) WHERE facility_id = ?1 ORDER BY 1, 2, 3, 4`).bind(facilityId).all();
  return { held: held.results, recount: recount.results };
}

describe('officials triage the cases sent to the authority', () => {
  it('should let an official acknowledge, investigate and close a case sent only to the authority, stopping its clocks, all audited', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const k = await submitted(s, f, 'authority');
    // Ten days old: past the 7-day acknowledgement deadline, so it is listed as overdue.
    await env.DB.prepare('UPDATE reports SET received_day = ?2 WHERE id = ?1').bind(k.id, addDays(mexicoDay(), -10)).run();
    await rebuildTrendCounters(env.DB); // the fixture moved the report to another week
    const official = await signIn(s, f.official);
    expect((await listed(official, '&overdue=1')).map((c) => c.id)).toEqual([k.id]);

    await reply(s, official, f, k.id);
    const acknowledged = (await listed(official)).find((c) => c.id === k.id)!;
    expect(acknowledged).toMatchObject({ status: 'acknowledged', firstReplyDay: mexicoDay(), closedDay: null });
    expect(acknowledged.sides).toEqual([{ side: 'authority', status: 'acknowledged', firstReplyDay: mexicoDay(), closedDay: null }]);
    expect(await listed(official, '&overdue=1')).toEqual([]); // the acknowledgement clock stopped

    expect((await triage(official, k.id, { status: 'investigating', severity: 'high' })).status).toBe(200);
    expect((await triage(official, k.id, { status: 'resolved' })).status).toBe(200);
    expect(await row(k.id)).toMatchObject({ status: 'resolved', severity: 'high', firstReply: mexicoDay(), closed: mexicoDay(), aStatus: null });
    expect((await listed(official, '&status=resolved')).map((c) => c.id)).toEqual([k.id]);
    expect(await workerSides(s, k.code)).toEqual([{ side: 'authority', status: 'resolved' }]);

    const events = (await env.DB.prepare('SELECT field, value, actor FROM triage_events WHERE report_id = ?1 ORDER BY seq').bind(k.id).all()).results;
    expect(events).toEqual([
      { field: 'status', value: 'acknowledged', actor: f.official.keyId },
      { field: 'status', value: 'investigating', actor: f.official.keyId },
      { field: 'severity', value: 'high', actor: f.official.keyId },
      { field: 'status', value: 'resolved', actor: f.official.keyId },
    ]);
    const audited = (await env.DB.prepare("SELECT role, action, outcome, detail FROM audit_log WHERE report_id = ?1 AND action IN ('reply', 'triage') ORDER BY seq").bind(k.id).all()).results;
    expect(audited).toEqual([
      { role: 'official', action: 'reply', outcome: 'ok', detail: null },
      { role: 'official', action: 'triage', outcome: 'ok', detail: 'severity,status' },
      { role: 'official', action: 'triage', outcome: 'ok', detail: 'status' },
    ]);
    // The figures count it as the authority left it.
    const c = await countersAndRecount(f.id);
    expect(c.held).toEqual(c.recount);
    expect(c.held).toMatchObject([{ status: 'resolved', send_to: 'authority', n: 1 }]);
  });

  it('should keep each side of a case sent to both apart: neither reader moves the other side', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const k = await submitted(s, f, 'both');
    const official = await signIn(s, f.official);
    const monitor = await signIn(s, f.monitor);

    // The authority answers and investigates: the company's status and clocks do not move.
    await reply(s, official, f, k.id);
    await reply(s, official, f, k.id);
    expect((await triage(official, k.id, { status: 'investigating', severity: 'critical' })).status).toBe(200);
    expect(await row(k.id)).toMatchObject({ status: 'new', severity: null, firstReply: null, answer: null, aStatus: 'investigating', aSeverity: 'critical', aFirstReply: mexicoDay() });

    // The monitor's triage moves the company's side only, whatever it asks for.
    expect((await triage(monitor, k.id, { status: 'acknowledged', severity: 'low' })).status).toBe(200);
    expect((await triage(monitor, k.id, { status: 'not_substantiated' })).status).toBe(200);
    expect(await row(k.id)).toMatchObject({ status: 'not_substantiated', severity: 'low', closed: mexicoDay(), aStatus: 'investigating', aSeverity: 'critical', aClosed: null });

    // Each reader sees their own side as the case's status; the official also sees the company's.
    const mine = (await listed(monitor)).find((c) => c.id === k.id)!;
    expect(mine).toMatchObject({ status: 'not_substantiated', severity: 'low' });
    expect(mine.sides.map((x) => x.side)).toEqual(['company']); // the authority's work is not the company's to watch
    const theirs = (await listed(official)).find((c) => c.id === k.id)!;
    expect(theirs).toMatchObject({ status: 'investigating', severity: 'critical', firstReplyDay: mexicoDay() });
    expect(theirs.sides.map((x) => [x.side, x.status])).toEqual([['company', 'not_substantiated'], ['authority', 'investigating']]);
    const monitorEvents = ((await (await api(`/console/api/cases/${k.id}`, { token: monitor })).json()) as { events: Array<{ field: string }> }).events;
    expect(monitorEvents.map((e) => e.field)).toEqual(['status', 'severity', 'status']);
    // The worker sees both, by side.
    expect(await workerSides(s, k.code)).toEqual([{ side: 'company', status: 'not_substantiated' }, { side: 'authority', status: 'investigating' }]);

    // An illegal move on the official's side is refused against the official's own status.
    expect((await triage(official, k.id, { status: 'acknowledged' })).status).toBe(422);
    // The counters follow the company's status (the lead side of a case sent to both).
    const c = await countersAndRecount(f.id);
    expect(c.held).toEqual(c.recount);
    expect(c.held).toMatchObject([{ status: 'not_substantiated', send_to: 'both', n: 1 }]);
  });

  it('should keep officials out of a case sent only to the company, and out of the monitors\' tags and assignment', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const own = await submitted(s, f, 'monitor');
    const both = await submitted(s, f, 'both');
    const official = await signIn(s, f.official);
    expect((await triage(official, own.id, { status: 'acknowledged' })).status).toBe(404);
    expect((await triage(official, both.id, { tags: ['x'] })).status).toBe(403);
    expect((await triage(official, both.id, { assignee: f.monitor.keyId })).status).toBe(403);
    expect(await row(own.id)).toMatchObject({ status: 'new', aStatus: null });
    expect(await row(both.id)).toMatchObject({ status: 'new', aStatus: 'new' });
    const refused = (await env.DB.prepare("SELECT report_id AS id, detail FROM audit_log WHERE actor = ?1 AND action = 'triage' AND outcome = 'denied' ORDER BY seq").bind(f.official.keyId).all()).results;
    expect(refused).toEqual([
      { id: own.id, detail: 'not_found' },
      { id: both.id, detail: 'forbidden' },
      { id: both.id, detail: 'forbidden' },
    ]);
  });

  it('should erase a case sent to both only once both sides closed it', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const k = await submitted(s, f, 'both');
    const long = addDays(mexicoDay(), -(DEFAULT_RETENTION.closedDays + 1));
    const due = () =>
      env.DB.prepare(`SELECT count(*) AS n FROM reports r JOIN facilities f ON f.id = r.facility_id WHERE r.id = ?4 AND ${dueBy('?1', '?2', '?3')}`)
        .bind(mexicoDay(), DEFAULT_RETENTION.closedDays, DEFAULT_RETENTION.idleDays, k.id)
        .first<{ n: number }>();
    await env.DB.prepare("UPDATE reports SET status = 'resolved', closed_day = ?2 WHERE id = ?1").bind(k.id, long).run();
    expect((await due())!.n).toBe(0); // the authority still works it
    await env.DB.prepare("UPDATE reports SET authority_status = 'not_substantiated', authority_closed_day = ?2 WHERE id = ?1").bind(k.id, long).run();
    expect((await due())!.n).toBe(1);
    expect(caseClosedDay([{ side: 'company', status: 'resolved', firstReplyDay: null, closedDay: '2026-01-02' }, { side: 'authority', status: 'investigating', firstReplyDay: null, closedDay: null }])).toBeNull();
    expect(caseClosedDay([{ side: 'company', status: 'resolved', firstReplyDay: null, closedDay: '2026-01-02' }, { side: 'authority', status: FINAL_STATUSES[1]!, firstReplyDay: null, closedDay: '2026-03-04' }])).toBe('2026-03-04');
  });
});

describe('migration 0016', () => {
  it('should give existing cases sent to both an authority side, and the company only its own replies', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const both = await submitted(s, f, 'both');
    const own = await submitted(s, f, 'monitor');
    const official = await signIn(s, f.official);
    const monitor = await signIn(s, f.monitor);
    await reply(s, official, f, both.id);
    await reply(s, monitor, f, own.id);
    // As the rows were before 0016: the official's reply stopped the company's clock, nothing was acknowledged.
    await env.DB.batch([
      env.DB.prepare("UPDATE reports SET status = 'new', first_reply_day = ?2, authority_status = NULL, authority_first_reply_day = NULL WHERE id = ?1").bind(both.id, mexicoDay()),
      env.DB.prepare("UPDATE reports SET status = 'new' WHERE id = ?1").bind(own.id),
    ]);
    const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith('0016'))!;
    // Its data statements, run again over these rows (the ALTERs and the trigger ran at setup).
    const data = migration.queries.filter((q) => /^\s*(?:--[^\n]*\n\s*)*(UPDATE|DELETE|INSERT)/i.test(q));
    expect(data.length).toBeGreaterThan(3);
    for (const q of data) await env.DB.prepare(q).run();
    expect(await row(both.id)).toMatchObject({ status: 'new', firstReply: null, aStatus: 'acknowledged', aFirstReply: mexicoDay() });
    expect(await row(own.id)).toMatchObject({ status: 'acknowledged', firstReply: mexicoDay() });
    const c = await countersAndRecount(f.id);
    expect(c.held).toEqual(c.recount);
  });
});

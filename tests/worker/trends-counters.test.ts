/**
 * Trend counters stay exact: after many concurrent web and mail reports, racing retries, and
 * concurrent triage changes (some racing each other for the same transition), the counters equal
 * a full recount of the reports.
 */
import { leadSide } from '../../src/domain/case-sides';
import { env } from 'cloudflare:test';
import { mexicoDay } from '../../src/lib/clock';
import { describe, expect, it } from 'vitest';
import { fromB64, sealEnvelope, toB64, utf8 } from '../../src/crypto';
import type { Category, SendTo } from '../../src/domain/report';
import { applyTriage } from '../../src/storage/triage';
import { RECOUNT_CATEGORIES, RECOUNT_REPORTS, rebuildTrendCounters } from '../../src/trends/counters';
import { mondayOf } from '../../src/trends/weeks';
import { api, signIn } from './console-helpers';
import { bytes, deliver, mail, randomSender } from './email-helpers';
import { buildSubmission, makeFacility, post, releaseNow, sampleReport, sodium, type TestFacility } from './helpers';

type Row = Record<string, string | number>;

/** Counter rows and recount rows for some facilities, as comparable sorted lists (zeros dropped). */
async function compare(facilities: string[]) {
  const inList = facilities.map((_, i) => `?${i + 1}`).join(', ');
  const read = async (sql: string) =>
    (await env.DB.prepare(`SELECT * FROM (${sql}) WHERE facility_id IN (${inList}) AND n != 0`).bind(...facilities).all<Row>()).results
      .map((r) => JSON.stringify(Object.keys(r).sort().map((k) => [k, r[k]])))
      .sort();
  return {
    reports: await read('SELECT * FROM trend_reports'),
    reportsRecount: await read(RECOUNT_REPORTS),
    categories: await read('SELECT * FROM trend_categories'),
    categoriesRecount: await read(RECOUNT_CATEGORIES),
  };
}

const CATEGORY_SETS: Category[][] = [['intimidation'], ['intimidation', 'coercion'], ['dismissal', 'retaliation', 'other'], ['company_union']];
const SEND_TOS: SendTo[] = ['monitor', 'authority', 'both'];

async function submitMany(s: Awaited<ReturnType<typeof sodium>>, f: TestFacility, n: number) {
  const subs = await Promise.all(
    Array.from({ length: n }, (_, i) => buildSubmission(s, f, { ...sampleReport(f.id, SEND_TOS[i % 3]), categories: CATEGORY_SETS[i % 4]! })),
  );
  // Every submission twice at once: a racing retry must not count twice.
  const statuses = await Promise.all(subs.flatMap(({ body }) => [post(body), post(body)]).map(async (r) => (await r).status));
  expect(statuses.filter((x) => x === 201)).toHaveLength(n);
  await releaseNow();
  return subs.map(({ body }) => ({ id: body.reportId as string, sendTo: body.sendTo as SendTo }));
}

async function mailMany(s: Awaited<ReturnType<typeof sodium>>, f: TestFacility, n: number) {
  const row = await env.DB.prepare('SELECT email_local FROM facilities WHERE id = ?1').bind(f.id).first<{ email_local: string }>();
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const raw = bytes(
        `From: <${randomSender(s)}>\r\nSubject: Queja ${i}\r\nMessage-ID: <${s.to_hex(s.randombytes_buf(8))}@mx.example.net>\r\n` +
          `Content-Type: text/plain; charset=utf-8\r\n\r\nNos dijeron que no votaramos.\r\n`,
      );
      const m = await mail(raw, { from: randomSender(s), to: `${row!.email_local}@buzon.test` });
      await deliver(m.message);
    }),
  );
}

describe('trend counters', () => {
  it('should equal a full recount after concurrent reports, mail, retries and triage races', async () => {
    const s = await sodium();
    const A = await makeFacility(s);
    const B = await makeFacility(s);
    const [a, b] = await Promise.all([submitMany(s, A, 18), submitMany(s, B, 12), mailMany(s, A, 4), mailMany(s, B, 3)]);
    const mailed = await env.DB.prepare(`SELECT count(*) AS n FROM reports WHERE facility_id IN (?1, ?2) AND channel = 'email'`).bind(A.id, B.id).first<{ n: number }>();
    expect(mailed!.n).toBe(7);

    // Triage as the monitors would, concurrently, on every report they can see; each move is
    // sent twice at once so that two requests race for the same transition.
    const tokens = { [A.id]: await signIn(s, A.monitor), [B.id]: await signIn(s, B.monitor) };
    const move = (facility: string, id: string, status: string) =>
      Promise.all([0, 1].map(() => api(`/console/api/cases/${id}/triage`, { token: tokens[facility], body: { status } }).then((r) => r.status)));
    const visible = [...a.map((r) => ({ ...r, f: A.id })), ...b.map((r) => ({ ...r, f: B.id }))].filter((r) => r.sendTo !== 'authority');
    const paths = [['acknowledged'], ['acknowledged', 'investigating'], ['acknowledged', 'investigating', 'resolved'], ['acknowledged', 'not_substantiated'], ['acknowledged', 'investigating', 'not_substantiated', 'investigating']];
    // Two cases at a time (four requests): every triage also appends to the audit log, whose
    // writers retry only so often when they collide (src/storage/audit.ts).
    for (let w = 0; w < visible.length; w += 2) {
      await Promise.all(
        visible.slice(w, w + 2).map(async (r, j) => {
          for (const status of paths[(w + j) % paths.length]!) {
            const codes = await move(r.f, r.id, status);
            expect(codes, `${status}: ${codes.join(', ')}`).toContain(200);
          }
        }),
      );
    }
    const statuses = await env.DB.prepare(`SELECT status, count(*) AS n FROM reports WHERE facility_id IN (?1, ?2) GROUP BY 1 ORDER BY 1`).bind(A.id, B.id).all();
    expect(statuses.results.length).toBeGreaterThanOrEqual(5);

    const c = await compare([A.id, B.id]);
    expect(c.reports.length).toBeGreaterThan(5);
    expect(c.reports).toEqual(c.reportsRecount);
    expect(c.categories).toEqual(c.categoriesRecount);

    // Mail carries no category: it is counted under 'unclassified', once per report.
    const unclassified = await env.DB.prepare(`SELECT sum(n) AS n FROM trend_categories WHERE facility_id IN (?1, ?2) AND category = 'unclassified'`)
      .bind(A.id, B.id)
      .first<{ n: number }>();
    expect(unclassified!.n).toBe(7);
    // And every report is counted exactly once in trend_reports.
    const total = await env.DB.prepare('SELECT sum(n) AS n FROM trend_reports WHERE facility_id IN (?1, ?2)').bind(A.id, B.id).first<{ n: number }>();
    expect(total!.n).toBe(18 + 12 + 7);
  });

  it('should count a report in the ISO week of the day it was received, as the recount does', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    await submitMany(s, f, 2);
    const today = (await env.DB.prepare('SELECT received_day AS d FROM reports WHERE facility_id = ?1 LIMIT 1').bind(f.id).first<{ d: string }>())!.d;
    const { results } = await env.DB.prepare('SELECT DISTINCT week FROM trend_reports WHERE facility_id = ?1').bind(f.id).all<{ week: string }>();
    expect(results).toEqual([{ week: mondayOf(today) }]);
    // SQLite's Monday and ours agree on every day of a few years, leap days and year ends included.
    const days = Array.from({ length: 1200 }, (_, i) => new Date(Date.UTC(2023, 11, 1) + i * 86_400_000).toISOString().slice(0, 10));
    const sql = days.map((_, i) => `date(?${i + 1}, '-6 days', 'weekday 1')`);
    for (let i = 0; i < days.length; i += 90) {
      const chunk = days.slice(i, i + 90);
      const row = await env.DB.prepare(`SELECT ${sql.slice(0, chunk.length).map((x, j) => `${x} AS d${j}`).join(', ')}`).bind(...chunk).first<Record<string, string>>();
      expect(chunk.map((_, j) => row![`d${j}`])).toEqual(chunk.map(mondayOf));
    }
  });

  it('should move no count when a triage change lost the race for its transition', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const [r] = await submitMany(s, f, 1);
    const change = { status: { from: 'new' as const, to: 'acknowledged' as const, closedDay: null } };
    const company = { sendTo: r!.sendTo, side: leadSide(r!.sendTo) };
    // Both requests read 'new'; the second batch runs after the first has committed.
    await applyTriage(env.DB, r!.id, company, change, 'test', '2026-01-05');
    await applyTriage(env.DB, r!.id, company, change, 'test', '2026-01-05');
    await applyTriage(env.DB, r!.id, company, { status: { from: 'new', to: 'referred' as never, closedDay: null } }, 'test', '2026-01-05');
    const c = await compare([f.id]);
    expect(c.reports).toEqual(c.reportsRecount);
    const rows = await env.DB.prepare('SELECT status, n FROM trend_reports WHERE facility_id = ?1 AND n != 0').bind(f.id).all();
    expect(rows.results).toEqual([{ status: 'acknowledged', n: 1 }]);
  });

  it('should record the first substantive answer (the second reply), and only from a reply', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const [r] = await submitMany(s, f, 1);
    const token = await signIn(s, f.monitor);
    const send = async (kind: 'reply' | 'note') => {
      const detail = (await (await api(`/console/api/cases/${r!.id}`, { token })).json()) as { sealTo: Record<'reply' | 'note', Array<{ keyId: string; boxPk: string }>> };
      const id = s.to_hex(s.randombytes_buf(16));
      const envelope = sealEnvelope(s, utf8(JSON.stringify({ v: 1, text: 'hola' })), { kind: 'message', reportId: r!.id, messageId: id, facilityId: f.id }, detail.sealTo[kind].map((k) => ({ keyId: k.keyId, boxPublicKey: fromB64(s, k.boxPk) })));
      const res = await api(`/console/api/cases/${r!.id}/messages`, { token, body: { id, kind, envelope: { body: toB64(s, envelope.body), keys: envelope.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })) } } });
      expect(res.status).toBe(201);
    };
    const days = () =>
      env.DB.prepare('SELECT received_day AS received, first_reply_day AS ack, (SELECT day FROM report_answers WHERE report_id = ?1) AS answer FROM reports WHERE id = ?1')
        .bind(r!.id)
        .first<Record<string, string | null>>();
    await send('note');
    expect(await days()).toMatchObject({ ack: null, answer: null });
    await send('reply');
    // A reader's reply is dated the day it is sent (Mexico City), which after midnight is not the release day.
    const today = mexicoDay();
    expect(await days()).toMatchObject({ ack: today, answer: null });
    await send('note');
    expect((await days())!.answer).toBeNull();
    await send('reply');
    await send('reply');
    expect(await days()).toMatchObject({ ack: today, answer: today });
  });

  it('should rebuild to the same counts', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    await submitMany(s, f, 3);
    const before = await compare([f.id]);
    await rebuildTrendCounters(env.DB);
    const after = await compare([f.id]);
    expect(after.reports).toEqual(before.reports);
    expect(after.categories).toEqual(before.categories);
  });
});

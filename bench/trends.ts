/**
 * @module Trends benchmark: 100,000 reports over 50 facilities and two years, written straight into
 * a fresh local D1 (with their categories, replies, monitors' views and the trend counters the
 * write path would have produced), then the daily snapshots timed, and each dashboard view and the
 * public page as a request makes it: the day's snapshot read from KV, then the tables built.
 * Prints figures next to those from before the snapshots; asserts nothing about time.
 *
 *   npx tsx bench/trends.ts [reports]      (or: npm run bench -- trends)
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { prepareState } from '../scripts/lib/dev-server';
import { openLocalPlatform } from '../scripts/lib/local-platform';
import { addDays, FINAL_STATUSES } from '../src/domain/case';
import { translator } from '../src/i18n';
import { CATEGORIES } from '../src/domain/report';
import { rebuildTrendCounters } from '../src/trends/counters';
import { buildDashboard } from '../src/trends/dashboard';
import { SECTORS } from '../src/domain/facility';
import { mexicoDay } from '../src/lib/clock';
import type { Selection } from '../src/trends/queries';
import { decodeSnapshot, forgetSnapshots, publicSnapshot, trendsSnapshot, trendsSnapshotKey } from '../src/trends/snapshot';
import { transparencyView } from '../src/trends/transparency';
import { addMonths, mondayOf } from '../src/trends/weeks';

const FACILITIES = 50;
const STATES = ['Guanajuato', 'Jalisco', 'Coahuila', 'Nuevo León', 'Chihuahua'];

/** A small seeded generator, so every run writes the same data. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const quote = (v: string | number | null) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`);

/** Multi-row INSERTs of literal values (D1 binds at most 100 parameters), about 400 rows each. */
function inserts(table: string, columns: string[], rows: Array<Array<string | number | null>>): string[] {
  const out: string[] = [];
  for (let i = 0; i < rows.length; i += 400) {
    const values = rows.slice(i, i + 400).map((r) => `(${r.map(quote).join(',')})`);
    out.push(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${values.join(',')}`);
  }
  return out;
}

export async function seed(db: D1Database, reports: number, today: string) {
  const random = prng(20260101);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const days = 728;
  // Facilities of very different sizes, so the small ones make small cells to suppress.
  const facilities = Array.from({ length: FACILITIES }, (_, i) => ({
    id: `bench-${String(i).padStart(2, '0')}`,
    state: STATES[i % STATES.length]!,
    sector: SECTORS[i % SECTORS.length]!,
    weight: 1 / (1 + (i % 17)) ** 1.1,
  }));
  const totalWeight = facilities.reduce((a, f) => a + f.weight, 0);
  const rows = { reports: [] as Array<Array<string | number | null>>, categories: [] as Array<Array<string | number | null>>, messages: [] as Array<Array<string | number | null>>, audit: [] as Array<Array<string | number | null>>, answers: [] as Array<Array<string | number | null>> };
  let auditSeq = (await db.prepare('SELECT coalesce(max(seq), 0) AS n FROM audit_log').first<{ n: number }>())!.n;
  for (let i = 0; i < reports; i++) {
    let r = random() * totalWeight;
    const f = facilities.find((x) => (r -= x.weight) <= 0) ?? facilities[0]!;
    // A spike: facility 3 gets a burst in one week a few months ago.
    const ago = f.id === 'bench-03' && random() < 0.15 ? 120 + Math.floor(random() * 7) : Math.floor(random() * days);
    const received = addDays(today, -ago);
    const id = randomBytes(16).toString('hex');
    const channel = random() < 0.1 ? 'email' : 'web';
    const sendTo = random() < 0.45 ? 'monitor' : random() < 0.64 ? 'both' : 'authority';
    const company = sendTo !== 'authority';
    // Most reports are acknowledged within two weeks, some late, a few never.
    const a = random();
    const ackAfter = !company ? null : a < 0.85 ? Math.floor(random() * 14) : a < 0.95 ? 14 + Math.floor(random() * 46) : null;
    const answerAfter = ackAfter !== null && random() < 0.75 ? ackAfter + 3 + Math.floor(random() * 40) : null;
    const closeAfter = ackAfter !== null && random() < 0.7 ? 10 + Math.floor(random() * 120) : null;
    const reached = (n: number | null) => n !== null && n <= ago;
    const status = !company ? 'new' : reached(closeAfter) ? pick(FINAL_STATUSES) : reached(ackAfter) ? pick(['acknowledged', 'investigating']) : 'new';
    const firstReply = reached(ackAfter) ? addDays(received, ackAfter!) : null;
    const closed = reached(closeAfter) && FINAL_STATUSES.includes(status as never) ? addDays(received, closeAfter!) : null;
    const answered = firstReply && reached(answerAfter) ? addDays(received, answerAfter!) : null;
    rows.reports.push([id, f.id, channel, sendTo, received, status, id, 'pk', 'pk', 'none', 'digest', firstReply, closed]);
    if (answered) rows.answers.push([f.id, received, id, answered]);
    if (channel === 'web') {
      const cats = new Set([pick(CATEGORIES), ...(random() < 0.4 ? [pick(CATEGORIES)] : [])]);
      for (const c of cats) rows.categories.push([id, c]);
    }
    if (firstReply) rows.messages.push([id, 1, randomBytes(16).toString('hex'), 'reply', 'monitor', 'k', firstReply, 'none']);
    if (answered) rows.messages.push([id, 2, randomBytes(16).toString('hex'), 'reply', 'monitor', 'k', answered, 'none']);
    if (company && (status !== 'new' || random() < 0.6)) rows.audit.push([++auditSeq, received, 'k', 'monitor', 'view', id, 'ok', null, 'bench', 'bench']);
  }
  const statements = [
    ...facilities.map(
      (f) => `INSERT INTO facilities (id, name, short_code, email_local, state, municipality, sector) VALUES ('${f.id}', 'Planta ${f.id}', '${f.id}', '${f.id}', '${f.state}', 'Centro', '${f.sector}')`,
    ),
    ...inserts('reports', ['id', 'facility_id', 'channel', 'send_to', 'received_day', 'status', 'mailbox_id', 'mailbox_box_pk', 'mailbox_sign_pk', 'body_key', 'body_digest', 'first_reply_day', 'closed_day'], rows.reports),
    ...inserts('report_answers', ['facility_id', 'received_day', 'report_id', 'day'], rows.answers),
    ...inserts('report_categories', ['report_id', 'category'], rows.categories),
    ...inserts('messages', ['report_id', 'seq', 'id', 'kind', 'author_role', 'author_key', 'day', 'body_key'], rows.messages),
    // Bench only: views with placeholder hashes (this database is thrown away).
    ...inserts('audit_log', ['seq', 'day', 'actor', 'role', 'action', 'report_id', 'outcome', 'detail', 'prev_hash', 'hash'], rows.audit),
  ];
  for (let i = 0; i < statements.length; i += 20) await db.batch(statements.slice(i, i + 20).map((s) => db.prepare(s)));
  // The counters the write path keeps, built in one pass (equal by test: tests/worker/trends-counters.test.ts).
  await rebuildTrendCounters(db);
  return { facilities, rows };
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const fmt = (xs: number[]) => `p50 ${percentile(xs, 0.5).toFixed(1)} ms, p95 ${percentile(xs, 0.95).toFixed(1)} ms`;

/** Whole-view p50 before the daily snapshots (docs/trends.md, issue 12), for comparison. */
const BEFORE: Record<string, number> = {
  'national, 13 weeks (the default view)': 110,
  'national, 52 weeks': 211,
  'national, 104 weeks': 352,
  'one state (10 facilities), 13 weeks': 54,
  'one sector, 26 weeks': 74,
  'one facility, 104 weeks': 79,
  'public page, 12 months': 163,
};

export async function trendsBench(reports = 100_000, runs = 30) {
  const stateDir = await prepareState();
  const platform = await openLocalPlatform(stateDir);
  try {
    const { DB: db, STATE } = platform.env;
    const env = { DB: db, STATE };
    const today = mexicoDay();
    let t0 = performance.now();
    const { rows } = await seed(db, reports, today);
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    const check = await db.prepare('SELECT (SELECT sum(n) FROM trend_reports) AS counted, (SELECT count(*) FROM reports) AS stored, (SELECT count(*) FROM trend_reports) AS counterRows').first<{ counted: number; stored: number; counterRows: number }>();
    console.log(`\n## Trends (local D1 and KV through wrangler's platform proxy; ${runs} runs per view)`);
    console.log(
      `seeded ${rows.reports.length} reports over ${FACILITIES} facilities and two years (${rows.categories.length} category rows, ${rows.messages.length} replies, ${rows.audit.length} views, ${check!.counterRows} counter rows) in ${seconds} s; counters hold ${check!.counted} of ${check!.stored} reports`,
    );
    // The daily job: the day's reads, assembled and kept in KV (what the cron job or the day's first request does).
    const daily: number[] = [];
    let bytes = 0;
    for (let run = 0; run < 3; run++) {
      await forgetSnapshots(STATE, today);
      t0 = performance.now();
      await trendsSnapshot(env, today);
      daily.push(performance.now() - t0);
      bytes = (await STATE.get(trendsSnapshotKey(today), 'arrayBuffer'))!.byteLength;
    }
    // A cold isolate: the snapshot read from KV and decoded (once per isolate and day).
    const cold: number[] = [];
    for (let run = 0; run < 10; run++) {
      t0 = performance.now();
      decodeSnapshot((await STATE.get(trendsSnapshotKey(today), 'arrayBuffer'))!);
      cold.push(performance.now() - t0);
    }
    console.log(`daily dashboard snapshot (reads, assembly, KV write; once a day): ${fmt(daily)}; ${(bytes / 1e6).toFixed(2)} MB`);
    console.log(`a cold isolate's first read of it (KV through the proxy, decoded): ${fmt(cold)}`);
    const t = translator('es');
    const to = mondayOf(today);
    const views: Array<[string, Selection, number]> = [
      ['national, 13 weeks (the default view)', { scopeState: null }, 13],
      ['national, 52 weeks', { scopeState: null }, 52],
      ['national, 104 weeks', { scopeState: null }, 104],
      ['one state (10 facilities), 13 weeks', { scopeState: 'Guanajuato' }, 13],
      ['one sector, 26 weeks', { scopeState: null, sector: 'mining' }, 26],
      ['one facility, 104 weeks', { scopeState: null, facility: 'bench-03' }, 104],
    ];
    const trivial: number[] = [];
    for (let run = 0; run < runs; run++) {
      t0 = performance.now();
      await STATE.get('no-such-key');
      trivial.push(performance.now() - t0);
    }
    console.log(`the proxy's own round trip (a KV read of a missing key): ${fmt(trivial)}`);
    console.log("whole view = the snapshot's id checked in KV (the isolate keeps the decoded snapshot), then every table built; p50 before → now:");
    for (const [name, sel, weeks] of views) {
      const range = { from: addDays(to, -7 * (weeks - 1)), to };
      const read: number[] = [];
      const build: number[] = [];
      let hidden = 0;
      let shown = 0;
      for (let run = 0; run < runs + 2; run++) {
        t0 = performance.now();
        const snapshot = await trendsSnapshot(env, today);
        const t1 = performance.now();
        const view = buildDashboard(snapshot, sel, range, t);
        const t2 = performance.now();
        if (run < 2) continue; // warm-up
        read.push(t1 - t0);
        build.push(t2 - t1);
        const cells = view.tables.flatMap((x) => [...x.rows, ...(x.totals ? [x.totals] : [])].flatMap((r) => [...r.cells, r.total]));
        hidden = cells.filter((c) => c === '<5').length;
        shown = cells.length;
      }
      const total = read.map((q, i) => q + build[i]!);
      console.log(`${name}: ${BEFORE[name]} ms → p50 ${percentile(total, 0.5).toFixed(1)} ms (p95 ${percentile(total, 0.95).toFixed(1)}; snapshot read ${fmt(read)}; tables ${fmt(build)}; ${hidden} of ${shown} cells "<5")`);
    }
    await forgetSnapshots(STATE, today);
    t0 = performance.now();
    await publicSnapshot(env, today);
    console.log(`daily public snapshot (12 months of reports read once a day): ${(performance.now() - t0).toFixed(1)} ms`);
    const month = addMonths(today.slice(0, 7), -1);
    const pub: number[] = [];
    for (let run = 0; run < runs + 2; run++) {
      t0 = performance.now();
      const data = await publicSnapshot(env, today);
      transparencyView(data, month, t, 'es');
      if (run >= 2) pub.push(performance.now() - t0);
    }
    console.log(`public page, 12 months: ${BEFORE['public page, 12 months']} ms → p50 ${percentile(pub, 0.5).toFixed(1)} ms (p95 ${percentile(pub, 0.95).toFixed(1)}; snapshot id checked, the month's view as the isolate keeps it)`);
    console.log('targets: every dashboard view p50 ≤ 20 ms, the public page ≤ 10 ms');
  } finally {
    await platform.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await trendsBench(Number(process.argv[2] ?? 100_000));

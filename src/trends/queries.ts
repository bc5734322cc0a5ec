/**
 * @module The trends' reads from D1, made once a day for the daily snapshots (src/trends/snapshot.ts):
 * counts and record-key sums from the trend counters, clocks and "never opened" from the reports,
 * grouped in SQL and fetched in one batch. Raw counts: nothing here may leave the server before
 * src/trends/cellkey.ts has adjusted it.
 */
import { addDays, FINAL_STATUSES } from '../domain/case';
import { sqlClockOutcome, type ClockOutcome } from '../domain/clocks';
import { UNCLASSIFIED } from './counters';
import { addMonths, lastDayOfMonth, sqlMondayOf } from './weeks';

/** Which facilities a view covers: the official's scope, narrowed by the filters. */
export interface Selection {
  /** The official's state, or null for every facility. */
  scopeState: string | null;
  state?: string;
  sector?: string;
  facility?: string;
}

export interface FacilityInfo {
  id: string;
  name: string;
  state: string | null;
  municipality: string | null;
  sector: string | null;
  ackDays: number;
  answerDays: number;
  closeDays: number;
}

/** The spike alert: a week with at least SPIKE_MIN reports and SPIKE_FACTOR times the mean of the SPIKE_WEEKS before. */
export const SPIKE_MIN = 5;
export const SPIKE_FACTOR = 3;
export const SPIKE_WEEKS = 8;

/** The Julian day number SQLite's julianday() gives for a "YYYY-MM-DD" day. */
export const julianDay = (day: string) => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / 86_400_000 + 2_440_587.5;

/** The outcomes of src/domain/clocks.ts, in the order the tables show them. */
export type ClockClass = ClockOutcome;
export const CLOCK_CLASSES: readonly ClockClass[] = ['in_time', 'late', 'overdue', 'pending'];
export type AgeBucket = 'week' | 'month' | 'quarter' | 'older';
export const AGE_BUCKETS: readonly AgeBucket[] = ['week', 'month', 'quarter', 'older'];

/** Counts and key sums as the daily snapshot reads them (src/trends/snapshot.ts assembles them). */
export interface TrendRows {
  today: string;
  /** Mondays of the weeks kept, oldest first. */
  weeks: string[];
  facilities: FacilityInfo[];
  /** The report counters per facility, week, status and recipients chosen … */
  reports: Array<{ facilityId: string; week: string; status: string; sendTo: string; n: number; k: number }>;
  /** … and the category counters, from which the reports received today (or later) come off. */
  categories: Array<{ facilityId: string; week: string; category: string; n: number; k: number }>;
  reportsFromToday: TrendRows['reports'];
  categoriesFromToday: TrendRows['categories'];
  /** Reports to the company by facility, week and class on each clock, with the days each acknowledgement and closing took. */
  clocks: Array<{ facilityId: string; week: string; ack: ClockClass; answer: ClockClass; close: ClockClass; n: number; k: number; ackDays: string | null; closeDays: string | null }>;
  neverOpened: Array<{ facilityId: string; bucket: AgeBucket; n: number; k: number }>;
}

/** Whether a facility is in the selection: the official's scope, narrowed by the filters. */
export function inSelection(f: Pick<FacilityInfo, 'id' | 'state' | 'sector'>, sel: Selection): boolean {
  return (
    (sel.scopeState === null || f.state === sel.scopeState) &&
    (sel.state === undefined || f.state === sel.state) &&
    (sel.sector === undefined || f.sector === sel.sector) &&
    (sel.facility === undefined || f.id === sel.facility)
  );
}

/** Reports the company's monitors receive: the clocks measure them (a report sent only to the authority never reaches them). */
const COMPANY_CHANNEL = `r.send_to IN ('monitor', 'both')`;

const FINAL = FINAL_STATUSES.map((s) => `'${s}'`).join(', ');

const days = (later: string, earlier: string) => `CAST(julianday(${later}) - julianday(${earlier}) AS INTEGER)`;


/**
 * Everything the dashboard can show on a day, for every facility and every week it can show, in
 * one D1 batch: the counters (minus the reports received from today on: figures stop at
 * yesterday), one pass over the reports to the company for the clocks, and the reports nobody
 * opened. Run once a day (src/trends/snapshot.ts); no request reads reports.
 */
export async function loadTrendRows(db: D1Database, weeks: string[], today: string): Promise<TrendRows> {
  const first = weeks[0]!;
  const yesterday = addDays(today, -1);
  const p = [first, yesterday, today, julianDay(today)];
  // SQLite numbers parameters up to the highest ?N a statement uses: bind exactly that many.
  const q = (sql: string) => db.prepare(sql).bind(...p.slice(0, Math.max(0, ...[...sql.matchAll(/\?(\d+)/g)].map((m) => Number(m[1])))));
  const FROM_TODAY = `FROM facilities f CROSS JOIN reports r INDEXED BY reports_by_facility_clock ON r.facility_id = f.id WHERE r.received_day >= ?3`;
  const results = await db.batch([
    q(`SELECT f.id, f.name, f.state, f.municipality, f.sector, f.ack_days AS ackDays, f.answer_days AS answerDays, f.close_days AS closeDays
         FROM facilities f ORDER BY f.name, f.id`),
    q(`SELECT facility_id AS facilityId, week, status, send_to AS sendTo, sum(n) AS n, sum(k) AS k FROM trend_reports WHERE week >= ?1 GROUP BY 1, 2, 3, 4`),
    q(`SELECT facility_id AS facilityId, week, category, sum(n) AS n, sum(k) AS k FROM trend_categories WHERE week >= ?1 GROUP BY 1, 2, 3`),
    q(`SELECT r.facility_id AS facilityId, ${sqlMondayOf('r.received_day')} AS week, r.status, r.send_to AS sendTo, count(*) AS n, sum(r.record_key) AS k
         ${FROM_TODAY} GROUP BY 1, 2, 3, 4`),
    q(`SELECT r.facility_id AS facilityId, ${sqlMondayOf('r.received_day')} AS week, coalesce(c.category, '${UNCLASSIFIED}') AS category, count(*) AS n, sum(r.record_key) AS k
         ${FROM_TODAY.replace('WHERE', 'LEFT JOIN report_categories c ON c.report_id = r.id WHERE')} GROUP BY 1, 2, 3`),
    // The clocks, in one pass over the reports to the company: each report's class for
    // acknowledging, answering and closing (in time, late, overdue, still within the deadline),
    // with the days each acknowledgement and closing took, for the medians. (OFFSET 0 keeps
    // SQLite from inlining the inner query, so each day is parsed once.)
    q(`SELECT c.facility_id AS facilityId, c.week,
              ${sqlClockOutcome('c.first_reply_day', 'c.received_day', 'c.ack_days', '?3')} AS ack,
              ${sqlClockOutcome('c.answer_day', 'c.received_day', 'c.answer_days', '?3')} AS answer,
              ${sqlClockOutcome('c.closed_day', 'c.received_day', 'c.close_days', '?3')} AS close,
              count(*) AS n, sum(c.record_key) AS k, group_concat(c.ack) AS ackDays, group_concat(c.close) AS closeDays
         FROM (SELECT facility_id, week, record_key, received_day, first_reply_day, answer_day, closed_day,
                      CAST(julianday(first_reply_day) - jr AS INTEGER) AS ack, CAST(julianday(closed_day) - jr AS INTEGER) AS close,
                      ack_days, answer_days, close_days
                 FROM (SELECT r.facility_id, ${sqlMondayOf('r.received_day')} AS week, r.record_key, julianday(r.received_day) AS jr,
                              r.received_day, r.first_reply_day, a.day AS answer_day, r.closed_day, f.ack_days, f.answer_days, f.close_days
                         FROM facilities f CROSS JOIN reports r INDEXED BY reports_by_facility_clock ON r.facility_id = f.id
                         LEFT JOIN report_answers a ON a.facility_id = r.facility_id AND a.received_day = r.received_day AND a.report_id = r.id
                        WHERE r.received_day BETWEEN ?1 AND ?2 AND ${COMPANY_CHANNEL}
                        LIMIT -1 OFFSET 0)) c
        GROUP BY 1, 2, 3, 4, 5`),
    // Never opened: still 'new', never replied to, and never decrypted by a monitor (no 'view' of
    // it in the audit log). Whatever the date range: an old report nobody opened is the point.
    q(`SELECT r.facility_id AS facilityId,
              CASE WHEN ${days('?4', 'r.received_day')} <= 7 THEN 'week'
                   WHEN ${days('?4', 'r.received_day')} <= 30 THEN 'month'
                   WHEN ${days('?4', 'r.received_day')} <= 90 THEN 'quarter' ELSE 'older' END AS bucket,
              count(*) AS n, sum(r.record_key) AS k
         FROM reports r INDEXED BY reports_unopened
        WHERE r.status = 'new' AND ${COMPANY_CHANNEL} AND r.first_reply_day IS NULL AND r.received_day < ?3
          AND CASE WHEN r.erased_day IS NULL
                   THEN NOT EXISTS (SELECT 1 FROM audit_log a INDEXED BY audit_log_views
                                     WHERE a.report_id = r.id AND a.action = 'view' AND a.role = 'monitor' AND a.outcome = 'ok')
                   ELSE r.monitor_viewed = 0 END -- an erased case's tombstone kept whether it had been opened
        GROUP BY 1, 2`),
  ]);
  const rows = <T>(i: number) => results[i]!.results as T[];
  return {
    today,
    weeks,
    facilities: rows(0),
    reports: rows(1),
    categories: rows(2),
    reportsFromToday: rows(3),
    categoriesFromToday: rows(4),
    clocks: rows(5),
    neverOpened: rows(6),
  };
}

export type Outcome = 'resolved' | 'referred' | 'not_substantiated' | 'open';
export const OUTCOMES: readonly Outcome[] = ['resolved', 'referred', 'not_substantiated', 'open'];
export type PublicAck = 'in_time' | 'late' | 'pending';
export const PUBLIC_ACK: readonly PublicAck[] = ['in_time', 'late', 'pending'];

export interface PublicData {
  today: string;
  months: string[];
  facilities: Array<Pick<FacilityInfo, 'id' | 'name' | 'state' | 'municipality' | 'sector'>>;
  cells: Array<{ facilityId: string; month: string; ack: PublicAck; outcome: Outcome; n: number; k: number }>;
  closeDays: Array<{ facilityId: string; month: string; days: number; n: number }>;
}

/**
 * The public page's reads: for the last 12 months up to yesterday, per facility and month, the
 * reports the company's channel received, by acknowledgement (in time, late or overdue, still within the
 * deadline) and outcome, and the days each closed case took.
 */
export async function loadPublicData(db: D1Database, lastMonth: string, today: string): Promise<PublicData> {
  const firstMonth = addMonths(lastMonth, -11);
  const [facilities, cells] = await db.batch([
    db.prepare(
      `SELECT f.id, f.name, f.state, f.municipality, f.sector FROM facilities f
        WHERE f.active = 1 OR EXISTS (SELECT 1 FROM reports r WHERE r.facility_id = f.id AND r.received_day >= ?1)
        ORDER BY f.name, f.id`,
    ).bind(`${firstMonth}-01`),
    // One pass: per facility, month, acknowledgement and outcome, how many, and the days each
    // closed case took (for the median).
    db.prepare(
      `SELECT r.facility_id AS facilityId, substr(r.received_day, 1, 7) AS month,
              -- The acknowledgement clock (src/domain/clocks.ts), late and overdue shown together (publicAck).
              replace(${sqlClockOutcome('r.first_reply_day', 'r.received_day', 'f.ack_days', '?3')}, 'overdue', 'late') AS ack,
              -- Sent to the authority (by the worker: src/domain/case-sides.ts REFERRAL) is an outcome of its own, though not a closing one.
              CASE WHEN r.status IN (${FINAL}, 'referred') THEN r.status ELSE 'open' END AS outcome,
              count(*) AS n, sum(r.record_key) AS k,
              group_concat(CASE WHEN r.status IN (${FINAL}) THEN ${days('r.closed_day', 'r.received_day')} END) AS closeDays
         FROM facilities f CROSS JOIN reports r INDEXED BY reports_by_facility_clock ON r.facility_id = f.id
        WHERE r.received_day BETWEEN ?1 AND ?2 AND ${COMPANY_CHANNEL}
        GROUP BY 1, 2, 3, 4`,
    ).bind(`${firstMonth}-01`, [lastDayOfMonth(lastMonth), addDays(today, -1)].sort()[0]!, today),
  ]);
  const months: string[] = [];
  for (let m = firstMonth; m <= lastMonth; m = addMonths(m, 1)) months.push(m);
  const rows = cells!.results as Array<PublicData['cells'][number] & { closeDays: string | null }>;
  const closeDays = new Map<string, { facilityId: string; month: string; days: number; n: number }>();
  for (const r of rows) {
    for (const v of r.closeDays?.split(',') ?? []) {
      const key = `${r.facilityId}|${r.month}|${v}`;
      const row = closeDays.get(key) ?? { facilityId: r.facilityId, month: r.month, days: Number(v), n: 0 };
      row.n++;
      closeDays.set(key, row);
    }
  }
  return {
    today,
    months,
    facilities: facilities!.results as PublicData['facilities'],
    cells: rows.map(({ closeDays: _, ...r }) => r),
    closeDays: [...closeDays.values()],
  };
}

/**
 * @module The trends' reads from D1: counts from the trend counters, clocks and "never opened"
 * from the reports, everything grouped in SQL and fetched in one batch per page. Raw counts:
 * nothing here may leave the server before src/trends/suppress.ts has seen it.
 */
import { addDays, FINAL_STATUSES } from '../domain/case';
import { median } from './tables';
import { UNCLASSIFIED } from './counters';
import { addMonths, lastDayOfMonth, mondayOf } from './weeks';

/** Facility sectors, as the admin CLI records them (scripts/keys.ts). */

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

export type ClockClass = 'in_time' | 'late' | 'overdue' | 'pending';
export const CLOCK_CLASSES: readonly ClockClass[] = ['in_time', 'late', 'overdue', 'pending'];
export type AgeBucket = 'week' | 'month' | 'quarter' | 'older';
export const AGE_BUCKETS: readonly AgeBucket[] = ['week', 'month', 'quarter', 'older'];

export interface DashboardData {
  today: string;
  /** Mondays of the first and last week shown. */
  from: string;
  to: string;
  facilities: FacilityInfo[];
  weekly: Array<{ week: string; status: string; sendTo: string; n: number }>;
  byFacility: Array<{ facilityId: string; sendTo: string; n: number }>;
  categoriesWeekly: Array<{ week: string; category: string; n: number }>;
  categoriesByFacility: Array<{ facilityId: string; category: string; n: number }>;
  /** Facility weeks flagged by the spike alert. */
  spikes: Array<{ facilityId: string; week: string }>;
  clocks: Array<{ facilityId: string; ack: ClockClass; answer: ClockClass; close: ClockClass; n: number }>;
  /** Median days to acknowledge and to close, per facility, and over all (facilityId null). */
  medians: Array<{ clock: 'ack' | 'close'; facilityId: string | null; median: number }>;
  neverOpened: Array<{ facilityId: string; bucket: AgeBucket; n: number }>;
}

/** Facilities in the selection. Parameters ?1 scope state, ?2 state, ?3 sector, ?4 facility id. */
const IN_SELECTION = `(?1 IS NULL OR f.state = ?1) AND (?2 IS NULL OR f.state = ?2) AND (?3 IS NULL OR f.sector = ?3) AND (?4 IS NULL OR f.id = ?4)`;

/** Reports the company's monitors receive: the clocks measure them (a report sent only to the authority never reaches them). */
const COMPANY_CHANNEL = `r.send_to IN ('monitor', 'both')`;

const FINAL = FINAL_STATUSES.map((s) => `'${s}'`).join(', ');

const days = (later: string, earlier: string) => `CAST(julianday(${later}) - julianday(${earlier}) AS INTEGER)`;

/**
 * A clock's class for a report, from whole days computed once per report (`c.<clock>` days to get
 * it done, NULL while not done; `c.age` days since it arrived): done in time, done late,
 * overdue, or still within its deadline.
 */
const clockClass = (done: string, limit: string) => `CASE
    WHEN ${done} IS NOT NULL THEN CASE WHEN ${done} <= ${limit} THEN 'in_time' ELSE 'late' END
    WHEN c.age > ${limit} THEN 'overdue' ELSE 'pending' END`;

/**
 * Every read the dashboard needs, in one D1 batch. Counts come from the trend counters; the clocks
 * from one pass over the range's reports to the company (the day of the first substantive answer,
 * the second reply, is kept in report_answers, in the same order). Covering indexes (migrations/0005_trends.sql)
 * and the join order (CROSS JOIN) are fixed, so the plan never depends on the planner's statistics.
 */
export async function loadDashboardData(db: D1Database, sel: Selection, range: { from: string; to: string }, today: string): Promise<DashboardData> {
  // Published figures stop at yesterday: a count that moved during the day would tell, to anyone
  // reloading the page, at what time (and in what order) reports arrived.
  const yesterday = addDays(today, -1);
  const lastDay = [addDays(range.to, 6), yesterday].sort()[0]!;
  const spikeFrom = addDays(range.from, -7 * SPIKE_WEEKS);
  const thisWeek = mondayOf(today);
  // ?7 is today as a Julian day number, so each report needs one date conversion less.
  const p = [sel.scopeState, sel.state ?? null, sel.sector ?? null, sel.facility ?? null, range.from, range.to, julianDay(today), lastDay, spikeFrom, today, thisWeek, addDays(thisWeek, 7)];
  // SQLite numbers parameters up to the highest ?N a statement uses: bind exactly that many.
  const q = (sql: string) => db.prepare(sql).bind(...p.slice(0, Math.max(...[...sql.matchAll(/\?(\d+)/g)].map((m) => Number(m[1])))));
  const COMPANY_REPORTS_IN_RANGE = `FROM facilities f CROSS JOIN reports r INDEXED BY reports_by_facility_clock ON r.facility_id = f.id
          WHERE ${IN_SELECTION} AND r.received_day BETWEEN ?5 AND ?8 AND ${COMPANY_CHANNEL}`;
  const TODAY_AT = (facility: string) => `SELECT count(*) FROM reports r INDEXED BY reports_by_facility_clock WHERE r.facility_id = ${facility} AND r.received_day >= ?10 AND r.received_day < ?12`;
  const counters = (table: string, weeks: string) => `FROM facilities f CROSS JOIN ${table} t ON t.facility_id = f.id WHERE ${IN_SELECTION} AND t.week BETWEEN ${weeks}`;
  const results = await db.batch([
    q(`SELECT f.id, f.name, f.state, f.municipality, f.sector, f.ack_days AS ackDays, f.answer_days AS answerDays, f.close_days AS closeDays
         FROM facilities f WHERE ${IN_SELECTION} ORDER BY f.name, f.id`),
    q(`SELECT t.week, t.status, t.send_to AS sendTo, sum(t.n) AS n ${counters('trend_reports', '?5 AND ?6')} GROUP BY 1, 2, 3`),
    q(`SELECT t.facility_id AS facilityId, t.send_to AS sendTo, sum(t.n) AS n ${counters('trend_reports', '?5 AND ?6')} GROUP BY 1, 2`),
    q(`SELECT t.week, t.category, sum(t.n) AS n ${counters('trend_categories', '?5 AND ?6')} GROUP BY 1, 2`),
    q(`SELECT t.facility_id AS facilityId, t.category, sum(t.n) AS n ${counters('trend_categories', '?5 AND ?6')} GROUP BY 1, 2`),
    // Spikes: weeks with at least SPIKE_MIN reports and SPIKE_FACTOR times the mean of the
    // SPIKE_WEEKS weeks before (weeks without reports count as zero).
    q(`WITH w AS (SELECT t.facility_id, t.week, sum(t.n) - CASE WHEN t.week = ?11 THEN (${TODAY_AT('t.facility_id')}) ELSE 0 END AS n
                    ${counters('trend_reports', '?9 AND ?6')} GROUP BY 1, 2),
            s AS (SELECT facility_id, week, n, sum(n) OVER (PARTITION BY facility_id ORDER BY julianday(week)
                    RANGE BETWEEN ${7 * SPIKE_WEEKS} PRECEDING AND 7 PRECEDING) AS trailing FROM w)
       SELECT facility_id AS facilityId, week FROM s
        WHERE week >= ?5 AND n >= ${SPIKE_MIN} AND n * ${SPIKE_WEEKS} >= ${SPIKE_FACTOR} * coalesce(trailing, 0) ORDER BY 1, 2`),
    // The clocks, in one pass over the range's reports to the company: each report's class for
    // acknowledging, answering and closing (in time, late, overdue, still within the deadline),
    // with the days each acknowledgement and closing took, for the medians. (OFFSET 0 keeps
    // SQLite from inlining the inner query, so each day is parsed once.)
    q(`SELECT c.facility_id AS facilityId,
              ${clockClass('c.ack', 'c.ack_days')} AS ack,
              ${clockClass('c.answer', 'c.answer_days')} AS answer,
              ${clockClass('c.close', 'c.close_days')} AS close,
              count(*) AS n, group_concat(c.ack) AS ackDays, group_concat(c.close) AS closeDays
         FROM (SELECT facility_id, ?7 - jr AS age, CAST(julianday(first_reply_day) - jr AS INTEGER) AS ack,
                      CAST(julianday(answer_day) - jr AS INTEGER) AS answer, CAST(julianday(closed_day) - jr AS INTEGER) AS close,
                      ack_days, answer_days, close_days
                 FROM (SELECT r.facility_id, julianday(r.received_day) AS jr, r.first_reply_day, a.day AS answer_day, r.closed_day,
                              f.ack_days, f.answer_days, f.close_days
                         ${COMPANY_REPORTS_IN_RANGE.replace('WHERE', `LEFT JOIN report_answers a
                           ON a.facility_id = r.facility_id AND a.received_day = r.received_day AND a.report_id = r.id WHERE`)}
                        LIMIT -1 OFFSET 0)) c
        GROUP BY 1, 2, 3, 4`),
    // Never opened: still 'new', never replied to, and never decrypted by a monitor (no 'view' of
    // it in the audit log). Whatever the date range: an old report nobody opened is the point.
    q(`SELECT r.facility_id AS facilityId,
              CASE WHEN ${days('?7', 'r.received_day')} <= 7 THEN 'week'
                   WHEN ${days('?7', 'r.received_day')} <= 30 THEN 'month'
                   WHEN ${days('?7', 'r.received_day')} <= 90 THEN 'quarter' ELSE 'older' END AS bucket,
              count(*) AS n
         FROM reports r INDEXED BY reports_unopened CROSS JOIN facilities f ON f.id = r.facility_id
        WHERE r.status = 'new' AND ${COMPANY_CHANNEL} AND r.first_reply_day IS NULL AND r.received_day < ?10 AND ${IN_SELECTION}
          AND NOT EXISTS (SELECT 1 FROM audit_log a INDEXED BY audit_log_views
                           WHERE a.report_id = r.id AND a.action = 'view' AND a.role = 'monitor' AND a.outcome = 'ok')
        GROUP BY 1, 2`),
    // This week's reports from today on (today's, and those sent this evening for tomorrow's first
    // release), to take back out of this week's counters: a count that moved on arrival would tell when.
    q(`SELECT r.facility_id AS facilityId, r.status, r.send_to AS sendTo, count(*) AS n
         FROM facilities f CROSS JOIN reports r INDEXED BY reports_by_facility_clock ON r.facility_id = f.id
        WHERE ${IN_SELECTION} AND r.received_day >= ?10 AND r.received_day < ?12 GROUP BY 1, 2, 3`),
    q(`SELECT r.facility_id AS facilityId, coalesce(c.category, '${UNCLASSIFIED}') AS category, count(*) AS n
         FROM facilities f CROSS JOIN reports r INDEXED BY reports_by_facility_clock ON r.facility_id = f.id
         LEFT JOIN report_categories c ON c.report_id = r.id
        WHERE ${IN_SELECTION} AND r.received_day >= ?10 AND r.received_day < ?12 GROUP BY 1, 2`),
  ]);
  const rows = <T>(i: number) => results[i]!.results as T[];
  const clocks = rows<DashboardData['clocks'][number] & { ackDays: string | null; closeDays: string | null }>(6);
  // This week's counters less today's reports (if this week is shown at all).
  const inRange = thisWeek >= range.from && thisWeek <= range.to;
  const todays = inRange ? rows<{ facilityId: string; status: string; sendTo: string; n: number }>(8) : [];
  const todaysCategories = inRange ? rows<{ facilityId: string; category: string; n: number }>(9) : [];
  const less = <R extends { n: number }>(list: R[], matches: (r: R, t: (typeof todays)[number]) => boolean) => {
    for (const t of todays) {
      const r = list.find((x) => matches(x, t));
      if (r) r.n -= t.n;
    }
    return list;
  };
  const lessCategories = <R extends { n: number; category: string }>(list: R[], matches: (r: R, t: (typeof todaysCategories)[number]) => boolean) => {
    for (const t of todaysCategories) {
      const r = list.find((x) => x.category === t.category && matches(x, t));
      if (r) r.n -= t.n;
    }
    return list;
  };
  return {
    today,
    from: range.from,
    to: range.to,
    facilities: rows(0),
    weekly: less(rows<DashboardData['weekly'][number]>(1), (r, t) => r.week === thisWeek && r.status === t.status && r.sendTo === t.sendTo),
    byFacility: less(rows<DashboardData['byFacility'][number]>(2), (r, t) => r.facilityId === t.facilityId && r.sendTo === t.sendTo),
    categoriesWeekly: lessCategories(rows<DashboardData['categoriesWeekly'][number]>(3), (r) => r.week === thisWeek),
    categoriesByFacility: lessCategories(rows<DashboardData['categoriesByFacility'][number]>(4), (r, t) => r.facilityId === t.facilityId),
    spikes: rows(5),
    clocks: clocks.map(({ ackDays: _a, closeDays: _c, ...r }) => r),
    medians: medians(clocks),
    neverOpened: rows(7),
  };
}

/** Median days to acknowledge and to close, per facility and over all, from the days each case took. */
function medians(rows: Array<{ facilityId: string; ackDays: string | null; closeDays: string | null }>): DashboardData['medians'] {
  const histograms = new Map<string, Map<number, number>>();
  const add = (key: string, list: string | null) => {
    if (!list) return;
    let h = histograms.get(key);
    if (!h) histograms.set(key, (h = new Map()));
    for (const v of list.split(',')) h.set(Number(v), (h.get(Number(v)) ?? 0) + 1);
  };
  for (const r of rows) {
    for (const facility of [r.facilityId, '']) {
      add(`ack|${facility}`, r.ackDays);
      add(`close|${facility}`, r.closeDays);
    }
  }
  return [...histograms].map(([key, h]) => {
    const [clock, facilityId] = key.split('|') as ['ack' | 'close', string];
    return { clock, facilityId: facilityId || null, median: median(h)! };
  });
}

export type Outcome = 'resolved' | 'referred' | 'not_substantiated' | 'open';
export const OUTCOMES: readonly Outcome[] = ['resolved', 'referred', 'not_substantiated', 'open'];
export type PublicAck = 'in_time' | 'late' | 'pending';
export const PUBLIC_ACK: readonly PublicAck[] = ['in_time', 'late', 'pending'];

export interface PublicData {
  today: string;
  months: string[];
  facilities: Array<Pick<FacilityInfo, 'id' | 'name' | 'state' | 'municipality' | 'sector'>>;
  cells: Array<{ facilityId: string; month: string; ack: PublicAck; outcome: Outcome; n: number }>;
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
              CASE WHEN r.first_reply_day IS NOT NULL AND ${days('r.first_reply_day', 'r.received_day')} <= f.ack_days THEN 'in_time'
                   WHEN r.first_reply_day IS NOT NULL OR ${days('?3', 'r.received_day')} > f.ack_days THEN 'late'
                   ELSE 'pending' END AS ack,
              CASE WHEN r.status IN (${FINAL}) THEN r.status ELSE 'open' END AS outcome,
              count(*) AS n,
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

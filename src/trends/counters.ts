/**
 * @module Trend counters (migrations/0005_trends.sql): the statements that keep them exact, meant
 * to run inside the D1 batch of the write they count, so a report and its counts commit or fail
 * together; the day of a case's first substantive answer, kept the same way; and a full recount,
 * to check the counters and to rebuild them. Each counter also keeps `k`, the sum of its reports'
 * record keys modulo 2^32 (src/trends/cellkey.ts), moved with the count.
 */
import { sqlMondayOf } from './weeks';

/** A prepared D1 statement (named through D1Database, which Node scripts also know). */
type Statement = ReturnType<D1Database['prepare']>;

/** The category code mail reports (which carry none) are counted under. */
export const UNCLASSIFIED = 'unclassified';

const M = 4294967296; // 2^32, the record keys' modulus

const BUMP_REPORTS = `
  INSERT INTO trend_reports (facility_id, week, status, send_to, channel, n, k)
  VALUES (?1, ${sqlMondayOf('?2')}, 'new', ?3, ?4, 1, ?6)
  ON CONFLICT (facility_id, week, status, send_to, channel) DO UPDATE SET n = n + 1, k = (k + excluded.k) % ${M}`;

const BUMP_CATEGORY = `
  INSERT INTO trend_categories (facility_id, week, category, send_to, channel, n, k)
  VALUES (?1, ${sqlMondayOf('?2')}, ?5, ?3, ?4, 1, ?6)
  ON CONFLICT (facility_id, week, category, send_to, channel) DO UPDATE SET n = n + 1, k = (k + excluded.k) % ${M}`;

/**
 * Counts a new report (status 'new'): one report, one mention per category, each with the report's
 * random record key (newRecordKey), which the report's own INSERT stores. For storeReport's batch.
 */
export function countNewReport(
  db: D1Database,
  r: { id: string; facilityId: string; receivedDay: string; sendTo: string; channel: string; categories: readonly string[] },
  recordKey: number,
): Statement[] {
  const categories = r.categories.length ? [...new Set(r.categories)] : [UNCLASSIFIED];
  return [
    db.prepare(BUMP_REPORTS).bind(r.facilityId, r.receivedDay, r.sendTo, r.channel, null, recordKey),
    ...categories.map((c) => db.prepare(BUMP_CATEGORY).bind(r.facilityId, r.receivedDay, r.sendTo, r.channel, c, recordKey)),
  ];
}

/**
 * Moves a report's count from one status to another. Both statements read the report itself and
 * act only if it still has the `from` status, so they must run in the same batch as, and before,
 * the UPDATE that changes it: a triage that lost a race to another changes no count.
 */
export function countStatusChange(db: D1Database, reportId: string, from: string, to: string): Statement[] {
  const week = sqlMondayOf('r.received_day');
  return [
    db
      .prepare(
        `UPDATE trend_reports SET n = n - 1, k = (k + ${M} - (SELECT record_key FROM reports WHERE id = ?1)) % ${M}
          WHERE (facility_id, week, status, send_to, channel) =
                (SELECT r.facility_id, ${week}, r.status, r.send_to, r.channel FROM reports r WHERE r.id = ?1 AND r.status = ?2)`,
      )
      .bind(reportId, from),
    db
      .prepare(
        `INSERT INTO trend_reports (facility_id, week, status, send_to, channel, n, k)
         SELECT r.facility_id, ${week}, ?3, r.send_to, r.channel, 1, r.record_key FROM reports r WHERE r.id = ?1 AND r.status = ?2
         ON CONFLICT (facility_id, week, status, send_to, channel) DO UPDATE SET n = n + 1, k = (k + excluded.k) % ${M}`,
      )
      .bind(reportId, from, to),
  ];
}

/**
 * Records the first substantive answer, the lead side's second reply to the worker, so the clocks read it
 * without searching each case's thread. For storeMessage's batch, after the message row: it acts
 * only once the case has two replies, and only the first time.
 */
export function recordAnswerDay(db: D1Database, reportId: string, day: string, authorRole: string): Statement {
  // Only the lead side's replies count (src/domain/case-sides.ts): on a case sent to both, the company's.
  return db
    .prepare(
      `INSERT INTO report_answers (facility_id, received_day, report_id, day)
       SELECT r.facility_id, r.received_day, r.id, ?2 FROM reports r
        WHERE r.id = ?1 AND (SELECT count(*) FROM messages m WHERE m.report_id = ?1 AND m.kind = 'reply' AND m.author_role = ?3) >= 2
       ON CONFLICT DO NOTHING`,
    )
    .bind(reportId, day, authorRole);
}

/** What the report counters should hold, counted from the reports themselves. */
export const RECOUNT_REPORTS = `
  SELECT facility_id, ${sqlMondayOf('received_day')} AS week, status, send_to, channel, count(*) AS n, sum(record_key) % ${M} AS k
    FROM reports GROUP BY 1, 2, 3, 4, 5`;

/** What the category counters should hold. */
export const RECOUNT_CATEGORIES = `
  SELECT r.facility_id, ${sqlMondayOf('r.received_day')} AS week, coalesce(c.category, '${UNCLASSIFIED}') AS category,
         r.send_to, r.channel, count(*) AS n, sum(r.record_key) % ${M} AS k
    FROM reports r LEFT JOIN report_categories c ON c.report_id = r.id GROUP BY 1, 2, 3, 4, 5`;

/** The statements that rebuild every counter from the reports, for one batch. */
export function rebuildTrendCounterStatements(db: D1Database): Statement[] {
  return [
    db.prepare('DELETE FROM trend_reports'),
    db.prepare('DELETE FROM trend_categories'),
    db.prepare(`INSERT INTO trend_reports (facility_id, week, status, send_to, channel, n, k) ${RECOUNT_REPORTS}`),
    db.prepare(`INSERT INTO trend_categories (facility_id, week, category, send_to, channel, n, k) ${RECOUNT_CATEGORIES}`),
  ];
}

/** Rebuilds every counter from the reports, in one batch (after a bulk import or a restore). */
export async function rebuildTrendCounters(db: D1Database): Promise<void> {
  await db.batch(rebuildTrendCounterStatements(db));
}

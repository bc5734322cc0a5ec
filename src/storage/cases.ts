/**
 * @module Cases as readers see them: scoped lists and one case (its thread: ./messages.ts; triage: ./triage.ts).
 *
 * Scope is decided in SQL from the reader's key: a monitor sees the reports of the facilities
 * they serve that the worker sent to the company's monitor; an official sees the reports a
 * worker sent to the authority, in their jurisdiction. A report sent only to the authority does
 * not exist for the company: not even its day or categories show in a monitor's list.
 *
 * Readers see only what has been released (src/domain/release.ts): every read below takes the last
 * release that has passed, and a report or answer stamped with a later one does not exist for them,
 * not even as a count. Inside a release the order is the random id, which says nothing about arrival.
 */
import { copiesOf } from './shared-keys';
import { unseenAnswers } from './case-reads';
import type { Status } from '../domain/case';
import type { SideState } from '../domain/case-sides';
import { authorityColumn, CASE_CLOSED_DAY, companyColumn, ownColumn, ownReceivedDay, ownRelease, sideAnswerDay } from './case-sides';
import { sqlClockOutcome } from '../domain/clocks';
import type { ReaderSession } from '../contract/console-responses';
import type { CaseSummary } from '../contract/responses';


interface CaseRow extends Omit<CaseSummary, 'categories' | 'tags' | 'sides' | 'clockFacts' | 'deadlines' | 'sealedAlso'> {
  answeredDay: string | null;
  ackDays: number;
  answerDays: number;
  closeDays: number;
  sealedAlso: string | null;
  categories: string | null;
  tags: string | null;
  companyStatus: Status | null;
  companyFirstReplyDay: string | null;
  companyClosedDay: string | null;
  authorityStatus: Status | null;
  authorityFirstReplyDay: string | null;
  authorityClosedDay: string | null;
}

const toSummary = (r: CaseRow): CaseSummary => {
  const { companyStatus, companyFirstReplyDay, companyClosedDay, authorityStatus, authorityFirstReplyDay, authorityClosedDay, answeredDay, ackDays, answerDays, closeDays, ...rest } = r;
  const sides: SideState[] = [];
  if (companyStatus) sides.push({ side: 'company', status: companyStatus, firstReplyDay: companyFirstReplyDay, closedDay: companyClosedDay });
  if (authorityStatus) sides.push({ side: 'authority', status: authorityStatus, firstReplyDay: authorityFirstReplyDay, closedDay: authorityClosedDay });
  return {
    ...rest,
    sides,
    // The reader's own side's clocks run from the day the case was released to that side (its own
    // received day: an official's is the release after the worker widened the case; src/domain/clocks.ts).
    clockFacts: { startDay: r.receivedDay, acknowledgedDay: r.firstReplyDay, answeredDay, closedDay: r.closedDay },
    deadlines: { acknowledge: ackDays, answer: answerDays, close: closeDays },
    sealedAlso: r.sealedAlso ? (JSON.parse(r.sealedAlso) as string[]) : [],
    categories: r.categories ? r.categories.split(',').sort() : [],
    tags: r.tags ? r.tags.split(',').sort() : [],
  };
};

/** One side's columns, as CaseRow names them; the authority's only for officials (?1 is the reader's role). */
const sideSelect = () => `
  ${companyColumn('status')} AS companyStatus, ${companyColumn('first_reply_day')} AS companyFirstReplyDay,
  ${companyColumn('closed_day')} AS companyClosedDay,
  CASE WHEN ?1 = 'official' THEN ${authorityColumn('status')} END AS authorityStatus,
  CASE WHEN ?1 = 'official' THEN ${authorityColumn('first_reply_day')} END AS authorityFirstReplyDay,
  CASE WHEN ?1 = 'official' THEN ${authorityColumn('closed_day')} END AS authorityClosedDay,`;

/** Reports a reader may see (never an erased case's tombstone). Parameters ?1 = role, ?2 = key id. */
const IN_SCOPE = `r.erased_day IS NULL AND (
  (?1 = 'monitor' AND r.send_to IN ('monitor', 'both')
      AND r.facility_id IN (SELECT rf.facility_id FROM recipient_facilities rf WHERE rf.key_id = ?2))
  OR (?1 = 'official' AND r.send_to IN ('authority', 'both') AND EXISTS (
      SELECT 1 FROM recipients x WHERE x.key_id = ?2 AND (x.scope_state IS NULL OR x.scope_state = f.state)))
)`;

/** The worker's answers released and not yet seen by reader ?2 (src/storage/case-reads.ts). */
const newAnswersBy = (released: string) => unseenAnswers('?2', released);

/** The last day the worker saw or did something on the case: a reply to them, or their released answer. */
export const activityDay = (released: string) => `max(coalesce(r.last_activity_day, r.received_day),
  coalesce((SELECT max(m.day) FROM messages m WHERE m.report_id = r.id AND m.kind = 'answer' AND m.release_at <= ${released}), ''))`;

/** The columns of a CaseRow, and `extra` ones after them, for reports r of facilities f. */
const selectCase = (released: string, extra = '') => `
  SELECT r.id, r.facility_id AS facilityId, f.name AS facilityName, r.channel, r.send_to AS sendTo,
         ${newAnswersBy(released)} AS newAnswers,
         ${ownReceivedDay()} AS receivedDay, ${ownColumn('status')} AS status, ${ownColumn('severity')} AS severity,
         CASE WHEN ?1 = 'monitor' THEN r.assignee END AS assignee, ${ownColumn('first_reply_day')} AS firstReplyDay,
         ${ownColumn('closed_day')} AS closedDay, ${sideAnswerDay('?1')} AS answeredDay,
         f.ack_days AS ackDays, f.answer_days AS answerDays, f.close_days AS closeDays, ${sideSelect()} r.hold_reason AS holdReason,
         CASE WHEN ?1 = 'official' THEN r.hold_reference END AS holdReference, CASE WHEN ?1 = 'official' THEN r.hold_note END AS holdNote,
         r.keep_until AS keepUntil, ${activityDay(released)} AS lastActivityDay,
         f.retention_closed_days AS retentionClosedDays, f.retention_idle_days AS retentionIdleDays,
         (SELECT group_concat(category) FROM report_categories c WHERE c.report_id = r.id) AS categories,
         (SELECT group_concat(tag) FROM report_tags t WHERE t.report_id = r.id) AS tags,
         w.sealed, ${copiesOf('r.id', 'r.id', '?2')} AS sealedAlso${extra}
    FROM reports r
    JOIN facilities f ON f.id = r.facility_id
    LEFT JOIN wrapped_keys w ON w.report_id = r.id AND w.message_id = r.id AND w.key_id = ?2`;

export interface CaseFilter {
  status?: Status;
  category?: string;
  facility?: string;
  overdue?: boolean;
  /** Only cases with answers from the worker this reader has not seen. */
  newAnswers?: boolean;
  /** Only cases on legal hold. */
  held?: boolean;
  today: string;
  /** The last release that has passed: nothing stamped later is listed or counted. */
  released: string;
  limit: number;
  offset: number;
}

/** Newest release first; within a release the order is the random id, which says nothing about arrival. */
export async function listCases(db: D1Database, reader: ReaderSession, f: CaseFilter): Promise<{ cases: CaseSummary[]; total: number; withNewAnswers: number }> {
  const where = [IN_SCOPE];
  const params: unknown[] = [reader.role, reader.keyId];
  const param = (v: unknown) => {
    params.push(v);
    return `?${params.length}`;
  };
  const released = param(f.released);
  where.push(`${ownRelease()} <= ${released}`);
  if (f.status) where.push(`${ownColumn('status')} = ${param(f.status)}`);
  if (f.facility) where.push(`r.facility_id = ${param(f.facility)}`);
  if (f.category) where.push(`EXISTS (SELECT 1 FROM report_categories c WHERE c.report_id = r.id AND c.category = ${param(f.category)})`);
  if (f.overdue) where.push(`${sqlClockOutcome(ownColumn('first_reply_day'), ownReceivedDay(), 'f.ack_days', param(f.today))} = 'overdue'`);
  const newAnswers = newAnswersBy(released);
  const scoped = `${IN_SCOPE} AND ${ownRelease()} <= ${released}`;
  if (f.newAnswers) where.push(`${newAnswers} > 0`);
  if (f.held) where.push('r.hold_reason IS NOT NULL');
  const clause = where.join(' AND ');
  const counted = params.length;
  const [rows, count, unread] = await db.batch([
    db.prepare(`${selectCase(released)} WHERE ${clause} ORDER BY ${ownRelease()} DESC, r.id LIMIT ${param(f.limit)} OFFSET ${param(f.offset)}`).bind(...params),
    db.prepare(`SELECT count(*) AS n FROM reports r JOIN facilities f ON f.id = r.facility_id WHERE ${clause}`).bind(...params.slice(0, counted)),
    // Over the whole scope, whatever the filters: the count on the "new answers" filter.
    // Bound to exactly the parameters it names (role, key, release): D1 refuses a statement given more.
    db.prepare(`SELECT count(*) AS n FROM reports r JOIN facilities f ON f.id = r.facility_id WHERE ${scoped} AND ${newAnswers} > 0`).bind(...params.slice(0, 3)),
  ]);
  return {
    cases: (rows!.results as unknown as CaseRow[]).map(toSummary),
    total: (count!.results[0] as { n: number }).n,
    withNewAnswers: (unread!.results[0] as { n: number }).n,
  };
}

/** The worker's consent, for readers only once the widening took effect (a recorded one waits for its release: migrations/0028). */
const CONSENT_SHOWN = 'CASE WHEN r.widen_at IS NULL THEN r.widened_consent END';

export type CaseAccess =
  | {
      case: CaseSummary;
      bodyKey: string;
      mailboxBoxPk: string;
      /** The day the case closed as a whole, for its erase day (every side's, whoever reads). */
      caseClosedDay: string | null;
      /** The lead side's status as stored, which a status change moves from (src/trends/counters.ts). */
      leadStatus: Status;
      /** The worker's signed consent to the authority reading the case too (migrations/0025_referral.sql). */
      widenedConsent: string | null;
    }
  | 'missing';

/**
 * One case if the reader may see it. A case outside their scope, or not released yet, is
 * 'missing' exactly like one that never existed: a report sent only to the authority must not
 * exist for the company, and one still waiting for its release must not exist for anyone.
 */
export async function openCase(db: D1Database, reader: ReaderSession, id: string, released: string): Promise<CaseAccess> {
  const row = await db
    .prepare(
      `${selectCase('?4', `, r.body_key AS bodyKey, r.mailbox_box_pk AS mailboxBoxPk, ${CASE_CLOSED_DAY} AS caseClosedDay, r.status AS leadStatus, ${CONSENT_SHOWN} AS widenedConsent`)}
        WHERE r.id = ?3 AND ${ownRelease()} <= ?4 AND ${IN_SCOPE}`,
    )
    .bind(reader.role, reader.keyId, id, released)
    .first<CaseRow & { bodyKey: string; mailboxBoxPk: string; caseClosedDay: string | null; leadStatus: Status; widenedConsent: string | null }>();
  if (!row) return 'missing';
  const { bodyKey, mailboxBoxPk, caseClosedDay, leadStatus, widenedConsent, ...rest } = row;
  return { case: toSummary(rest), bodyKey, mailboxBoxPk, caseClosedDay, leadStatus, widenedConsent };
}

/** D1 binds at most 100 parameters per statement. */
const IDS_PER_STATEMENT = 90;

/** The body keys of the released cases, among ids, that the reader may see: one round trip for a whole page. */
export async function bodyKeysInScope(db: D1Database, reader: ReaderSession, ids: string[], released: string): Promise<Map<string, string>> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) chunks.push(ids.slice(i, i + IDS_PER_STATEMENT));
  const results = await db.batch(
    chunks.map((chunk) =>
      db
        .prepare(
          `SELECT r.id, r.body_key AS bodyKey FROM reports r JOIN facilities f ON f.id = r.facility_id
            WHERE r.id IN (${chunk.map((_, i) => `?${i + 4}`).join(', ')}) AND ${ownRelease()} <= ?3 AND ${IN_SCOPE}`,
        )
        .bind(reader.role, reader.keyId, released, ...chunk),
    ),
  );
  return new Map(results.flatMap((r) => (r.results as Array<{ id: string; bodyKey: string }>).map((row) => [row.id, row.bodyKey] as [string, string])));
}

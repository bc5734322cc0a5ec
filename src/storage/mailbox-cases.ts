/**
 * @module A case as its worker reaches it with the receipt code: found by its mailbox id, with what
 * the follow-up page shows (sides' statuses, retention) and the constancia's check and clocks.
 */
import type { Status } from '../domain/case';
import type { SendTo } from '../domain/case-sides';
import type { ClockFacts, Deadlines } from '../domain/clocks';
import { authorityColumn, CASE_CLOSED_DAY, companyColumn, sideAnswerDay } from './case-sides';
import { activityDay } from './cases';
import { KEPT_UNTIL } from './retention';

export interface MailboxCase {
  id: string;
  facilityId: string;
  sendTo: SendTo;
  receivedDay: string;
  signPk: string;
  bodyKey: string;
  /** The report's content key sealed to the mailbox (reports sent since format 2), so the worker can read what they sent. */
  reportSealed: string | null;
  /** The day the case closed as a whole: every side it went to (src/storage/case-sides.ts). */
  closedDay: string | null;
  companyStatus: Status | null;
  authorityStatus: Status | null;
  lastActivityDay: string | null;
  holdReason: string | null;
  /** The worker asked to keep the case until this day (migrations/0027), the ask still waiting for its release included (0028). */
  keepUntil: string | null;
  retentionClosedDays: number | null;
  retentionIdleDays: number | null;
  /** The worker's signed consent to the authority reading the case too, once they gave it (migrations/0025_referral.sql). */
  widenedConsent: string | null;
  /** The release the worker's widening takes effect at, while it waits for it (migrations/0028); null otherwise. */
  widenAt: string | null;
}

/** The case with this mailbox id, not erased nor asked by its worker to be (erase_at), its activity counted up to `released`; or null. */
export async function caseByMailbox(db: D1Database, mailboxId: string, released: string): Promise<MailboxCase | null> {
  return db
    .prepare(
      `SELECT r.id, r.facility_id AS facilityId, r.send_to AS sendTo, r.received_day AS receivedDay, r.mailbox_sign_pk AS signPk,
            r.body_key AS bodyKey, w.sealed AS reportSealed, ${CASE_CLOSED_DAY} AS closedDay, ${activityDay('?2')} AS lastActivityDay,
            ${companyColumn('status')} AS companyStatus, ${authorityColumn('status')} AS authorityStatus,
            r.hold_reason AS holdReason, ${KEPT_UNTIL} AS keepUntil, r.widened_consent AS widenedConsent, r.widen_at AS widenAt,
            f.retention_closed_days AS retentionClosedDays, f.retention_idle_days AS retentionIdleDays
       FROM reports r JOIN facilities f ON f.id = r.facility_id
       LEFT JOIN wrapped_keys w ON w.report_id = r.id AND w.message_id = r.id AND w.key_id = 'mailbox'
      WHERE r.mailbox_id = ?1 AND r.erased_day IS NULL AND r.erase_at IS NULL`,
    )
    .bind(mailboxId, released)
    .first<MailboxCase>();
}

/** The lead side's answer day: the report's own columns hold the lead side (src/domain/case-sides.ts). */
const LEAD_ANSWER_DAY = sideAnswerDay(`(CASE r.send_to WHEN 'authority' THEN 'official' ELSE 'monitor' END)`);

/** What a constancia is signed with and shown beside: the case's constancia check and the facts of the lead side's clocks. */
export interface ConstanciaFacts {
  check: string | null;
  clockFacts: ClockFacts;
  deadlines: Deadlines;
}

/**
 * Keeps `check` as the case's constancia check if it has none yet (a report stored before
 * constancias takes the first key proven with its code), and reads the check it has now with the
 * clocks' facts, in one batch.
 */
export async function keepConstanciaCheck(db: D1Database, reportId: string, check: string): Promise<ConstanciaFacts> {
  const [, row] = await db.batch([
    db.prepare('UPDATE reports SET constancia_check = coalesce(constancia_check, ?2) WHERE id = ?1').bind(reportId, check),
    db
      .prepare(
        `SELECT r.constancia_check AS "check", r.received_day AS startDay, r.first_reply_day AS acknowledgedDay, ${LEAD_ANSWER_DAY} AS answeredDay,
                r.closed_day AS closedDay, f.ack_days AS acknowledge, f.answer_days AS answer, f.close_days AS close
           FROM reports r JOIN facilities f ON f.id = r.facility_id WHERE r.id = ?1`,
      )
      .bind(reportId),
  ]);
  const r = row!.results[0] as ClockFacts & Deadlines & { check: string | null };
  return {
    check: r.check,
    clockFacts: { startDay: r.startDay, acknowledgedDay: r.acknowledgedDay, answeredDay: r.answeredDay, closedDay: r.closedDay },
    deadlines: { acknowledge: r.acknowledge, answer: r.answer, close: r.close },
  };
}

/**
 * @module A case as its worker reaches it with the receipt code: found by its mailbox id, with what
 * the follow-up page shows (sides' statuses, retention) and the constancia's check and clocks.
 */
import type { Status } from '../domain/case';
import type { SendTo } from '../domain/case-sides';
import { authorityColumn, CASE_CLOSED_DAY, companyColumn } from './case-sides';
import { activityDay } from './cases';

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
  retentionClosedDays: number | null;
  retentionIdleDays: number | null;
  /** The worker's signed consent to the authority reading the case too, once they gave it (migrations/0025_referral.sql). */
  widenedConsent: string | null;
}

/** The case with this mailbox id, not erased nor asked by its worker to be (erase_at), its activity counted up to `released`; or null. */
export async function caseByMailbox(db: D1Database, mailboxId: string, released: string): Promise<MailboxCase | null> {
  return db
    .prepare(
      `SELECT r.id, r.facility_id AS facilityId, r.send_to AS sendTo, r.received_day AS receivedDay, r.mailbox_sign_pk AS signPk,
            r.body_key AS bodyKey, w.sealed AS reportSealed, ${CASE_CLOSED_DAY} AS closedDay, ${activityDay('?2')} AS lastActivityDay,
            ${companyColumn('status')} AS companyStatus, ${authorityColumn('status')} AS authorityStatus,
            r.hold_reason AS holdReason, r.widened_consent AS widenedConsent, f.retention_closed_days AS retentionClosedDays, f.retention_idle_days AS retentionIdleDays
       FROM reports r JOIN facilities f ON f.id = r.facility_id
       LEFT JOIN wrapped_keys w ON w.report_id = r.id AND w.message_id = r.id AND w.key_id = 'mailbox'
      WHERE r.mailbox_id = ?1 AND r.erased_day IS NULL AND r.erase_at IS NULL`,
    )
    .bind(mailboxId, released)
    .first<MailboxCase>();
}

/** What a constancia is signed with and shown beside: the case's constancia check and the facts of its two clocks. */
export interface ConstanciaFacts {
  check: string | null;
  firstReplyDay: string | null;
  answerDay: string | null;
  ackDays: number;
  answerDays: number;
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
        `SELECT r.constancia_check AS "check", r.first_reply_day AS firstReplyDay, a.day AS answerDay, f.ack_days AS ackDays, f.answer_days AS answerDays
           FROM reports r JOIN facilities f ON f.id = r.facility_id LEFT JOIN report_answers a ON a.report_id = r.id WHERE r.id = ?1`,
      )
      .bind(reportId),
  ]);
  return row!.results[0] as ConstanciaFacts;
}

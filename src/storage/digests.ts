/**
 * @module The daily digest's figures in D1: for each active reader with a notification address not
 * yet notified today, the counts of their scope's new reports, unseen answers, coming erasures and
 * overdue clocks (src/notify/digest.ts sends them).
 */
import { addDays } from '../domain/case';
import { CLOCK_NAMES, sqlClockOutcome, type ClockName } from '../domain/clocks';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../domain/retention';
import { unseenAnswers } from './case-reads';
import { ownColumn, ownReceivedDay, ownRelease, sideAnswerDay } from './case-sides';
import { dueBy } from './retention';

export interface DueDigest {
  keyId: string;
  address: string;
  count: number;
  /** Cases in scope with an answer from the worker this reader has not seen. */
  answers: number;
  /** Cases in scope that retention erases within the next ERASE_WARNING_DAYS. */
  erasing: number;
  /** Cases in scope still open on the reader's side, by the clock of theirs that is overdue (src/domain/clocks.ts). */
  overdue: Record<ClockName, number>;
}

/** How far ahead the digest warns of erasures (docs/privacy.md). */
export const ERASE_WARNING_DAYS = 14;

/** The reports (r, at facility f) reader m may read: its plants' for a monitor, its state's for an official. */
const READABLE_BY_M = `FROM reports r JOIN facilities f ON f.id = r.facility_id
   WHERE CASE m.role WHEN 'monitor' THEN r.send_to IN ('monitor', 'both')
                AND r.facility_id IN (SELECT rf.facility_id FROM recipient_facilities rf WHERE rf.key_id = m.key_id)
              ELSE r.send_to IN ('authority', 'both') AND (m.scope_state IS NULL OR f.state = m.scope_state) END`;

/**
 * Cases reader m may read that are due for erasure by ?4, with the default closed (?5) and idle (?6)
 * days, as readers see them: a worker's keep counts from its release (src/storage/held-actions.ts).
 */
const ERASING_SOON = `(SELECT count(*) ${READABLE_BY_M}
     AND ${ownRelease('m.role')} <= ?3 AND ${dueBy('?4', '?5', '?6', 'r.keep_until')})`;

/**
 * Released cases reader m may read, still open on m's side, whose clock `name` on that side is
 * overdue on ?1, by the one definition (src/domain/clocks.ts): m's role names the side.
 */
const overdueOn = (name: ClockName) => {
  const stop = { acknowledge: ownColumn('first_reply_day', 'm.role'), answer: sideAnswerDay('m.role'), close: ownColumn('closed_day', 'm.role') }[name];
  const days = { acknowledge: 'f.ack_days', answer: 'f.answer_days', close: 'f.close_days' }[name];
  // An official's side starts at its own release (a case the worker widened later: migrations/0025_referral.sql).
  return `(SELECT count(*) ${READABLE_BY_M} AND ${ownRelease('m.role')} <= ?3 AND r.erased_day IS NULL AND ${ownColumn('closed_day', 'm.role')} IS NULL
     AND ${sqlClockOutcome(stop, ownReceivedDay('m.role'), days, '?1')} = 'overdue')`;
};

/** Cases reader m may read with released answers it has not seen; ?3 is the last release. */
const WITH_NEW_ANSWERS = `(SELECT count(*) ${READABLE_BY_M} AND ${ownRelease('m.role')} <= ?3 AND ${unseenAnswers('m.key_id', '?3')} > 0)`;

/**
 * Readers not yet notified today, with the reports they may read received from their last digest
 * day (or yesterday, the first time) up to yesterday. Reports arriving today count tomorrow.
 * A monitor counts its facilities' reports sent to monitors; an official, those sent to the
 * authority in its state (or everywhere).
 */
export async function dueDigests(db: D1Database, today: string, released: string, policy: RetentionPolicy = DEFAULT_RETENTION): Promise<DueDigest[]> {
  const { results } = await db
    .prepare(
      `SELECT m.key_id AS keyId, m.notify_email AS address,
              CASE m.role WHEN 'monitor' THEN
                (SELECT count(*) FROM reports r
                   JOIN recipient_facilities rf ON rf.facility_id = r.facility_id AND rf.key_id = m.key_id
                  WHERE r.send_to IN ('monitor', 'both')
                    AND r.received_day >= coalesce(m.last_digest_day, ?2) AND r.received_day < ?1)
              ELSE
                (SELECT count(*) FROM reports r JOIN facilities f ON f.id = r.facility_id
                  WHERE r.send_to IN ('authority', 'both') AND (m.scope_state IS NULL OR f.state = m.scope_state)
                    AND ${ownReceivedDay("'official'")} >= coalesce(m.last_digest_day, ?2) AND ${ownReceivedDay("'official'")} < ?1)
              END AS count,
              ${WITH_NEW_ANSWERS} AS answers,
              ${ERASING_SOON} AS erasing,
              ${CLOCK_NAMES.map((n) => `${overdueOn(n)} AS overdue_${n}`).join(', ')}
         FROM recipients m
        WHERE m.status = 'active' AND m.notify_email IS NOT NULL
          AND (m.last_digest_day IS NULL OR m.last_digest_day < ?1)
        ORDER BY m.key_id`,
    )
    .bind(today, addDays(today, -1), released, addDays(today, ERASE_WARNING_DAYS), policy.closedDays, policy.idleDays)
    .all<Omit<DueDigest, 'overdue'> & Record<`overdue_${ClockName}`, number>>();
  return results.map(({ overdue_acknowledge, overdue_answer, overdue_close, ...d }) => ({
    ...d,
    overdue: { acknowledge: overdue_acknowledge, answer: overdue_answer, close: overdue_close },
  }));
}

/** The reader got today's digest: it is not due again until tomorrow. */
export async function markDigestSent(db: D1Database, keyId: string, today: string): Promise<void> {
  await db.prepare('UPDATE recipients SET last_digest_day = ?2 WHERE key_id = ?1').bind(keyId, today).run();
}

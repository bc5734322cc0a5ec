/**
 * @module The cases `npm run decrypt` opens for a key: read from D1 with the key holder's own side's
 * status and clock facts (src/storage/case-sides.ts, src/domain/clocks.ts). No Node imports, so the
 * worker tests read exactly what the terminal reads.
 */
import { ownColumn, ownReceivedDay, sideAnswerDay } from '../../src/storage/case-sides';
import { copiesOf } from '../../src/storage/shared-keys';

export interface CaseRow {
  id: string;
  facilityId: string;
  receivedDay: string;
  channel: string;
  status: string;
  bodyKey: string;
  sealed: string;
  /** Copies of the key other readers shared beside it, as a JSON array (src/storage/shared-keys.ts): any may be garbage. */
  sealedAlso: string | null;
  /** The key holder's own side's clock facts and the plant's deadlines (src/domain/clocks.ts). */
  acknowledgedDay: string | null;
  answeredDay: string | null;
  closedDay: string | null;
  ackDays: number;
  answerDays: number;
  closeDays: number;
}

const ROLE = '(SELECT role FROM recipients WHERE key_id = ?1)';

/** The cases sealed to this key, newest first (or just one). */
export async function casesFor(db: D1Database, keyId: string, onlyReport?: string): Promise<CaseRow[]> {
  const { results } = await db
    .prepare(
      // The status of the key holder's own side of the case (src/domain/case-sides.ts).
      // An official's received day is the day the authority got the case (a case the worker widened later: migrations/0025_referral.sql);
      // the side's clocks start from it.
      `SELECT r.id, r.facility_id AS facilityId, ${ownReceivedDay(ROLE)} AS receivedDay, r.channel,
              ${ownColumn('status', ROLE)} AS status, r.body_key AS bodyKey, w.sealed, ${copiesOf('r.id', 'r.id', '?1')} AS sealedAlso,
              ${ownColumn('first_reply_day', ROLE)} AS acknowledgedDay, ${sideAnswerDay(ROLE)} AS answeredDay, ${ownColumn('closed_day', ROLE)} AS closedDay,
              f.ack_days AS ackDays, f.answer_days AS answerDays, f.close_days AS closeDays
         FROM reports r JOIN facilities f ON f.id = r.facility_id JOIN wrapped_keys w ON w.report_id = r.id AND w.message_id = r.id
        WHERE w.key_id = ?1 AND (?2 IS NULL OR r.id = ?2)
        ORDER BY r.received_day DESC, r.id`,
    )
    .bind(keyId, onlyReport ?? null)
    .all<CaseRow>();
  return results;
}

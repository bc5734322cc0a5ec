/**
 * @module The cases `npm run decrypt` opens for a key: read from D1 with the key holder's own side's
 * status and clock facts (src/storage/case-sides.ts, src/domain/clocks.ts). No Node imports, so the
 * worker tests read exactly what the terminal reads.
 */
import { ownColumn, sideAnswerDay } from '../../src/storage/case-sides';

export interface CaseRow {
  id: string;
  facilityId: string;
  receivedDay: string;
  channel: string;
  status: string;
  bodyKey: string;
  sealed: string;
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
      `SELECT r.id, r.facility_id AS facilityId, r.received_day AS receivedDay, r.channel,
              ${ownColumn('status', ROLE)} AS status, r.body_key AS bodyKey, w.sealed,
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

/**
 * @module The check a one-round-trip report write carries in its own D1 batch: what the slower
 * path (intakeLookup, then checks, then storeReport) reads before writing. If anything changed or
 * was never true, the guard row fails its CHECK and the batch writes nothing; the caller then
 * takes the slower path, which names the reason. Everything else that path checks is a constraint
 * of the batch already: a known report id or mailbox id (primary key, UNIQUE), a spent challenge
 * (primary key). An unknown or closed facility is checked here, with the lookup's own condition;
 * a spent nonce and a stale price too, which the slower path reads before it writes.
 */
import { OPEN_FACILITY_WHERE } from './facilities';
import { activeRecipientsSql } from './recipients';

type Statement = ReturnType<D1Database['prepare']>;

export interface IntakeExpectation {
  facilityId: string;
  reportId: string;
  /** The roles the worker chose (rolesFor(sendTo)). */
  roles: Array<'monitor' | 'official'>;
  /** The reader key ids the envelope is sealed to (without the case mailbox), each once. */
  keyIds: string[];
  /** The challenge nonce the report spends: it must be unspent. */
  nonce: string;
  /**
   * What the token's work pays for at the plant's price now (src/lib/price.ts): at most this many
   * released reports at the plant, and in the country, from `since` to `upTo` (the price's window).
   */
  pays: { facility: number; national: number; since: string; upTo: string };
}

/**
 * The facility takes reports; its active keys for these roles, plus its recovery key when the monitor is one of them
 * (src/crypto/recovery.ts), are exactly `keyIds`; each role has one; the challenge is unspent,
 * paid no other report's evidence, and its work still pays the plant's price (the counts
 * src/storage/reports.ts releasedVolumeStatements reads). It is the batch's first statement: a
 * replayed or underpriced token fails it before any row is written.
 */
const GUARD = `
  INSERT INTO intake_guard (ok)
  SELECT EXISTS (SELECT 1 FROM facilities WHERE ${OPEN_FACILITY_WHERE})
     AND n + rec.wanted = ?4 AND matched + rec.found = ?4 AND roles = json_array_length(?2)
     AND NOT EXISTS (SELECT 1 FROM upload_claims WHERE nonce = ?5 AND report_id <> ?6)
     AND NOT EXISTS (SELECT 1 FROM spent_challenges WHERE nonce = ?5)
     AND (SELECT count(*) FROM reports INDEXED BY reports_by_release
           WHERE facility_id = ?1 AND release_at > ?9 AND release_at <= ?10 AND send_to <> 'authority') <= ?7
     AND (SELECT count(*) FROM reports INDEXED BY reports_by_release_at WHERE release_at > ?9 AND release_at <= ?10) <= ?8
    FROM (SELECT count(*) AS n,
                 count(CASE WHEN keyId IN (SELECT value FROM json_each(?3)) THEN 1 END) AS matched,
                 count(DISTINCT role) AS roles
            FROM (${activeRecipientsSql('?1')}) WHERE role IN (SELECT value FROM json_each(?2))),
         (SELECT count(*) AS wanted, count(CASE WHEN k IN (SELECT value FROM json_each(?3)) THEN 1 END) AS found
            FROM (SELECT recovery_key_id AS k FROM facilities WHERE id = ?1 AND recovery_key_id IS NOT NULL
                     AND 'monitor' IN (SELECT value FROM json_each(?2)))) AS rec`;

/** The statements that open and close a guarded batch: the check first, the row's removal last. */
export function intakeGuard(db: D1Database, e: IntakeExpectation): { check: Statement; release: Statement } {
  return {
    check: db
      .prepare(GUARD)
      .bind(
        e.facilityId,
        JSON.stringify(e.roles),
        JSON.stringify(e.keyIds),
        e.keyIds.length,
        e.nonce,
        e.reportId,
        e.pays.facility,
        e.pays.national,
        e.pays.since,
        e.pays.upTo,
      ),
    release: db.prepare('DELETE FROM intake_guard'),
  };
}

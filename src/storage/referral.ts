/**
 * @module The worker's referral as stored (migrations/0025_referral.sql, src/domain/case-sides.ts
 * REFERRAL): one batch spends the proof's challenge, stores the content keys the worker sealed to
 * each official, widens the recipients to both sides, starts the authority's side at the next
 * release, moves the company's status to "sent to the authority" and the trend counters with it,
 * and writes the record of the case. The batch is one transaction: all of it or nothing.
 */
import { FINAL_STATUSES } from '../domain/case';
import { REFERRAL } from '../domain/case-sides';
import { sqlMondayOf } from '../trends/weeks';
import { UNCLASSIFIED } from '../trends/counters';
import { spentNonceStatement } from './spent-challenges';

const FINAL = FINAL_STATUSES.map((s) => `'${s}'`).join(', ');
const M = 4294967296;
/** The company's status after the widening (statusAfterWidening, in SQL over a report r). */
const AFTER = `(CASE WHEN r.status IN (${FINAL}) THEN r.status ELSE 'referred' END)`;

export interface Widening {
  reportId: string;
  /** The content keys sealed to each official (report id for the report's own, else a message id). */
  readers: Array<{ to: string; keys: Array<{ messageId: string; sealed: string }> }>;
  consent: string;
  /** The release officials get the case in. */
  authorityRelease: string;
  day: string;
  spends: { nonce: string; expiresDay: string };
}

/** The content keys the case's mailbox holds: the report's and its messages' (the worker's own answers and readers' replies). */
export async function mailboxKeyIds(db: D1Database, reportId: string): Promise<Set<string>> {
  const { results } = await db
    .prepare("SELECT message_id AS id FROM wrapped_keys WHERE report_id = ?1 AND key_id = 'mailbox'")
    .bind(reportId)
    .all<{ id: string }>();
  return new Set(results.map((r) => r.id));
}

/** Whether the challenge's nonce is already spent. */
export async function challengeSpent(db: D1Database, nonce: string): Promise<boolean> {
  return (await spentNonceStatement(db, nonce).first()) !== null;
}

/**
 * Widens the case; 'widened', or 'already' when it was not (any more) a case sent to the company
 * alone. A spent challenge fails the batch (its primary key), so a replayed proof changes nothing.
 */
export async function widenCase(db: D1Database, w: Widening): Promise<'widened' | 'already'> {
  const from = REFERRAL.from;
  const onlyIfNarrow = `(SELECT send_to FROM reports WHERE id = ?1) = '${from}'`;
  const week = sqlMondayOf('r.received_day');
  // Recorded only if the case is widened now (the conditions read the report before its UPDATE).
  const event = (field: string, value: string, also = '1') =>
    db
      .prepare(
        `INSERT INTO triage_events (report_id, seq, field, value, actor, day)
         SELECT ?1, (SELECT coalesce(max(seq), 0) + 1 FROM triage_events WHERE report_id = ?1), ?2, ?3, 'worker', ?4
          WHERE ${onlyIfNarrow} AND ${also}`,
      )
      .bind(w.reportId, field, value, w.day);
  const results = await db.batch([
    db.prepare('INSERT INTO spent_challenges (nonce, expires_day) VALUES (?1, ?2)').bind(w.spends.nonce, w.spends.expiresDay),
    ...w.readers.flatMap((r) =>
      r.keys.map((k) =>
        db
          .prepare(`INSERT INTO wrapped_keys (report_id, message_id, key_id, sealed) SELECT ?1, ?2, ?3, ?4 WHERE ${onlyIfNarrow} ON CONFLICT DO NOTHING`)
          .bind(w.reportId, k.messageId, r.to, k.sealed),
      ),
    ),
    // The counters move from (status, company alone) to (status after, both), before the report does.
    db
      .prepare(
        `UPDATE trend_reports SET n = n - 1, k = (k + ${M} - (SELECT record_key FROM reports WHERE id = ?1)) % ${M}
          WHERE (facility_id, week, status, send_to, channel) = (SELECT r.facility_id, ${week}, r.status, r.send_to, r.channel FROM reports r WHERE r.id = ?1 AND r.send_to = '${from}')`,
      )
      .bind(w.reportId),
    db
      .prepare(
        `INSERT INTO trend_reports (facility_id, week, status, send_to, channel, n, k)
         SELECT r.facility_id, ${week}, ${AFTER}, '${REFERRAL.to}', r.channel, 1, r.record_key FROM reports r WHERE r.id = ?1 AND r.send_to = '${from}'
         ON CONFLICT (facility_id, week, status, send_to, channel) DO UPDATE SET n = n + 1, k = (k + excluded.k) % ${M}`,
      )
      .bind(w.reportId),
    db
      .prepare(
        `UPDATE trend_categories SET n = n - 1, k = (k + ${M} - (SELECT record_key FROM reports WHERE id = ?1)) % ${M}
          WHERE (facility_id, week, category, send_to, channel) IN (
            SELECT r.facility_id, ${week}, coalesce(c.category, '${UNCLASSIFIED}'), r.send_to, r.channel
              FROM reports r LEFT JOIN report_categories c ON c.report_id = r.id WHERE r.id = ?1 AND r.send_to = '${from}')`,
      )
      .bind(w.reportId),
    db
      .prepare(
        `INSERT INTO trend_categories (facility_id, week, category, send_to, channel, n, k)
         SELECT r.facility_id, ${week}, coalesce(c.category, '${UNCLASSIFIED}'), '${REFERRAL.to}', r.channel, 1, r.record_key
           FROM reports r LEFT JOIN report_categories c ON c.report_id = r.id WHERE r.id = ?1 AND r.send_to = '${from}'
         ON CONFLICT (facility_id, week, category, send_to, channel) DO UPDATE SET n = n + 1, k = (k + excluded.k) % ${M}`,
      )
      .bind(w.reportId),
    event('send_to', REFERRAL.to),
    event('status', 'referred', `(SELECT status FROM reports WHERE id = ?1) NOT IN (${FINAL}, 'referred')`),
    db
      .prepare(
        `UPDATE reports AS r SET send_to = '${REFERRAL.to}', status = ${AFTER}, authority_status = 'new', authority_severity = NULL,
                authority_first_reply_day = NULL, authority_closed_day = NULL, authority_release_at = ?2, widened_consent = ?3
          WHERE r.id = ?1 AND r.send_to = '${from}'`,
      )
      .bind(w.reportId, w.authorityRelease, w.consent),
  ]);
  return (results.at(-1)!.meta.changes ?? 0) > 0 ? 'widened' : 'already';
}

/**
 * @module The worker's referral as stored (migrations/0025_referral.sql, 0028, src/domain/case-sides.ts
 * REFERRAL), in two steps like every worker action readers see: when the worker asks, one batch
 * spends the proof, stores the keys sealed to the officials and the consent, and stamps the next
 * release; at that release the release step (src/storage/held-actions.ts) widens the case for
 * both sides at once. Each step is one batch: all of it or nothing.
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
  /** The release the widening takes effect at, for both sides: officials get the case in it. */
  authorityRelease: string;
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

/** The widening's condition in SQL: recorded (its release stamped) and not yet carried out, on report ?1. */
const PENDING = `(SELECT send_to = '${REFERRAL.from}' AND widen_at IS NOT NULL FROM reports WHERE id = ?1)`;

/**
 * Records the widening, held for release `w.authorityRelease` (src/storage/held-actions.ts): spends
 * the proof's challenge, stores the content keys the worker sealed to each official and the consent,
 * and stamps the release. Nothing a reader can query changes: the case stays the company's alone,
 * with its status and history, until the release step widens it (applyWidening). 'recorded', or
 * 'already' when it was not (any more) a case sent to the company alone with nothing recorded. A
 * spent challenge fails the batch (its primary key), so a replayed proof changes nothing.
 */
export async function recordWidening(db: D1Database, w: Widening): Promise<'recorded' | 'already'> {
  const open = `(SELECT send_to = '${REFERRAL.from}' AND widen_at IS NULL AND widened_consent IS NULL FROM reports WHERE id = ?1)`;
  const results = await db.batch([
    db.prepare('INSERT INTO spent_challenges (nonce, expires_day) VALUES (?1, ?2)').bind(w.spends.nonce, w.spends.expiresDay),
    ...w.readers.flatMap((r) =>
      r.keys.map((k) =>
        db
          .prepare(`INSERT INTO wrapped_keys (report_id, message_id, key_id, sealed) SELECT ?1, ?2, ?3, ?4 WHERE ${open} ON CONFLICT DO NOTHING`)
          .bind(w.reportId, k.messageId, r.to, k.sealed),
      ),
    ),
    db.prepare(`UPDATE reports SET widen_at = ?2, widened_consent = ?3 WHERE id = ?1 AND ${open}`).bind(w.reportId, w.authorityRelease, w.consent),
  ]);
  return (results.at(-1)!.meta.changes ?? 0) > 0 ? 'recorded' : 'already';
}

/** The recorded widenings whose release is `upTo` or earlier, not asked to be erased meanwhile; in id order, which says nothing. */
export async function widenedBy(db: D1Database, upTo: string): Promise<Array<{ id: string; release: string }>> {
  const { results } = await db
    .prepare(
      `SELECT id, widen_at AS release FROM reports
        WHERE widen_at <= ?1 AND send_to = '${REFERRAL.from}' AND erased_day IS NULL AND erase_at IS NULL ORDER BY id`,
    )
    .bind(upTo)
    .all<{ id: string; release: string }>();
  return results;
}

/**
 * Carries out one recorded widening (the release step): widens the recipients to both sides, starts
 * the authority's side at the widening's release, moves the company's status to "sent to the
 * authority" and the trend counters with it, and writes the case's history, dated by the release.
 * True if it widened now; false if another step did first.
 */
export async function applyWidening(db: D1Database, reportId: string): Promise<boolean> {
  const from = REFERRAL.from;
  const week = sqlMondayOf('r.received_day');
  // Recorded only if the case is widened now (the conditions read the report before its UPDATE).
  const event = (field: string, value: string, also = '1') =>
    db
      .prepare(
        `INSERT INTO triage_events (report_id, seq, field, value, actor, day)
         SELECT ?1, (SELECT coalesce(max(seq), 0) + 1 FROM triage_events WHERE report_id = ?1), ?2, ?3, 'worker', (SELECT substr(widen_at, 1, 10) FROM reports WHERE id = ?1)
          WHERE ${PENDING} AND ${also}`,
      )
      .bind(reportId, field, value);
  const mine = `r.id = ?1 AND r.send_to = '${from}' AND r.widen_at IS NOT NULL`;
  const results = await db.batch([
    // The counters move from (status, company alone) to (status after, both), before the report does.
    db
      .prepare(
        `UPDATE trend_reports SET n = n - 1, k = (k + ${M} - (SELECT record_key FROM reports WHERE id = ?1)) % ${M}
          WHERE (facility_id, week, status, send_to, channel) = (SELECT r.facility_id, ${week}, r.status, r.send_to, r.channel FROM reports r WHERE ${mine})`,
      )
      .bind(reportId),
    db
      .prepare(
        `INSERT INTO trend_reports (facility_id, week, status, send_to, channel, n, k)
         SELECT r.facility_id, ${week}, ${AFTER}, '${REFERRAL.to}', r.channel, 1, r.record_key FROM reports r WHERE ${mine}
         ON CONFLICT (facility_id, week, status, send_to, channel) DO UPDATE SET n = n + 1, k = (k + excluded.k) % ${M}`,
      )
      .bind(reportId),
    db
      .prepare(
        `UPDATE trend_categories SET n = n - 1, k = (k + ${M} - (SELECT record_key FROM reports WHERE id = ?1)) % ${M}
          WHERE (facility_id, week, category, send_to, channel) IN (
            SELECT r.facility_id, ${week}, coalesce(c.category, '${UNCLASSIFIED}'), r.send_to, r.channel
              FROM reports r LEFT JOIN report_categories c ON c.report_id = r.id WHERE ${mine})`,
      )
      .bind(reportId),
    db
      .prepare(
        `INSERT INTO trend_categories (facility_id, week, category, send_to, channel, n, k)
         SELECT r.facility_id, ${week}, coalesce(c.category, '${UNCLASSIFIED}'), '${REFERRAL.to}', r.channel, 1, r.record_key
           FROM reports r LEFT JOIN report_categories c ON c.report_id = r.id WHERE ${mine}
         ON CONFLICT (facility_id, week, category, send_to, channel) DO UPDATE SET n = n + 1, k = (k + excluded.k) % ${M}`,
      )
      .bind(reportId),
    event('send_to', REFERRAL.to),
    event('status', 'referred', `(SELECT status FROM reports WHERE id = ?1) NOT IN (${FINAL}, 'referred')`),
    db
      .prepare(
        `UPDATE reports AS r SET send_to = '${REFERRAL.to}', status = ${AFTER}, authority_status = 'new', authority_severity = NULL,
                authority_first_reply_day = NULL, authority_closed_day = NULL, authority_release_at = r.widen_at, widen_at = NULL
          WHERE ${mine}`,
      )
      .bind(reportId),
  ]);
  return (results.at(-1)!.meta.changes ?? 0) > 0;
}

/** The officials' keys a widened case holds, for its audit entry: each official's key id and how many keys they hold. */
export async function officialKeysOf(db: D1Database, reportId: string): Promise<{ to: string[]; keys: number }> {
  const { results } = await db
    .prepare(
      `SELECT w.key_id AS keyId, count(*) AS n FROM wrapped_keys w JOIN recipients x ON x.key_id = w.key_id
        WHERE w.report_id = ?1 AND x.role = 'official' GROUP BY w.key_id ORDER BY w.key_id`,
    )
    .bind(reportId)
    .all<{ keyId: string; n: number }>();
  return { to: results.map((r) => r.keyId), keys: results.reduce((n, r) => n + r.n, 0) };
}

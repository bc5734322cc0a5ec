/**
 * @module Erasing cases (docs/privacy.md). One D1 batch erases a whole set of cases with a fixed
 * number of statements, whatever their number: the set goes into erase_map under new random ids,
 * every row of content is deleted by that set, and the report row is replaced by a tombstone under
 * its new id holding only what the figures count, so trends and clocks stay true and nothing left
 * (but the audit log, which never held content) carries the case id, its mailbox or a sealed key.
 * KV keys of the erased cases are queued in kv_erasures and deleted a bounded number per run.
 */
import { MAX_AGE_DAYS, type RetentionPolicy } from '../domain/retention';
import { activityDay } from './cases';
import { CASE_CLOSED_DAY } from './case-sides';
import { shredStatements } from './shred';

const MAPPED = '(SELECT old_id FROM erase_map)';

/**
 * The day a case is kept until (SQL over a report r; null if never asked), the worker's ask still
 * waiting for its release included (src/storage/held-actions.ts): readers see the ask at that
 * release, but the worker's page and the erasure count it from the moment it was asked.
 */
export const KEPT_UNTIL = `nullif(max(coalesce(r.keep_until, ''), coalesce(r.keep_asked, '')), '')`;

/**
 * The cases due for erasure by `day` (an SQL parameter), with the deployment's closed and idle days
 * (a plant may override them); `r` is the report and `f` its facility. `kept` is the day the worker
 * keeps it to: the erasure counts a keep still waiting for its release; what readers are told
 * (the digest) counts only what they may see, r.keep_until.
 */
export const dueBy = (day: string, closedDays: string, idleDays: string, kept = KEPT_UNTIL) => `r.erased_day IS NULL AND r.hold_reason IS NULL AND (
    -- Asked under a hold, before erase_at existed; a worker's erasure with erase_at waits for its release (src/storage/erase-request.ts).
    (r.erase_requested = 1 AND r.erase_at IS NULL)
    -- Closed on every side the worker sent it to: the authority may still work a case the company closed.
    -- The worker asked to keep it (src/domain/retention.ts), even if readers see the ask only at its release: the schedule waits for that day.
    OR ((${kept} IS NULL OR ${kept} <= ${day}) AND (
         ${CASE_CLOSED_DAY} <= date(${day}, '-' || coalesce(f.retention_closed_days, ${closedDays}) || ' days')
      OR ${activityDay(`${day} || 'T99'`)}
        <= date(${day}, '-' || (coalesce(f.retention_idle_days, ${idleDays}) + coalesce(f.retention_closed_days, ${closedDays})) || ' days')))
    -- However often it is reopened or answered, no case outlives this without an official's hold.
    OR r.received_day <= date(${day}, '-' || ${MAX_AGE_DAYS} || ' days'))`;
const DUE = dueBy('?1', '?2', '?3');

/** The statements that erase whatever erase_map holds, ending with it empty. `today` is ?1 where used. */
export function eraseMapped(db: D1Database, today: string): D1PreparedStatement[] {
  // Permanent chunk keys, the upload keys of chunks not yet copied, and those of files still uploading.
  const chunkKeys = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
    INSERT INTO kv_erasures (key)
    SELECT p.prefix || a.report_id || '/att/' || a.id || '/' || n.i
      FROM attachments a JOIN n ON n.i < a.chunks JOIN (SELECT 'report/' AS prefix UNION ALL SELECT 'upload/') p ON p.prefix = 'report/' OR a.kept = 0
     WHERE a.report_id IN ${MAPPED}
    UNION SELECT 'upload/' || u.report_id || '/att/' || u.attachment_id || '/' || u.idx FROM attachment_uploads u WHERE u.report_id IN ${MAPPED}
    ON CONFLICT (key) DO NOTHING`;
  // Bodies from before D1 kept them are in KV: queued like chunks.
  const kvBodies = `INSERT INTO kv_erasures (key)
    SELECT body_key FROM reports WHERE id IN ${MAPPED} AND body_key NOT IN (SELECT key FROM sealed_bodies)
    UNION SELECT body_key FROM messages WHERE report_id IN ${MAPPED} AND body_key NOT IN (SELECT key FROM sealed_bodies)
    ON CONFLICT (key) DO NOTHING`;
  const content = ['wrapped_keys', 'report_tags', 'triage_events', 'attachments', 'attachment_uploads', 'upload_claims', 'case_reads'];
  return [
    db.prepare(chunkKeys),
    db.prepare(kvBodies),
    ...shredStatements(db, MAPPED),
    db.prepare(`DELETE FROM sealed_bodies WHERE key IN (SELECT body_key FROM reports WHERE id IN ${MAPPED})
                 OR key IN (SELECT body_key FROM messages WHERE report_id IN ${MAPPED})`),
    db.prepare(`DELETE FROM messages WHERE report_id IN ${MAPPED}`),
    ...content.map((t) => db.prepare(`DELETE FROM ${t} WHERE report_id IN ${MAPPED}`)),
    db
      .prepare(
        // Both sides' states and days (the authority's too, for a case sent to both), days only: no hour of any release is kept.
        `INSERT INTO reports (id, facility_id, channel, send_to, received_day, status, mailbox_id, mailbox_box_pk, mailbox_sign_pk,
                              body_key, body_digest, first_reply_day, closed_day, release_at, record_key, erased_day,
                              authority_status, authority_first_reply_day, authority_closed_day, authority_release_at, monitor_viewed)
         SELECT e.new_id, r.facility_id, r.channel, r.send_to, r.received_day, r.status, 'erased-' || e.new_id, '', '',
                '', '', r.first_reply_day, r.closed_day, r.received_day || 'T00', r.record_key, ?1,
                r.authority_status, r.authority_first_reply_day, r.authority_closed_day,
                CASE WHEN r.authority_release_at IS NOT NULL THEN substr(r.authority_release_at, 1, 10) || 'T00' END,
                EXISTS (SELECT 1 FROM audit_log a WHERE a.report_id = r.id AND a.action = 'view' AND a.role = 'monitor' AND a.outcome = 'ok')
           FROM reports r JOIN erase_map e ON e.old_id = r.id`,
      )
      .bind(today),
    ...['report_categories', 'report_answers'].map((t) =>
      db.prepare(`UPDATE ${t} SET report_id = (SELECT new_id FROM erase_map WHERE old_id = ${t}.report_id) WHERE report_id IN ${MAPPED}`),
    ),
    db.prepare(`DELETE FROM reports WHERE id IN ${MAPPED}`),
    db.prepare('DELETE FROM erase_map'),
  ];
}

/** The statements one erasing round sends: a constant number, however many cases it erases. */
export const STATEMENTS_PER_ROUND = 21;

/**
 * Erases every case due today, `perRound` at a time, one batch per round. Returns how many.
 * A round that fails leaves nothing half-erased (a batch is one transaction).
 */
export async function eraseDueCases(db: D1Database, policy: RetentionPolicy, today: string, perRound = 2500): Promise<{ erased: number; rounds: number }> {
  let erased = 0;
  let rounds = 0;
  for (;;) {
    const pick = db
      .prepare(
        `INSERT INTO erase_map (old_id, new_id)
         SELECT r.id, lower(hex(randomblob(16))) FROM reports r JOIN facilities f ON f.id = r.facility_id WHERE ${DUE} LIMIT ?4`,
      )
      .bind(today, policy.closedDays, policy.idleDays, perRound);
    const [picked] = await db.batch([pick, ...eraseMapped(db, today)]);
    rounds++;
    const n = picked!.meta.changes ?? 0;
    erased += n;
    if (n < perRound) return { erased, rounds };
  }
}

/** Erases one case now (the worker's own request), unless it is on hold: then it goes when the hold is lifted. */
export async function eraseCase(db: D1Database, reportId: string, today: string): Promise<'erased' | 'held'> {
  const pick = db
    .prepare("INSERT INTO erase_map (old_id, new_id) SELECT id, lower(hex(randomblob(16))) FROM reports WHERE id = ?1 AND erased_day IS NULL AND hold_reason IS NULL")
    .bind(reportId);
  const [picked] = await db.batch([pick, ...eraseMapped(db, today)]);
  if ((picked!.meta.changes ?? 0) > 0) return 'erased';
  await db.prepare('UPDATE reports SET erase_requested = 1 WHERE id = ?1').bind(reportId).run();
  return 'held';
}

/** Deletes up to `max` queued KV keys of erased cases; later runs take the rest. */
export async function purgeErasedBlobs(db: D1Database, blobs: KVNamespace, max = 500): Promise<number> {
  const { results } = await db.prepare('SELECT key FROM kv_erasures LIMIT ?1').bind(max).all<{ key: string }>();
  for (let i = 0; i < results.length; i += 50) await Promise.all(results.slice(i, i + 50).map((r) => blobs.delete(r.key)));
  const keys = results.map((r) => r.key);
  for (let i = 0; i < keys.length; i += 90) {
    const part = keys.slice(i, i + 90);
    await db.prepare(`DELETE FROM kv_erasures WHERE key IN (${part.map((_, j) => `?${j + 1}`).join(', ')})`).bind(...part).run();
  }
  return results.length;
}

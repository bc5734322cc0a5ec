/**
 * @module Sharing access to a case (src/routes/share-api.ts): the content keys a reader holds for
 * it, and storing the copies they sealed to another reader beside the others (migration 0023).
 */

/** A content key the reader holds: of the report (kind null) or of one of its messages. */
export interface HeldKey {
  messageId: string;
  kind: string | null;
  authorRole: string | null;
}

/** The keys reader `keyId` holds for the case's report and for its messages released by `released`, by message id. */
export async function keysHeldBy(db: D1Database, reportId: string, keyId: string, released: string): Promise<Map<string, HeldKey>> {
  const { results } = await db
    .prepare(
      `SELECT w.message_id AS messageId, m.kind, m.author_role AS authorRole
         FROM wrapped_keys w LEFT JOIN messages m ON m.report_id = w.report_id AND m.id = w.message_id
        WHERE w.report_id = ?1 AND w.key_id = ?2 AND (w.message_id = ?1 OR m.release_at <= ?3)`,
    )
    .bind(reportId, keyId, released)
    .all<HeldKey>();
  return new Map(results.map((r) => [r.messageId, r]));
}

/**
 * Stores the keys `by` sealed to reader `to`. A reader who has no key for a message gets this one
 * (`added`); one who has a different key keeps it and gets this one beside it (`alongside`), one
 * copy per sharer, replaced by that sharer's next share: the server cannot tell which key opens, so
 * garbage shared first cannot block a genuine share, and the reader's console tries each.
 */
export async function addSharedKeys(
  db: D1Database,
  reportId: string,
  to: string,
  by: string,
  keys: { messageId: string; sealed: string }[],
): Promise<{ added: number; alongside: number }> {
  const batch = await db.batch(
    keys.flatMap((k) => [
      db.prepare(GIVE_KEY).bind(reportId, k.messageId, to, k.sealed),
      db.prepare(SHARE_ALONGSIDE).bind(reportId, k.messageId, to, by, k.sealed),
    ]),
  );
  const changes = (i: number) => batch[i]!.meta.changes ?? 0;
  let added = 0;
  let alongside = 0;
  keys.forEach((_, i) => {
    added += changes(2 * i);
    if (!changes(2 * i) && changes(2 * i + 1)) alongside++;
  });
  return { added, alongside };
}

/** A content key for a reader who has none for that message yet (?1 report, ?2 message, ?3 reader, ?4 sealed); one who has one keeps it. */
export const GIVE_KEY = 'INSERT OR IGNORE INTO wrapped_keys (report_id, message_id, key_id, sealed) VALUES (?1, ?2, ?3, ?4)';

/** A copy beside the reader's key when it differs from it (?1 report, ?2 message, ?3 reader, ?4 sharer, ?5 sealed). */
export const SHARE_ALONGSIDE = `INSERT INTO shared_key_copies (report_id, message_id, key_id, shared_by, sealed)
  SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM wrapped_keys WHERE report_id = ?1 AND message_id = ?2 AND key_id = ?3 AND sealed <> ?5)
  ON CONFLICT (report_id, message_id, key_id, shared_by) DO UPDATE SET sealed = excluded.sealed`;

/** SQL for the other copies of a content key a reader was given (a JSON array), for a message `message` and reader `reader`. */
export const copiesOf = (report: string, message: string, reader: string) =>
  `(SELECT json_group_array(c.sealed) FROM shared_key_copies c WHERE c.report_id = ${report} AND c.message_id = ${message} AND c.key_id = ${reader})`;

/**
 * Which content keys of the case each reader holds, by key id: the report's (its own id) and its
 * released messages', for readers of the roles the case is sent to as readers see it now. The
 * console offers "Dar acceso" only to readers who lack one that the sharer could give. A worker's
 * answer or widening waiting for its release writes key rows at once; listing them would tell the
 * company the minute the worker acted, so they count only from the release (docs/privacy.md).
 */
export async function keyHoldersOf(db: D1Database, reportId: string, roles: readonly string[], released: string): Promise<Record<string, string[]>> {
  const { results } = await db
    .prepare(
      `SELECT w.key_id AS keyId, w.message_id AS messageId FROM wrapped_keys w JOIN recipients k ON k.key_id = w.key_id
        WHERE w.report_id = ?1 AND k.role IN (SELECT value FROM json_each(?2))
          AND (w.message_id = ?1 OR w.message_id IN (SELECT m.id FROM messages m WHERE m.report_id = ?1 AND m.release_at <= ?3))`,
    )
    .bind(reportId, JSON.stringify(roles), released)
    .all<{ keyId: string; messageId: string }>();
  const held: Record<string, string[]> = {};
  for (const r of results) (held[r.keyId] ??= []).push(r.messageId);
  return held;
}

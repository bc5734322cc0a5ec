/**
 * @module Sharing access to a case (src/routes/share-api.ts): the content keys a reader holds for
 * it, and storing the copies they sealed to another reader beside the others.
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

/** Stores the keys sealed to reader `to`; one they already have stays as it is. Returns how many were added. */
export async function addSharedKeys(db: D1Database, reportId: string, to: string, keys: { messageId: string; sealed: string }[]): Promise<number> {
  const batch = await db.batch(
    keys.map((k) => db.prepare('INSERT OR IGNORE INTO wrapped_keys (report_id, message_id, key_id, sealed) VALUES (?1, ?2, ?3, ?4)').bind(reportId, k.messageId, to, k.sealed)),
  );
  return batch.reduce((n, r) => n + (r.meta.changes ?? 0), 0);
}

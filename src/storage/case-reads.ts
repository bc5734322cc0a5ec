/**
 * @module What a reader has seen of a case: opening it records how many of the worker's answers
 * were released by then, so the list marks, and the digest counts, a case with a newer answer
 * (migrations/0014_case_reads.sql). Only a count per reader and case, no time.
 */

/** Records that `keyId` has seen every answer of the case released up to `released`. */
export const markAnswersSeen = (db: D1Database, keyId: string, reportId: string, released: string) =>
  db
    .prepare(
      `INSERT INTO case_reads (key_id, report_id, answers_seen)
       SELECT ?1, ?2, count(*) FROM messages WHERE report_id = ?2 AND kind = 'answer' AND release_at <= ?3
       ON CONFLICT (key_id, report_id) DO UPDATE SET answers_seen = excluded.answers_seen`,
    )
    .bind(keyId, reportId, released);

/**
 * SQL for the number of the worker's answers on report `r` released by `released` that reader
 * `reader` (a key id expression) has not seen.
 */
export const unseenAnswers = (reader: string, released: string) => `(
  (SELECT count(*) FROM messages a WHERE a.report_id = r.id AND a.kind = 'answer' AND a.release_at <= ${released})
  - coalesce((SELECT cr.answers_seen FROM case_reads cr WHERE cr.key_id = ${reader} AND cr.report_id = r.id), 0))`;

/**
 * @module Overwriting an erased case's secrets in place before its rows are deleted. D1 refuses
 * `PRAGMA secure_delete` (SQLITE_AUTH, in workerd and on Cloudflare), so a plain DELETE leaves the
 * row's bytes in the SQLite file's free space, where whoever holds the file and a reader's passphrase
 * could open the report again. An UPDATE that keeps each value's length rewrites the same cell (and
 * its overflow pages) where it lies; only then is the row deleted. What the platform still keeps
 * (WAL frames until a checkpoint, D1 Time Travel for 30 days) is in docs/privacy.md.
 */

/** A value of the same length as `column` that says nothing: zeros, or random hex where it must stay unique. */
const same = (column: string, unique = false) =>
  `substr(${unique ? `lower(hex(randomblob(length(${column}))))` : `hex(zeroblob(length(${column})))`}, 1, length(${column}))`;

/**
 * The statements that overwrite, in place, every sealed body, sealed key and mailbox key of the cases
 * whose ids `cases` (an SQL subquery) selects. Run them in the same batch, before the deletes.
 */
export function shredStatements(db: D1Database, cases: string): D1PreparedStatement[] {
  return [
    db.prepare(`UPDATE sealed_bodies SET body = ${same('body')}
                 WHERE key IN (SELECT body_key FROM reports WHERE id IN ${cases})
                    OR key IN (SELECT body_key FROM messages WHERE report_id IN ${cases})`),
    db.prepare(`UPDATE wrapped_keys SET sealed = ${same('sealed')} WHERE report_id IN ${cases}`),
    // The other copies readers shared beside a key (migrations/0023): sealed keys too.
    db.prepare(`UPDATE shared_key_copies SET sealed = ${same('sealed')} WHERE report_id IN ${cases}`),
    db.prepare(
      `UPDATE reports SET mailbox_box_pk = ${same('mailbox_box_pk')}, mailbox_sign_pk = ${same('mailbox_sign_pk')},
              mailbox_id = ${same('mailbox_id', true)}, body_digest = ${same('body_digest')},
              constancia_check = CASE WHEN constancia_check IS NULL THEN NULL ELSE ${same('constancia_check')} END,
              widened_consent = CASE WHEN widened_consent IS NULL THEN NULL ELSE ${same('widened_consent')} END,
              hold_reference = CASE WHEN hold_reference IS NULL THEN NULL ELSE ${same('hold_reference')} END,
              hold_note = CASE WHEN hold_note IS NULL THEN NULL ELSE ${same('hold_note')} END
        WHERE id IN ${cases}`,
    ),
  ];
}

/**
 * @module Signed reader lists in D1 (migrations/0012_reader_lists.sql): stored and served as the
 * administrator signed them; who is on them is decided offline by `npm run keys`.
 */
import type { ListedReader, SignedReaderList } from '../crypto';

/** A facility's signed list as stored (?1 = facility id); the admin scripts run it through their own D1 target. */
export const SIGNED_READER_LIST_SQL = 'SELECT statement, signature FROM reader_lists WHERE facility_id = ?1';

/** The statement reading a facility's signed list, for a caller's own batch. */
export const signedReaderListStatement = (db: D1Database, facilityId: string) => db.prepare(SIGNED_READER_LIST_SQL).bind(facilityId);

export function getSignedReaderList(db: D1Database, facilityId: string): Promise<SignedReaderList | null> {
  return signedReaderListStatement(db, facilityId).first<SignedReaderList>();
}

export const SAVE_READER_LIST_SQL = `INSERT INTO reader_lists (facility_id, statement, signature) VALUES (?1, ?2, ?3)
  ON CONFLICT (facility_id) DO UPDATE SET statement = ?2, signature = ?3`;

/**
 * Everyone the recipient rows say reads a facility: its monitors and the officials whose scope
 * covers it, a retired key as `recipient: false`. The CLI signs this only after checking it
 * against the list signed before (scripts/lib/reader-lists.ts).
 */
export const READERS_FROM_ROWS_SQL = `SELECT r.key_id AS keyId, r.role AS role, r.label AS label, r.box_pk AS boxPk, r.sign_pk AS signPk,
        CASE r.status WHEN 'active' THEN 1 ELSE 0 END AS recipient
   FROM recipients r
  WHERE (r.role = 'monitor' AND EXISTS (SELECT 1 FROM recipient_facilities rf WHERE rf.key_id = r.key_id AND rf.facility_id = ?1))
     OR (r.role = 'official' AND (r.scope_state IS NULL OR r.scope_state = (SELECT f.state FROM facilities f WHERE f.id = ?1)))
  ORDER BY r.key_id`;

export const toListedReader = (row: Omit<ListedReader, 'recipient'> & { recipient: number | boolean }): ListedReader => ({ ...row, recipient: !!row.recipient });

/** The signed lists of the plants that take reports, to see which the form may offer (src/lib/offered-plants.ts). */
export async function signedReaderListsOfOpenFacilities(db: D1Database, facilityId?: string): Promise<Array<SignedReaderList & { facilityId: string }>> {
  const { results } = await db
    .prepare(
      `SELECT l.facility_id AS facilityId, l.statement, l.signature FROM reader_lists l JOIN facilities f ON f.id = l.facility_id
        WHERE f.active = 1 AND (?1 IS NULL OR f.id = ?1)`,
    )
    .bind(facilityId ?? null)
    .all<SignedReaderList & { facilityId: string }>();
  return results;
}

/**
 * @module Readers' keys as sign-in and each console request read them from D1: their key
 * derivation parameters, their public key and status, and their scope (facilities, state).
 */
import type { ReaderSession } from '../contract/console-responses';

const facilityList = (ids: string | null) => (ids ? ids.split(',').sort() : []);

/** A key's password-derivation parameters, or null for a key id nobody holds. */
export async function signinKdf(db: D1Database, keyId: string) {
  return db.prepare('SELECT kdf_salt AS salt, kdf_ops AS ops, kdf_mem AS mem FROM recipients WHERE key_id = ?1').bind(keyId).first<{ salt: string; ops: number; mem: number }>();
}

export interface SigninReader {
  session: ReaderSession;
  signPk: string;
  label: string;
  status: string;
}

/** What signing in checks and answers for a key, whatever its status; null for a key id nobody holds. */
export async function signinReader(db: D1Database, keyId: string): Promise<SigninReader | null> {
  const row = await db
    .prepare(
      `SELECT role, sign_pk AS signPk, scope_state AS scopeState, label, status,
              (SELECT group_concat(facility_id) FROM recipient_facilities WHERE key_id = ?1) AS facilities
         FROM recipients WHERE key_id = ?1`,
    )
    .bind(keyId)
    .first<{ role: 'monitor' | 'official'; signPk: string; scopeState: string | null; label: string; status: string; facilities: string | null }>();
  if (!row) return null;
  return {
    session: { keyId, role: row.role, facilities: facilityList(row.facilities), scopeState: row.scopeState },
    signPk: row.signPk,
    label: row.label,
    status: row.status,
  };
}

/** The reader behind a session as D1 has it now: null once the key is retired. */
export async function activeReader(db: D1Database, session: ReaderSession): Promise<ReaderSession | null> {
  const row = await db
    .prepare(
      `SELECT role, scope_state AS scopeState,
              (SELECT group_concat(facility_id) FROM recipient_facilities WHERE key_id = ?1) AS facilities
         FROM recipients WHERE key_id = ?1 AND status = 'active'`,
    )
    .bind(session.keyId)
    .first<{ role: 'monitor' | 'official'; scopeState: string | null; facilities: string | null }>();
  if (!row || row.role !== session.role) return null;
  return { keyId: session.keyId, role: row.role, facilities: facilityList(row.facilities), scopeState: row.scopeState };
}

/** The facilities a reader works on: a monitor's own, an official's jurisdiction (all of them without a state). */
export async function readerFacilities(db: D1Database, reader: ReaderSession): Promise<Array<{ id: string; name: string }>> {
  const { results } = await db
    .prepare(
      reader.role === 'monitor'
        ? 'SELECT id, name FROM facilities WHERE id IN (SELECT facility_id FROM recipient_facilities WHERE key_id = ?1) ORDER BY name'
        : 'SELECT id, name FROM facilities WHERE (SELECT scope_state FROM recipients WHERE key_id = ?1) IS NULL OR state = (SELECT scope_state FROM recipients WHERE key_id = ?1) ORDER BY name',
    )
    .bind(reader.keyId)
    .all<{ id: string; name: string }>();
  return results;
}

/** An active official's jurisdiction (null: every state), or null when the key is no active official. */
export async function officialScope(db: D1Database, keyId: string): Promise<{ scopeState: string | null } | null> {
  return db.prepare(`SELECT scope_state AS scopeState FROM recipients WHERE key_id = ?1 AND role = 'official' AND status = 'active'`).bind(keyId).first<{ scopeState: string | null }>();
}

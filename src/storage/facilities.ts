/**
 * @module Facilities in D1.
 */
import type { Deadlines } from '../domain/clocks';
import type { SendTo } from '../domain/case-sides';
import { SEND_TO } from '../domain/report';

export interface Facility {
  id: string;
  name: string;
  shortCode: string;
  emailLocal: string | null;
  /** The plant's case clocks, in days from receipt (migrations/0005_trends.sql). */
  clocks: Deadlines;
  /** Who reads a mail to the plant's address (migrations/0004_email.sql): told on the poster, the form and the mail acknowledgement. */
  mailSendTo: SendTo;
  /** The plant's recovery key id (migrations/0017_recovery_keys.sql), or null when it has none. */
  recoveryKeyId: string | null;
}

export interface FacilityRow {
  id: string;
  name: string;
  short_code: string;
  email_local: string | null;
  ack_days: number;
  answer_days: number;
  close_days: number;
  recovery_key_id: string | null;
  mail_send_to: string;
}

export const toFacility = (r: FacilityRow): Facility => ({
  id: r.id,
  name: r.name,
  shortCode: r.short_code,
  emailLocal: r.email_local,
  clocks: { acknowledge: r.ack_days, answer: r.answer_days, close: r.close_days },
  recoveryKeyId: r.recovery_key_id ?? null,
  mailSendTo: (SEND_TO as readonly string[]).includes(r.mail_send_to) ? (r.mail_send_to as SendTo) : 'both',
});

const COLUMNS = 'id, name, short_code, email_local, ack_days, answer_days, close_days, recovery_key_id, mail_send_to';

/** The facility that takes reports, `?1` naming it: intake's lookup and its one-trip guard (src/storage/intake-guard.ts) share it. */
export const OPEN_FACILITY_WHERE = 'id = ?1 AND active = 1';

/** The statement behind getFacility, for callers that batch it with others; map rows with toFacility. */
export const facilityStatement = (db: D1Database, id: string) =>
  db.prepare(`SELECT ${COLUMNS} FROM facilities WHERE ${OPEN_FACILITY_WHERE}`).bind(id);

export async function getFacility(db: D1Database, id: string): Promise<Facility | null> {
  const row = await facilityStatement(db, id).first<FacilityRow>();
  return row ? toFacility(row) : null;
}

export async function getFacilityByShortCode(db: D1Database, shortCode: string): Promise<Facility | null> {
  const row = await db
    .prepare(`SELECT ${COLUMNS} FROM facilities WHERE short_code = ?1 AND active = 1`)
    .bind(shortCode.toLowerCase())
    .first<FacilityRow>();
  return row ? toFacility(row) : null;
}

export async function listFacilities(db: D1Database): Promise<Facility[]> {
  const { results } = await db.prepare(`SELECT ${COLUMNS} FROM facilities WHERE active = 1 ORDER BY name`).all<FacilityRow>();
  return results.map(toFacility);
}

/** The facilities of a jurisdiction (every facility for null), as the trends filters offer them. */
export async function facilitiesInScope(db: D1Database, scopeState: string | null) {
  const { results } = await db
    .prepare(`SELECT id, name, state, municipality, sector FROM facilities WHERE ?1 IS NULL OR state = ?1 ORDER BY name, id`)
    .bind(scopeState)
    .all<{ id: string; name: string; state: string | null; municipality: string | null; sector: string | null }>();
  return results;
}

/** A facility's state, or null when there is no such facility. */
export async function facilityState(db: D1Database, id: string): Promise<{ state: string | null } | null> {
  return db.prepare('SELECT state FROM facilities WHERE id = ?1').bind(id).first<{ state: string | null }>();
}

/** A mail-taking facility's row: its mail settings (mail_send_to unchecked) and its clocks. */
export type MailFacilityRow = { id: string; mailSendTo: string; mailDailyCap: number } & Deadlines;

/** The active facility whose intake address has this local part (compared lower-case), or null. */
export async function mailFacilityByLocal(db: D1Database, local: string): Promise<MailFacilityRow | null> {
  return db
    .prepare(
      `SELECT id, mail_send_to AS mailSendTo, mail_daily_cap AS mailDailyCap, ack_days AS acknowledge, answer_days AS answer, close_days AS close
         FROM facilities WHERE lower(email_local) = ?1 AND active = 1`,
    )
    .bind(local)
    .first<MailFacilityRow>();
}

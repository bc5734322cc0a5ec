/**
 * @module Provisioning writes shared by the admin CLI and the demo seed: facilities and
 * recipient public keys.
 */
import { toB64, type RecipientKeys, type KdfParams } from '../../src/crypto';
import type { Sodium } from '../../src/crypto';

export interface FacilityInput {
  id: string;
  name: string;
  shortCode: string;
  emailLocal: string;
  state: string;
  municipality: string;
  sector: string;
}

export function upsertFacility(db: D1Database, f: FacilityInput) {
  return db
    .prepare(
      `INSERT INTO facilities (id, name, short_code, email_local, state, municipality, sector)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
       ON CONFLICT (id) DO UPDATE SET name = ?2, short_code = ?3, email_local = ?4, state = ?5, municipality = ?6, sector = ?7`,
    )
    .bind(f.id, f.name, f.shortCode, f.emailLocal, f.state, f.municipality, f.sector)
    .run();
}

export interface RecipientInput {
  role: 'monitor' | 'official';
  label: string;
  keys: RecipientKeys;
  kdf: KdfParams;
  /** Monitors: the facilities they serve. */
  facilities?: string[];
  /** Officials: a state, or undefined for every facility. */
  scopeState?: string;
}

export async function registerRecipient(s: Sodium, db: D1Database, r: RecipientInput) {
  await db.batch([
    db
      .prepare(
        `INSERT INTO recipients (key_id, role, label, box_pk, sign_pk, kdf_salt, kdf_ops, kdf_mem, scope_state, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'active')
         ON CONFLICT (key_id) DO UPDATE SET label = ?3, scope_state = ?9, status = 'active'`,
      )
      .bind(
        r.keys.keyId,
        r.role,
        r.label,
        toB64(s, r.keys.box.publicKey),
        toB64(s, r.keys.sign.publicKey),
        toB64(s, r.kdf.salt),
        r.kdf.opsLimit,
        r.kdf.memLimit,
        r.scopeState ?? null,
      ),
    ...(r.facilities ?? []).map((f) =>
      db.prepare('INSERT OR IGNORE INTO recipient_facilities (key_id, facility_id) VALUES (?1, ?2)').bind(r.keys.keyId, f),
    ),
  ]);
}

/**
 * @module Provisioning writes shared by the admin CLI and the demo seed: facilities and
 * recipient public keys.
 */
import { fromB64, keyIdOf, toB64, type RecipientKeys, type KdfParams } from '../../src/crypto';
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
         ON CONFLICT (key_id) DO UPDATE SET label = ?3, scope_state = ?9 WHERE status = 'active'`,
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

/** A reader's public card (`npm run keys -- keygen`), as `register` reads it. */
export interface Card {
  keyId: string;
  role: 'monitor' | 'official';
  label: string;
  boxPk: string;
  signPk: string;
  kdf: { salt: string; ops: number; mem: number };
}

/** What D1 already holds for a key id. */
export interface RegisteredKey {
  role: 'monitor' | 'official';
  label: string;
  status: 'active' | 'retired';
  boxPk: string;
  signPk: string;
  scopeState: string | null;
  facilities: string[];
}

export type RegistrationPlan =
  | { ok: false; reason: string }
  | { ok: true; changes: string[]; needsForce: boolean };

const scopeName = (state: string | null) => (state === null ? 'every state (--national)' : `state ${state}`);
const list = (ids: string[]) => (ids.length ? [...ids].sort().join(',') : 'none');

/**
 * Checks a registration before anything is written: the card's key id must be the key id of its
 * box public key (src/crypto/recipient-keys.ts), a retired key stays retired (its passphrase may be
 * what leaked: register a new key), a key keeps its role and public keys, and an official's scope
 * never widens, nor a monitor's facilities change, without --force. `changes` says what it would do.
 */
export function planRegistration(
  s: Sodium,
  card: Card,
  wanted: { scopeState: string | null; facilities: string[] },
  existing: RegisteredKey | null,
): RegistrationPlan {
  let boxPk: Uint8Array;
  let signPk: Uint8Array;
  try {
    boxPk = fromB64(s, card.boxPk);
    signPk = fromB64(s, card.signPk);
  } catch {
    return { ok: false, reason: 'the card\'s public keys are not base64url' };
  }
  if (boxPk.length !== 32 || signPk.length !== 32) return { ok: false, reason: 'the card\'s public keys must be 32 bytes each' };
  if (keyIdOf(s, boxPk) !== card.keyId) {
    return { ok: false, reason: `the card's key id ${card.keyId} is not the key id of its box public key (${keyIdOf(s, boxPk)}): the card was altered` };
  }
  if (!existing) return { ok: true, changes: [], needsForce: false };
  if (existing.status !== 'active') {
    return { ok: false, reason: `key ${card.keyId} is retired and stays retired: generate a new key with keygen and register that` };
  }
  if (existing.role !== card.role) return { ok: false, reason: `key ${card.keyId} is registered as ${existing.role}, the card says ${card.role}` };
  if (existing.boxPk !== card.boxPk || existing.signPk !== card.signPk) {
    return { ok: false, reason: `key ${card.keyId} is registered with other public keys than the card's` };
  }
  const changes: string[] = [];
  let needsForce = false;
  if (existing.label !== card.label) changes.push(`label: ${existing.label} → ${card.label}`);
  if (card.role === 'official' && existing.scopeState !== wanted.scopeState) {
    const widens = existing.scopeState !== null; // national → one state narrows; anything else widens or moves
    needsForce ||= widens;
    changes.push(`scope: ${scopeName(existing.scopeState)} → ${scopeName(wanted.scopeState)}${widens ? ' (wider: reads reports it could not read before)' : ''}`);
  }
  if (card.role === 'monitor' && list(existing.facilities) !== list(wanted.facilities)) {
    needsForce = true;
    changes.push(`facilities: ${list(existing.facilities)} → ${list(wanted.facilities)}`);
  }
  return { ok: true, changes, needsForce };
}

/**
 * @module Recipient public keys: who a facility's reports are sealed to.
 */
import { rolesFor, type SendTo } from '../domain/report';

export interface RecipientKey {
  keyId: string;
  role: 'monitor' | 'official';
  /** X25519 public key, base64url. */
  boxPk: string;
}

/**
 * The active keys that may read a facility's reports: its monitors, and the officials whose
 * scope is every facility or the facility's state (`facility` is the SQL parameter naming it).
 */
export const activeRecipientsSql = (facility: string) => `
  SELECT r.key_id AS keyId, r.role AS role, r.box_pk AS boxPk
    FROM recipients r
   WHERE r.status = 'active' AND (
         (r.role = 'monitor' AND EXISTS (
            SELECT 1 FROM recipient_facilities rf WHERE rf.key_id = r.key_id AND rf.facility_id = ${facility}))
      OR (r.role = 'official' AND (r.scope_state IS NULL OR r.scope_state =
            (SELECT f.state FROM facilities f WHERE f.id = ${facility}))))`;

export const activeRecipientsStatement = (db: D1Database, facilityId: string) =>
  db.prepare(`${activeRecipientsSql('?1')} ORDER BY r.key_id`).bind(facilityId);

export async function activeRecipientsFor(db: D1Database, facilityId: string): Promise<RecipientKey[]> {
  return (await activeRecipientsStatement(db, facilityId).all<RecipientKey>()).results;
}

/** The active keys that may read a case, given who the worker chose. */
export async function readersOf(db: D1Database, facilityId: string, sendTo: SendTo): Promise<RecipientKey[]> {
  const roles = rolesFor(sendTo);
  return (await activeRecipientsFor(db, facilityId)).filter((k) => roles.includes(k.role));
}
